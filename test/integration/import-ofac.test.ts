import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const fixture = (name: string): string => path.join(ROOT, 'test/fixtures/ofac', name);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI (`tsx src/cli/main.ts ...`) as an operator would. */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, CHAINWATCH_CONFIG: undefined } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cw-import-ofac-'));
  await mkdir(path.join(dir, 'watchlists'));
  // The shipped settings: ethereum, bitcoin and tron are monitored, the other EVM and UTXO chains configured (switched off by default).
  await copyFile(path.join(ROOT, 'config/chainwatch.yaml'), path.join(dir, 'chainwatch.yaml'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('chainwatch import ofac', () => {
  it.each(['sdn.xml', 'sdn_advanced.xml', 'sdn.csv'])('imports %s into one file per chain with exact counts; unmonitored chains are written disabled', async (file) => {
    const run = await cli(['--config', dir, 'import', 'ofac', fixture(file), '--date', '2025-06-20']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('148 address records');
    expect(run.stdout).toContain('added 141, unchanged 0, removed 0, invalid 1');
    expect(run.stdout).toContain('invalid SDN entry 40039 (FIXTURE PER-ASSET ADDRESSES), asset XMR: 5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320: does not look like a monero address');
    expect((await readdir(path.join(dir, 'watchlists'))).sort()).toEqual([
      'ofac-sdn-arbitrum.yaml',
      'ofac-sdn-bitcoin.yaml',
      'ofac-sdn-bsc.yaml',
      'ofac-sdn-ethereum-classic.yaml',
      'ofac-sdn-ethereum.yaml',
      'ofac-sdn-litecoin.yaml',
      'ofac-sdn-monero.yaml',
      'ofac-sdn-tron.yaml',
    ]);

    // What the monitor will load: the loader accepts every file, watched entries only on configured chains.
    const config = await loadConfig(dir, {});
    const count = (chain: string, enabled: boolean) => config.entries.filter((e) => e.chain === chain && e.enabled === enabled).length;
    expect(count('ethereum', true)).toBe(97);
    expect(count('bitcoin', true)).toBe(11);
    expect(count('tron', true)).toBe(13);
    // Litecoin is configured in the shipped chainwatch.yaml, so its file is written enabled.
    expect(count('litecoin', true)).toBe(10);
    expect(count('monero', false)).toBe(7);
    // Refs may be the loader's entry objects: read fields by name.
    const refs = (config.index.lookup('ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96') ?? []).map((r) => ({
      address: r.address,
      label: r.label,
      incident: r.incident,
      source: r.source,
      tags: [...r.tags],
    }));
    expect(refs).toEqual([
      {
        address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
        label: 'LAZARUS GROUP',
        incident: 'ofac-sdn',
        source: 'https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40000',
        tags: ['ofac', 'dprk', 'lazarus'],
      },
    ]);
    expect(config.index.lookup('tron', 'anything')).toBeUndefined();
  });

  it('marks addresses OFAC delisted as removed (kept), adds new ones, and a second run changes nothing', async () => {
    const first = await cli(['--config', dir, 'import', 'ofac', fixture('sdn-2024-08-20.csv'), '--date', '2024-08-20']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('added 160, unchanged 0, removed 0, invalid 0');

    // An operator annotates the file by hand between imports.
    const ethFile = path.join(dir, 'watchlists/ofac-sdn-ethereum.yaml');
    const annotated = (await readFile(ethFile, 'utf8')).replace('entries:\n', 'entries:\n  # reviewed by the SOC on 2024-09-01\n');
    await writeFile(ethFile, annotated);

    const second = await cli(['--config', dir, 'import', 'ofac', fixture('sdn.csv'), '--date', '2025-06-20']);
    expect(second.code).toBe(0);
    // 2024-08-20 -> 2025-06-20: 91 TORNADO CASH + 1 CHATEX address delisted, 32 new 0x addresses, 65 still listed.
    expect(second.stdout).toMatch(/ofac-sdn-ethereum\.yaml: 32 added, 65 unchanged, 92 removed\n/);
    expect(second.stdout).toContain('removed ethereum 0x8589427373D6D84E98730D7795D8f6f8731FDA16 TORNADO CASH');
    const text = await readFile(ethFile, 'utf8');
    expect(text).toContain('# reviewed by the SOC on 2024-09-01');
    expect(text.match(/removed: 2025-06-20/g)).toHaveLength(92);
    expect(text).toMatch(/address: "0x8589427373D6D84E98730D7795D8f6f8731FDA16"\n {4}label: TORNADO CASH\n(?: {4}.*\n)*? {4}removed: 2025-06-20\n/);

    const config = await loadConfig(dir, {});
    const tornado = config.entries.find((e) => e.address === '0x8589427373D6D84E98730D7795D8f6f8731FDA16');
    expect([tornado?.removed, tornado?.label]).toEqual(['2025-06-20', 'TORNADO CASH']);
    expect(config.index.lookup('ethereum', '0x8589427373d6d84e98730d7795d8f6f8731fda16')).toBeUndefined();
    expect(config.entries.filter((e) => e.chain === 'ethereum').length).toBe(157 + 32);

    const before = await Promise.all((await readdir(path.join(dir, 'watchlists'))).sort().map((f) => readFile(path.join(dir, 'watchlists', f), 'utf8')));
    const third = await cli(['--config', dir, 'import', 'ofac', fixture('sdn.xml'), '--date', '2025-07-01']);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('added 0, unchanged 141, removed 0, invalid 1');
    const after = await Promise.all((await readdir(path.join(dir, 'watchlists'))).sort().map((f) => readFile(path.join(dir, 'watchlists', f), 'utf8')));
    expect(after).toEqual(before);
  });

  it('refuses a file with no addresses instead of delisting everything', async () => {
    await cli(['--config', dir, 'import', 'ofac', fixture('sdn.csv'), '--date', '2025-06-20']);
    const empty = path.join(dir, 'empty.csv');
    await writeFile(empty, '36,"AEROCARIBBEAN AIRLINES","-0- ","CUBA",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n');
    const run = await cli(['--config', dir, 'import', 'ofac', empty]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refusing to mark every OFAC entry removed');
    expect(await readFile(path.join(dir, 'watchlists/ofac-sdn-ethereum.yaml'), 'utf8')).not.toMatch(/^ +removed:/m);
  });
});
