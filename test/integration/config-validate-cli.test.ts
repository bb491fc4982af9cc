import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, CHAINWATCH_CONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const BROKEN = 'test/fixtures/config/broken';
const VALID = 'test/fixtures/config/valid/basic';

describe('chainwatch validate', () => {
  it('exits 1 and prints each problem as file:line:col: field: message', async () => {
    const r = await runCli(['validate', '--config', `${BROKEN}/evm-bad-checksum`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${BROKEN}/evm-bad-checksum/watchlists/list.yaml:9:5: entries[1].address: bad EIP-55 checksum, expected 0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n`);
    expect(r.stdout).toContain('invalid: 1 error(s), 0 warning(s)');
  }, 60_000);

  it('prints a chainwatch.yaml problem at its line without the secret value', async () => {
    const r = await runCli(['validate', '--config', `${BROKEN}/webhook-bad-secret`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${BROKEN}/webhook-bad-secret/chainwatch.yaml:14:13: webhooks[0].secret: must be whsec_ followed by a base64 key`);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
  }, 60_000);

  it('exits 0 on a valid directory and summarises chains, entries per chain and files', async () => {
    const r = await runCli(['validate', '--config', VALID]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chains: ethereum (evm), bitcoin (bitcoin mainnet)');
    expect(r.stdout).toContain(`files: 3 watchlist file(s) in ${VALID}`);
    expect(r.stdout).toContain('  bitcoin: 5 watched\n');
    expect(r.stdout).toContain('  ethereum: 2 watched, 2 disabled or removed\n');
    expect(r.stdout).toContain('ok: 0 warning(s)');
  }, 60_000);

  it('prints warnings but still exits 0, and honours CHAINWATCH_CONFIG', async () => {
    const r = await runCli(['validate'], { CHAINWATCH_CONFIG: `${BROKEN}/conflicting-label-across-files` });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${BROKEN}/conflicting-label-across-files/watchlists/other.yaml:4:5: warning: entries[0].label: same ethereum address is labelled "Ronin Bridge exploiter"`);
    expect(r.stdout).toContain('ok: 1 warning(s)');
  }, 60_000);
});
