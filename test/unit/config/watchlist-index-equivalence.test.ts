import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfig } from '../../../src/config/load-config.js';
import { checkWatchlists } from '../../../src/config/load-watchlists.js';
import { scanWatchlistBytes } from '../../../src/config/scan-watchlist-bytes.js';
import type { KnownChain } from '../../../src/config/load-settings.js';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import type { WatchlistRef } from '../../../src/core/movement.js';
import type { WatchlistEntry } from '../../../src/core/watchlist.js';

/**
 * The index as it was before issue #13 (one Map per chain of key -> entry
 * objects), kept here as the reference: the compact index must answer every
 * lookup, keysFor and size exactly as it did.
 */
function referenceIndex(entries: readonly WatchlistEntry[]): { lookup: (c: string, k: string) => readonly WatchlistRef[] | undefined; keysFor: (c: string) => string[]; size: number } {
  const byChain = new Map<string, Map<string, WatchlistEntry[]>>();
  let size = 0;
  for (const e of entries) {
    if (!e.enabled || e.removed !== undefined) continue;
    let keys = byChain.get(e.chain);
    if (keys === undefined) byChain.set(e.chain, (keys = new Map()));
    const refs = keys.get(e.matchKey);
    if (refs === undefined) keys.set(e.matchKey, [e]);
    else refs.push(e);
    size++;
  }
  return { lookup: (c, k) => byChain.get(c)?.get(k), keysFor: (c) => [...(byChain.get(c)?.keys() ?? [])], size };
}

/** What an alert and `watchlist find` read from a ref. */
function plain(r: WatchlistRef): Record<string, unknown> {
  const e = r as WatchlistEntry;
  return { address: e.address, label: e.label, incident: e.incident, source: e.source, tags: [...e.tags], chain: e.chain, matchKey: e.matchKey, file: e.file, line: e.line, enabled: e.enabled, removed: e.removed };
}

const CHAINS = ['ethereum', 'bitcoin', 'arbitrum', 'tron', 'bsc', 'litecoin', 'bitcoin-cash', 'monero'];

describe('compact watchlist index over the shipped watchlists', () => {
  it('answers every lookup, keysFor and size as the reference Map index does', async () => {
    // Every shipped chain enabled, so every file is checked and indexed.
    const env = { TRON_ENABLED: 'true', BSC_ENABLED: 'true', POLYGON_ENABLED: 'true' };
    const check = await checkConfig('config', env);
    expect(check.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const config = check.config!;
    const entries = config.entries;
    expect(entries.length).toBeGreaterThan(500);
    const reference = referenceIndex(entries);
    const index = config.index;
    expect(index.size).toBe(reference.size);
    const chains = [...new Set(entries.map((e) => e.chain)), ...CHAINS];
    for (const chain of chains) {
      expect([...index.keysFor(chain)], chain).toEqual(reference.keysFor(chain));
      expect(index.keysFor(chain).size, chain).toBe(reference.keysFor(chain).length);
    }
    let hits = 0;
    for (const e of entries) {
      for (const chain of [e.chain, 'ethereum', 'bitcoin']) {
        const want = reference.lookup(chain, e.matchKey);
        const got = index.lookup(chain, e.matchKey);
        expect(got?.map(plain), `${chain} ${e.matchKey}`).toEqual(want?.map(plain));
        expect(index.keysFor(chain).has(e.matchKey)).toBe(want !== undefined);
        if (want !== undefined) hits++;
      }
      // Near misses: one character changed, another case, a prefix.
      const flipped = e.matchKey.slice(0, -1) + (e.matchKey.endsWith('0') ? '1' : '0');
      expect(index.lookup(e.chain, flipped)).toEqual(reference.lookup(e.chain, flipped));
      expect(index.lookup(e.chain, e.matchKey.toUpperCase())).toEqual(reference.lookup(e.chain, e.matchKey.toUpperCase()));
      expect(index.lookup(e.chain, e.matchKey.slice(0, -2))).toBeUndefined();
    }
    expect(hits).toBeGreaterThan(100);
  });

  it('loads the same entries and problems through the byte scanner as through the exact path', async () => {
    const chainIds = new Map<string, KnownChain>([
      ['ethereum', { kind: 'evm' }],
      ['bitcoin', { kind: 'bitcoin', network: 'mainnet' }],
      ['arbitrum', { kind: 'evm' }],
      ['bsc', { kind: 'evm' }],
      ['tron', { kind: 'tron' }],
    ]);
    const fast = await checkWatchlists('config', chainIds);
    const exact = await checkWatchlists('config', chainIds, { fastScan: false });
    expect(fast.problems).toEqual(exact.problems);
    expect(JSON.stringify(fast.entries)).toBe(JSON.stringify(exact.entries));
    expect(fast.index.version).toBe(exact.index.version);
  });
});

// --- generated files: the byte scanner either gives exactly what the exact path gives, or declines ---

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const EVM = ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96', '0x098b716b8aaf21512996dc57eb0615e2383e2f96', '0x098B716B8AAF21512996DC57EB0615E2383E2F96', '0x098B716B8Aaf21512996dC57EB0615e2383E2f97', '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4', '0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4', '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf', 'not-an-address'];
const BTC = ['bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84', 'BC1QFESN3JJ65FHMF00HH45UEQL8JE8JAE6EP3QK84', '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'bc1qinvalid'];
const LABELS = ['Ronin Bridge exploiter', "Lazarus' hot wallet", '"quoted" label', 'Ünïcode wallet', 'a #b', 'true', '123', 'x'];
const INCIDENTS = ['ronin-2022', 'bybit-2025', 'Bad_Incident', '2024'];
const SOURCES = ['https://example.org/a', 'http://example.org/b', 'ftp://example.org', 'not a url'];

function scalarText(r: () => number, v: string): string {
  const x = r();
  if (x < 0.4 && !/[:#'"]|^[\d-]|^(true|false|null)$/.test(v)) return v;
  if (x < 0.7 && !v.includes('"')) return `"${v}"`;
  return `'${v.replaceAll("'", "''")}'`;
}

/** `valid`: only values the loader accepts (half the directories), so both outcomes are exercised. */
function generateFile(seed: number, valid = seed % 2 === 0): string {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const eol = r() < 0.2 ? '\r\n' : '\n';
  const dash = r() < 0.3 ? '' : '  ';
  const out = ['# generated'];
  if (r() < 0.5) out.push(`description: ${scalarText(r, 'DPRK-linked')}`);
  if (r() < 0.2) out.push(`enabled: ${r() < 0.5 ? 'true' : 'false'}`);
  out.push('entries:');
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const chain = valid ? pick(['ethereum', 'bitcoin', 'arbitrum']) : pick(['ethereum', 'ethereum', 'bitcoin', 'arbitrum', 'monero', 'solana']);
    const lines: string[] = [`chain: ${chain}`];
    const addr = valid ? (chain === 'bitcoin' ? pick(BTC.slice(0, 3)) : pick(EVM.slice(0, 3))).replace(/.$/, (c) => c) : chain === 'bitcoin' ? pick(BTC) : pick(EVM);
    lines.push(`address: ${addr.startsWith('0x') && r() < 0.4 ? addr : scalarText(r, addr)}`);
    if (valid || r() > 0.03) lines.push(`label: ${valid || r() < 0.7 ? scalarText(r, `${pick(LABELS)} ${i}`) : scalarText(r, pick(LABELS))}`);
    lines.push(`incident: ${valid || r() < 0.9 ? pick(INCIDENTS.slice(0, 2)) : pick(INCIDENTS)}`);
    lines.push(`source: ${valid || r() < 0.85 ? pick(SOURCES.slice(0, 2)) : pick(SOURCES)}`);
    const t = r();
    if (t < 0.5) lines.push(`tags: [${r() < 0.5 ? 'dprk, lazarus' : '"dprk"'}]`);
    else if (t < 0.55) lines.push('tags: []');
    else if (t < 0.6) lines.push('tags:\n' + `${dash}    - dprk`);
    if (r() < 0.15) lines.push(`removed: ${valid || r() < 0.8 ? '2025-03-21' : '21.03.2025'}`);
    if (r() < 0.15) lines.push(`enabled: ${valid ? pick(['true', 'false']) : pick(['true', 'false', '"false"'])}`);
    if (r() < 0.2) lines.push(`note: ${scalarText(r, 'hop 2; chain inferred')}${r() < 0.3 ? '  # comment' : ''}`);
    if (!valid && r() < 0.02) lines.push('unknown: 1');
    // Shuffle the keys now and then (order is free in a mapping).
    if (r() < 0.3) lines.reverse();
    out.push(`${dash}- ${lines[0]}`);
    for (const l of lines.slice(1)) out.push(`${dash}  ${l}`);
    if (r() < 0.1) out.push('');
    if (r() < 0.1) out.push(`${dash}  # a comment`);
  }
  return out.join(eol) + eol;
}

describe('byte scanner against the exact path on generated files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cw-scan-eq-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const chainIds = new Map<string, KnownChain>([
    ['ethereum', { kind: 'evm' }],
    ['bitcoin', { kind: 'bitcoin', network: 'mainnet' }],
    ['arbitrum', { kind: 'evm' }],
  ]);

  it('gives identical entries, problems and versions for 400 generated directories', async () => {
    let clean = 0;
    let scanned = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const d = path.join(dir, String(seed));
      await mkdir(path.join(d, 'watchlists'), { recursive: true });
      const files = 1 + (seed % 3);
      for (let f = 0; f < files; f++) {
        const file = path.join(d, 'watchlists', `f${f}.yaml`);
        await writeFile(file, generateFile(seed * 7 + f, seed % 2 === 0));
        if (scanWatchlistBytes(await readFile(file), { file, chainIds, chainsKnown: true }) !== undefined) scanned++;
      }
      const fast = await checkWatchlists(d, chainIds);
      const exact = await checkWatchlists(d, chainIds, { fastScan: false });
      expect(fast.problems, `seed ${seed}`).toEqual(exact.problems);
      expect(JSON.stringify(fast.entries), `seed ${seed}`).toBe(JSON.stringify(exact.entries));
      expect(fast.index.version, `seed ${seed}`).toBe(exact.index.version);
      const reference = referenceIndex(exact.entries);
      for (const e of exact.entries) expect(fast.index.lookup(e.chain, e.matchKey)?.map(plain), `seed ${seed}`).toEqual(reference.lookup(e.chain, e.matchKey)?.map(plain));
      if (exact.problems.length === 0) clean++;
    }
    // Both kinds of directory were exercised.
    expect(clean).toBeGreaterThan(20);
    expect(clean).toBeLessThan(380);
    // And the byte scanner itself took a good share of the files.
    expect(scanned).toBeGreaterThan(100);
  });

  it('gives the same version for the same watched content whichever path or packing built it', async () => {
    const d = path.join(dir, 'version');
    await mkdir(path.join(d, 'watchlists'), { recursive: true });
    await cp('test/fixtures/config/valid/basic/chainwatch.yaml', path.join(d, 'chainwatch.yaml'));
    await writeFile(path.join(d, 'watchlists', 'a.yaml'), generateFile(4, true));
    const fast = await checkWatchlists(d, chainIds);
    expect(fast.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(buildWatchlistIndex(fast.entries).version).toBe(fast.index.version);
  });
});
