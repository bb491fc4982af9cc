import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cw-import-csv-'));
  await mkdir(path.join(dir, 'watchlists'));
  await copyFile(path.join(ROOT, 'config/chainwatch.yaml'), path.join(dir, 'chainwatch.yaml'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Real Bybit (2025) addresses from the FBI PSA250226 list; two rows broken on purpose.
const CSV = `address,label,tags
0x0fa09c3a328792253f8dee7116848723b72a6d2e,Bybit exploiter EOA,exploiter
0x1542368a03ad1f03d96d51b414f4738961cf4443,,laundering
0x1542368a03ad1f03d96d51b414f4738961cf44,truncated,
not-an-address,junk,
`;

describe('chainwatch import csv', () => {
  it('writes valid rows to a new watchlist the loader accepts, lists invalid rows with line and reason, and is idempotent', async () => {
    const input = path.join(dir, 'bybit.csv');
    await writeFile(input, CSV);
    const args = ['--config', dir, 'import', 'csv', input, '--chain', 'ethereum', '--incident', 'bybit-2025', '--source', 'https://www.ic3.gov/PSA/2025/PSA250226', '--label', 'Bybit theft (FBI PSA250226)', '--tags', 'dprk,lazarus,fbi'];
    const run = await cli(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${path.join(dir, 'watchlists', 'bybit-2025-ethereum.yaml')}: 2 added, 0 unchanged, 0 removed (new file)`);
    expect(run.stdout).toContain('added 2, unchanged 0, removed 0, invalid 2');
    expect(run.stdout).toContain('invalid line 4: 0x1542368a03ad1f03d96d51b414f4738961cf44: not a 20-byte 0x address for ethereum');
    expect(run.stdout).toContain('invalid line 5: not-an-address: not a 20-byte 0x address for ethereum');

    const config = await loadConfig(dir, {});
    expect(config.entries.map((e) => [e.address, e.label, e.incident, e.tags.join(','), e.enabled])).toEqual([
      ['0x0fa09C3A328792253f8dee7116848723b72a6d2e', 'Bybit exploiter EOA', 'bybit-2025', 'dprk,lazarus,fbi,exploiter', true],
      ['0x1542368a03ad1f03d96D51B414f4738961Cf4443', 'Bybit theft (FBI PSA250226)', 'bybit-2025', 'dprk,lazarus,fbi,laundering', true],
    ]);
    expect(await readFile(path.join(dir, 'watchlists/bybit-2025-ethereum.yaml'), 'utf8')).not.toContain('not-an-address');

    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('added 0, unchanged 2, removed 0, invalid 2');
    expect(again.stdout).toContain('(no change)');
  });

  it('writes a chain chainwatch does not monitor into a disabled file, and rejects bad options with exit 2', async () => {
    // Monero: an OFAC-listed address from the shipped ofac-sdn-monero.yaml; chainwatch has no Monero engine (amounts and parties are hidden).
    const input = path.join(dir, 'monero.csv');
    const xmr = '49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL';
    await writeFile(input, `${xmr},OFAC SDN-listed XMR address\n`);
    const run = await cli(['--config', dir, 'import', 'csv', input, '--chain', 'monero', '--incident', 'ofac-sdn', '--source', 'https://sanctionssearch.ofac.treas.gov/']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(new file, disabled: chain not configured)');
    const config = await loadConfig(dir, {});
    expect(config.entries.map((e) => [e.chain, e.address, e.enabled])).toEqual([['monero', xmr, false]]);

    const bad = await cli(['--config', dir, 'import', 'csv', input, '--chain', 'monero', '--incident', 'CoinEx 2023', '--source', 'https://x.org']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--incident must be a lowercase slug');
  });
});
