import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkConfig, ConfigError, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';

interface Expected {
  case: string;
  code: string;
  severity: 'error' | 'warning';
  file: string;
  line: number;
  field: string;
  message?: string;
  notInMessage?: string;
}

const BROKEN = 'test/fixtures/config/broken';
const table = parse(readFileSync(path.join(BROKEN, 'expected.yaml'), 'utf8')) as Expected[];

describe('broken config corpus', () => {
  it('has at least 30 cases', () => {
    expect(table.length).toBeGreaterThanOrEqual(30);
  });

  it.each(table.map((t) => [t.case, t] as const))('%s', async (_name, exp) => {
    const dir = path.join(BROKEN, exp.case);
    const { problems } = await checkConfig(dir, {});
    const file = path.join(dir, exp.file);
    const match = problems.find((p) => p.code === exp.code && p.file === file && p.line === exp.line && p.field === exp.field);
    expect(match, `expected ${exp.code} at ${file}:${exp.line} ${exp.field}; got:\n${problems.map((p) => `${p.code} ${formatConfigProblem(p)}`).join('\n')}`).toBeDefined();
    expect(match!.severity).toBe(exp.severity);
    const line = formatConfigProblem(match!);
    expect(line.startsWith(`${file}:${exp.line}`)).toBe(true);
    if (exp.message !== undefined) expect(match!.message).toContain(exp.message);
    if (exp.notInMessage !== undefined) {
      for (const p of problems) expect(formatConfigProblem(p)).not.toContain(exp.notInMessage);
    }
    if (exp.severity === 'error') {
      const err = await loadConfig(dir, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toContainEqual(match);
    } else {
      const loaded = await loadConfig(dir, {});
      expect(loaded.warnings).toContainEqual(match);
    }
  });
});
