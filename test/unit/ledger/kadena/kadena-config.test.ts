import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem } from '../../../../src/config/load-config.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function configDir(chainwatchYaml: string, watchlistYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-kadena-config-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'watchlists'));
  writeFileSync(join(dir, 'chainwatch.yaml'), chainwatchYaml);
  writeFileSync(join(dir, 'watchlists', 'list.yaml'), watchlistYaml);
  return dir;
}

const settings = (options: string) => `chains:
  kadena:
    kind: kadena
    apiUrl: http://127.0.0.1:1848
${options}webhooks:
  - id: soc
    url: http://127.0.0.1:9000/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
`;

describe('kadena and ton config', () => {
  it('a chain id outside 0-19 in options.chains is a file:line:field error', async () => {
    const dir = configDir(settings('    options:\n      chains: [0, 25]\n'), 'entries: []\n');
    const { problems } = await checkConfig(dir, {});
    const line = problems.map(formatConfigProblem).find((p) => p.includes('options.chains'));
    expect(line).toBeDefined();
    expect(line!.startsWith(join(dir, 'chainwatch.yaml'))).toBe(true);
  });

  it('a mistyped k: account and a TON address with a bad checksum are refused with the file and line', async () => {
    const dir = configDir(
      settings('') .replace('webhooks:', '  ton:\n    kind: ton\n    apiUrl: http://127.0.0.1:8081\nwebhooks:'),
      `entries:
  - { chain: kadena, address: "k:a9f3672d7ad7a1e4592702d73b220cbc61db1fa17f89a56131d965bc0395991", label: x, incident: t, source: https://example.org }
  - { chain: ton, address: EQATuwsj4O2cXXFwaIdDRyS9Vv19Emmd6mwHy41QiiBqLH8M, label: y, incident: t, source: https://example.org }
  - { chain: kadena, address: "k:a9f3672d7ad7a1e4592702d73b220cbc61db1fa17f89a56131d965bc03959913", label: ok, incident: t, source: https://example.org }
`,
    );
    const { problems } = await checkConfig(dir, {});
    const lines = problems.filter((p) => p.severity === 'error').map(formatConfigProblem);
    expect(lines.find((l) => l.includes(`list.yaml:2`))).toMatch(/64-hex-digit/);
    expect(lines.find((l) => l.includes(`list.yaml:3`))).toMatch(/checksum/);
    expect(lines.find((l) => l.includes(`list.yaml:4`))).toBeUndefined();
  });
});
