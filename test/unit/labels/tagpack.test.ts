import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkLabels } from '../../../src/config/load-labels.js';
import type { KnownChain } from '../../../src/config/load-settings.js';
import { WELL_KNOWN_CHAINS } from '../../../src/config/well-known-chains.js';
import { parseTagPack } from '../../../src/core/import/parse-tagpack.js';
import { importTagPackFile } from '../../../src/importers/import-tagpack-file.js';

const FIXTURES = new URL('../../fixtures/tagpack/', import.meta.url).pathname;
const fixture = (name: string): string => join(FIXTURES, name);
const read = (name: string): unknown => parse(readFileSync(fixture(name), 'utf8'), { schema: 'failsafe' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'chainwatch-tagpack-'));
  dirs.push(d);
  return d;
}
const chainFormat = (chain: string): KnownChain | undefined => WELL_KNOWN_CHAINS.get(chain);

describe('parseTagPack (real GraphSense TagPacks)', () => {
  it('tags inherit the header: label, category, currency and source of the Tornado.cash pack (OFAC press release)', () => {
    const pack = parseTagPack(read('tornado_cash.yaml'));
    expect(pack.header).toMatchObject({ title: 'Tornado.cash', creator: 'GraphSense Core Team', lastmod: '2022-08-10' });
    expect(pack.skipped).toEqual([]);
    expect(pack.labels).toHaveLength(39);
    expect(pack.labels[0]).toEqual({
      index: 0, chain: 'ethereum', address: '0x8589427373D6D84E98730D7795D8f6f8731FDA16', label: 'tornado.cash', category: 'mixer',
      source: 'https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808', graphsenseCategory: 'mixing_service',
    });
  });

  it('per-tag fields override the header: currency per tag (BTC and ETH), a tag with its own source', () => {
    const pack = parseTagPack(read('exchange-wallets-bybit.yaml'));
    expect(pack.labels.map((l) => l.chain)).toEqual(['bitcoin', 'bitcoin', 'bitcoin', 'bitcoin', 'ethereum', 'ethereum', 'ethereum', 'ethereum']);
    expect(pack.labels.every((l) => l.category === 'exchange' && l.label === 'Bybit reserve wallets')).toBe(true);
    expect(pack.labels[3]!.source).toBe('https://www.bybithelp.com/bybitHC_Article?id=000001880');
    expect(pack.labels[0]!.source).toMatch(/^https:\/\/blog\.bybit\.com\//);
  });

  it('maps the GraphSense categories per tag (exchange, mixing_service) when the header has none', () => {
    const pack = parseTagPack(read('interpol-real_services.yaml'));
    expect(new Set(pack.labels.map((l) => `${l.graphsenseCategory}->${l.category}`))).toEqual(new Set(['exchange->exchange', 'mixing_service->mixer']));
    expect(pack.labels.find((l) => l.label === 'sideshift.ai')?.category).toBe('mixer');
  });

  it('reports what it cannot import: an unknown category (organization), currencies with no chain (XRP, ZEC)', () => {
    const pack = parseTagPack(read('demo.yaml'));
    expect(pack.labels).toEqual([]);
    expect(pack.skipped.map((s) => s.reason)).toEqual([
      'unknown category organization',
      'unknown category organization',
      'unknown category organization',
      'currency/network XRP is not a chain chainwatch knows',
      'currency/network ZEC is not a chain chainwatch knows',
    ]);
    expect(pack.skipped.filter((s) => s.unknownCategory === 'organization')).toHaveLength(3);
  });

  it('refuses what is not a TagPack', () => {
    expect(() => parseTagPack({ labels: [] })).toThrow(/no tags: list/);
    expect(() => parseTagPack({ tags: [] })).toThrow(/no title/);
    expect(() => parseTagPack(['x'])).toThrow(/not a TagPack/);
  });
});

describe('chainwatch import tagpack (importTagPackFile)', () => {
  it('writes a label file that the loader accepts, drops the repeated address, and a second import changes nothing', async () => {
    const out = join(outDir(), 'labels', 'tagpack-tornado.yaml');
    const first = await importTagPackFile({ inputFile: fixture('tornado_cash.yaml'), outFile: out, chainFormat });
    // The pack lists 0x4736…9D twice, once with a trailing space: one label.
    expect(first).toMatchObject({ title: 'Tornado.cash', tags: 39, labels: 38, duplicates: 1, written: true, skipped: [] });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('- { chain: ethereum, address: "0x8589427373D6D84E98730D7795D8f6f8731FDA16", label: tornado.cash, category: mixer, source: https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808 }');
    const check = await checkLabels(join(out, '..', '..'), new Map<string, KnownChain>([['ethereum', { kind: 'evm' }]]));
    expect(check.problems).toEqual([]);
    expect(check.labels).toHaveLength(38);

    const mtime = statSync(out, { bigint: true }).mtimeNs;
    const again = await importTagPackFile({ inputFile: fixture('tornado_cash.yaml'), outFile: out, chainFormat });
    expect(again.written).toBe(false);
    expect(readFileSync(out, 'utf8')).toBe(text);
    expect(statSync(out, { bigint: true }).mtimeNs).toBe(mtime);
  });

  it('a mixed BTC/ETH pack loads with Bitcoin labels keyed like the watchlist; unknown categories are counted', async () => {
    const dir = outDir();
    const r = await importTagPackFile({ inputFile: fixture('exchange-wallets-bybit.yaml'), outFile: join(dir, 'labels', 'bybit.yaml'), chainFormat });
    expect(r).toMatchObject({ labels: 8, skipped: [] });
    const check = await checkLabels(dir, new Map<string, KnownChain>([['ethereum', { kind: 'evm' }], ['bitcoin', { kind: 'bitcoin', network: 'mainnet' }]]));
    expect(check.problems).toEqual([]);
    expect(check.labels.filter((l) => l.chain === 'bitcoin')).toHaveLength(4);
    const demo = await importTagPackFile({ inputFile: fixture('demo.yaml'), outFile: join(dir, 'labels', 'demo.yaml'), chainFormat });
    expect([...demo.unknownCategories]).toEqual([['organization', 3]]);
    expect(demo.labels).toBe(0);
  });

  it('an address that is not valid for its chain is skipped with the normaliser\'s reason', async () => {
    const dir = outDir();
    const r = await importTagPackFile({
      inputFile: fixture('exchange-wallets-bybit.yaml'),
      outFile: join(dir, 'labels', 'bybit.yaml'),
      // Pretend bitcoin is configured as testnet: the mainnet addresses do not belong to it.
      chainFormat: (c) => (c === 'bitcoin' ? { kind: 'bitcoin', network: 'testnet' } : chainFormat(c)),
    });
    expect(r.labels).toBe(4);
    expect(r.skipped.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(r.skipped[0]!.reason).toMatch(/mainnet/i);
  });
});
