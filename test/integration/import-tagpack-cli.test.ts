import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, CHAINWATCH_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'chainwatch-tagpack-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chainwatch import tagpack', () => {
  it('writes the label file, says what it skipped and why, and a second run changes nothing', async () => {
    const out = join(dir, 'labels', 'bybit.yaml');
    const first = await runCli(['import', 'tagpack', 'test/fixtures/tagpack/exchange-wallets-bybit.yaml', '--out', out, '--config', 'config']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`TagPack "Bybit reserve wallets": 8 tag(s), 8 label(s) written to ${out}, 0 duplicate(s), 0 skipped`);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('{ chain: bitcoin, address: "1GrwDkr33gT6LuumniYjKEGjTLhsL5kmqC", label: Bybit reserve wallets, category: exchange, source: https://www.bybithelp.com/bybitHC_Article?id=000001880 }');
    const again = await runCli(['import', 'tagpack', 'test/fixtures/tagpack/exchange-wallets-bybit.yaml', '--out', out, '--config', 'config']);
    expect(again.stdout).toContain('(no change)');
    expect(readFileSync(out, 'utf8')).toBe(text);

    const demo = await runCli(['import', 'tagpack', 'test/fixtures/tagpack/demo.yaml', '--out', join(dir, 'labels', 'demo.yaml'), '--config', 'config']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('unknown category organization: 3 tag(s) not imported');
    expect(demo.stdout).toContain('skipped tags[3] rGeyCsqc6vKXuyTGF39WJxmTRemoV3c97h: currency/network XRP is not a chain chainwatch knows');
  }, 120_000);

  it('exits 1 with a clear message for a file that is not a TagPack', async () => {
    const r = await runCli(['import', 'tagpack', 'config/chainwatch.yaml', '--out', join(dir, 'x.yaml'), '--config', 'config']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot import chainwatch.yaml: not a TagPack: no tags: list');
  }, 60_000);
});
