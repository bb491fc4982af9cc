import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const WATCHLIST_A = `description: test list A
entries:
  - chain: ethereum
    address: "${LAZARUS}"
    label: LAZARUS GROUP
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
    tags: [ofac, dprk, lazarus]
  - chain: ethereum
    address: "0x8589427373D6D84E98730D7795D8f6f8731FDA16"
    label: TORNADO CASH
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
    tags: [ofac]
    removed: 2025-03-21
  - chain: bitcoin
    address: 3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG
    label: FBI-identified DPRK-controlled BTC address
    incident: fbi-dprk-btc-2023
    source: https://www.fbi.gov/news/press-releases/fbi-identifies-cryptocurrency-funds-stolen-by-dprk
    tags: [dprk, lazarus, fbi]
`;
const WATCHLIST_B = `description: test list B
entries:
  - chain: ethereum
    address: "${LAZARUS.toLowerCase()}"
    label: "Ronin Bridge: Primary"
    incident: ronin-2022
    source: https://github.com/tayvano/lazarus-bluenoroff-research
    tags: [dprk, lazarus, exploiter]
`;
const WATCHLIST_DISABLED = `description: tron, not monitored
enabled: false
entries:
  - chain: tron
    address: TPFUjxQzG88Vwynrpj2W61ZAkQ9W2QYgAQ
    label: "CoinEx: Theft 1"
    incident: coinex-2023
    source: https://github.com/tayvano/lazarus-bluenoroff-research
    tags: [dprk, lazarus, exploiter]
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cw-watchlist-cli-'));
  await mkdir(path.join(dir, 'watchlists'));
  await copyFile(path.join(ROOT, 'config/chainwatch.yaml'), path.join(dir, 'chainwatch.yaml'));
  await writeFile(path.join(dir, 'watchlists/a.yaml'), WATCHLIST_A);
  await writeFile(path.join(dir, 'watchlists/b.yaml'), WATCHLIST_B);
  await writeFile(path.join(dir, 'watchlists/c-tron.yaml'), WATCHLIST_DISABLED);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The loader shows paths relative to the working directory when under it, else as given (absolute here).
const rel = (f: string): string => path.join(dir, 'watchlists', f);

describe('chainwatch watchlist find', () => {
  it('finds every entry holding an EVM address, case-insensitively, with file:line and source', async () => {
    const run = await cli(['--config', dir, 'watchlist', 'find', LAZARUS.toUpperCase().replace('0X', '0x')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(': 2 entries on ethereum');
    expect(run.stdout).toContain('label:    LAZARUS GROUP\n    incident: ofac-sdn\n    tags:     ofac, dprk, lazarus\n    source:   https://sanctionssearch.ofac.treas.gov/\n');
    expect(run.stdout).toContain('label:    Ronin Bridge: Primary\n    incident: ronin-2022');
    expect(run.stdout).toMatch(new RegExp(`file: +${rel('a.yaml').replace(/[.]/g, '\\.')}:3\\n`));
    expect(run.stdout).toMatch(new RegExp(`file: +${rel('b.yaml').replace(/[.]/g, '\\.')}:3\\n`));
  });

  it('shows removed and disabled entries with their status', async () => {
    const removed = await cli(['--config', dir, 'watchlist', 'find', '0x8589427373d6d84e98730d7795d8f6f8731fda16']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('[removed 2025-03-21]');
    const tron = await cli(['--config', dir, 'watchlist', 'find', 'TPFUjxQzG88Vwynrpj2W61ZAkQ9W2QYgAQ', '--json']);
    expect(tron.code).toBe(0);
    expect(JSON.parse(tron.stdout)).toMatchObject({ found: true, entries: [{ chain: 'tron', status: 'disabled', incident: 'coinex-2023', line: 4 }] });
  });

  it('exits 1 and says so when no watchlist holds the address', async () => {
    const run = await cli(['--config', dir, 'watchlist', 'find', '0x0000000000000000000000000000000000000bad']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('0x0000000000000000000000000000000000000bad is not in any watchlist\n');
    const json = await cli(['--config', dir, 'watchlist', 'find', '0x0000000000000000000000000000000000000bad', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ address: '0x0000000000000000000000000000000000000bad', found: false, entries: [] });
  });
});

describe('chainwatch watchlist ls and stats', () => {
  it('lists entries filtered by chain, incident and tag as a table', async () => {
    const run = await cli(['--config', dir, 'watchlist', 'ls', '--tag', 'lazarus', '--chain', 'ethereum']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CHAIN +ADDRESS +LABEL +INCIDENT +TAGS +FILE:LINE +STATUS$/);
    expect(lines.slice(1, -1).map((l) => l.split(/ {2,}/))).toEqual([
      ['ethereum', LAZARUS, 'LAZARUS GROUP', 'ofac-sdn', 'ofac,dprk,lazarus', `${rel('a.yaml')}:3`, 'watched'],
      ['ethereum', LAZARUS, 'Ronin Bridge: Primary', 'ronin-2022', 'dprk,lazarus,exploiter', `${rel('b.yaml')}:3`, 'watched'],
    ]);
    expect(lines.at(-1)).toBe('2 entries');
    const json = await cli(['--config', dir, 'watchlist', 'ls', '--incident', 'fbi-dprk-btc-2023', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        chain: 'bitcoin',
        address: '3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG',
        label: 'FBI-identified DPRK-controlled BTC address',
        incident: 'fbi-dprk-btc-2023',
        source: 'https://www.fbi.gov/news/press-releases/fbi-identifies-cryptocurrency-funds-stolen-by-dprk',
        tags: ['dprk', 'lazarus', 'fbi'],
        status: 'watched',
        enabled: true,
        removed: null,
        file: rel('a.yaml'),
        line: 16,
      },
    ]);
  });

  it('counts per chain, incident and tag with watched/disabled/removed', async () => {
    const run = await cli(['--config', dir, 'watchlist', 'stats']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 entries in 3 files: 3 watched, 1 disabled, 1 removed\n');
    expect(run.stdout).toMatch(/^ethereum +3 +2 +0 +1$/m);
    expect(run.stdout).toMatch(/^tron +1 +0 +1 +0$/m);
    expect(run.stdout).toMatch(/^lazarus +4 +3 +1 +0$/m);
    const json = JSON.parse((await cli(['--config', dir, 'watchlist', 'stats', '--json'])).stdout) as { byIncident: Record<string, unknown> };
    expect(json.byIncident['ofac-sdn']).toEqual({ total: 2, watched: 1, disabled: 0, removed: 1 });
  });
});

describe('shipped config/watchlists', () => {
  it('loads with the shipped chainwatch.yaml without errors and watches well-known hack addresses', async () => {
    const config = await loadConfig(path.join(ROOT, 'config'), {});
    expect(config.warnings.filter((p) => p.severity === 'error')).toEqual([]);
    const refs = (chain: string, address: string) => {
      const entry = config.entries.find((e) => e.chain === chain && e.address.toLowerCase() === address.toLowerCase());
      expect(entry, `${chain} ${address} shipped`).toBeDefined();
      return (config.index.lookup(chain, entry?.matchKey ?? '') ?? []).map((r) => `${r.incident} ${r.tags.join(',')}`).sort();
    };
    // Ronin Bridge exploiter: OFAC (LAZARUS GROUP) and the Ronin incident file.
    expect(refs('ethereum', LAZARUS)).toEqual(['ofac-sdn ofac,dprk,lazarus', 'ronin-2022 dprk,lazarus,exploiter']);
    // Bybit exploiter EOA and the Bybit cold wallet the funds left (victim).
    expect(refs('ethereum', '0x0fa09c3a328792253f8dee7116848723b72a6d2e')).toEqual(['bybit-2025 dprk,lazarus,exploiter']);
    expect(refs('ethereum', '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4')).toEqual(['bybit-2025 victim']);
    // A Lazarus BTC address the FBI named (2023-08-22).
    expect(refs('bitcoin', '3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG')).toEqual(['fbi-dprk-btc-2023 dprk,lazarus,laundering,fbi']);
    // Harmony exploiter.
    expect(refs('ethereum', '0x0d043128146654c7683fbf30ac98d7b2285ded00')).toEqual(['harmony-2022 dprk,lazarus,exploiter']);
    // Tornado Cash was delisted: kept for history, not watched.
    const tornado = config.entries.find((e) => e.address === '0x8589427373D6D84E98730D7795D8f6f8731FDA16');
    expect([tornado?.removed, tornado?.incident]).toEqual(['2025-03-21', 'ofac-sdn']);
    expect(config.index.lookup('ethereum', '0x8589427373d6d84e98730d7795d8f6f8731fda16')).toBeUndefined();
    // Tron's OFAC list is watched, by the 21 bytes of each T-address (issue #14).
    expect(config.entries.filter((e) => e.chain === 'tron' && e.incident === 'ofac-sdn').every((e) => e.enabled)).toBe(true);
    expect(refs('tron', 'TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre')).toEqual(['ofac-sdn ofac']);
    // Chains chainwatch does not monitor are shipped, but disabled.
    expect(config.entries.filter((e) => e.chain === 'monero').every((e) => !e.enabled)).toBe(true);
    expect(config.entries.filter((e) => e.chain === 'monero').length).toBeGreaterThan(0);
  });

  it('finds a shipped Lazarus address through the CLI with the default config directory', async () => {
    const run = await cli(['watchlist', 'find', '3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('incident: fbi-dprk-btc-2023');
    expect(run.stdout).toContain('file:     config/watchlists/incident-fbi-dprk-btc-2023.yaml:');
  });
});
