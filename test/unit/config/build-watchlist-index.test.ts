import { describe, expect, it } from 'vitest';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import type { WatchlistEntry } from '../../../src/core/watchlist.js';

function entry(over: Partial<WatchlistEntry> & { matchKey: string }): WatchlistEntry {
  return {
    chain: 'ethereum',
    address: over.matchKey,
    label: 'wallet',
    incident: 'ronin-2022',
    source: 'https://example.org/a',
    tags: ['dprk'],
    removed: undefined,
    enabled: true,
    file: 'config/watchlists/a.yaml',
    line: 1,
    ...over,
  };
}

describe('buildWatchlistIndex', () => {
  const a = '0x098b716b8aaf21512996dc57eb0615e2383e2f96';
  const b = '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4';

  it('looks up by chain and match key, with every entry flagging the address', () => {
    const index = buildWatchlistIndex([
      entry({ matchKey: a, label: 'Ronin exploiter' }),
      entry({ matchKey: a, label: 'OFAC SDN', incident: 'ofac-sdn' }),
      entry({ matchKey: b, chain: 'arbitrum' }),
    ]);
    expect(index.lookup('ethereum', a)?.map((r) => r.label)).toEqual(['Ronin exploiter', 'OFAC SDN']);
    expect(index.lookup('ethereum', b)).toBeUndefined();
    expect(index.lookup('arbitrum', b)?.[0]?.incident).toBe('ronin-2022');
    expect(index.size).toBe(3);
    expect([...index.keysFor('ethereum')]).toEqual([a]);
    expect(index.keysFor('bitcoin').size).toBe(0);
  });

  it('skips disabled and removed entries', () => {
    const index = buildWatchlistIndex([entry({ matchKey: a, enabled: false }), entry({ matchKey: b, removed: '2025-01-01' })]);
    expect(index.size).toBe(0);
    expect(index.lookup('ethereum', a)).toBeUndefined();
    expect(index.lookup('ethereum', b)).toBeUndefined();
  });

  it('has a version that changes with watched content only', () => {
    const base = [entry({ matchKey: a }), entry({ matchKey: b })];
    const v1 = buildWatchlistIndex(base).version;
    expect(buildWatchlistIndex(base.map((e) => ({ ...e, line: e.line + 10 }))).version).toBe(v1);
    expect(buildWatchlistIndex([...base, entry({ matchKey: a, chain: 'base', enabled: false })]).version).toBe(v1);
    expect(buildWatchlistIndex([base[0]!, { ...base[1]!, label: 'renamed' }]).version).not.toBe(v1);
    expect(buildWatchlistIndex([base[0]!]).version).not.toBe(v1);
  });

  it('builds a million entries', () => {
    const entries: WatchlistEntry[] = [];
    for (let i = 0; i < 1_000_000; i++) entries.push(entry({ matchKey: `0x${i.toString(16).padStart(40, '0')}` }));
    const started = performance.now();
    const index = buildWatchlistIndex(entries);
    console.log(`buildWatchlistIndex: 1,000,000 entries in ${Math.round(performance.now() - started)} ms`);
    expect(index.size).toBe(1_000_000);
    expect(index.lookup('ethereum', `0x${(123_456).toString(16).padStart(40, '0')}`)).toHaveLength(1);
  });
});

describe('lookupHex: a key looked up by the bytes its hex spells (Bitcoin output scripts)', () => {
  const p2wpkh = '0014751e76e8199196d454941c45d1b3a323f1433bd6';
  const p2pkh = '76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac';
  const bytes = (hex: string, pad = 0): [Buffer, number, number] => {
    const b = Buffer.concat([Buffer.alloc(pad, 0xee), Buffer.from(hex, 'hex'), Buffer.alloc(3, 0xee)]);
    return [b, pad, pad + hex.length / 2];
  };

  it('answers exactly what lookup answers for the hex string, on its chain only, at any offset', () => {
    const index = buildWatchlistIndex([
      entry({ chain: 'bitcoin', matchKey: p2wpkh, label: 'thief' }),
      entry({ chain: 'bitcoin', matchKey: p2wpkh, label: 'mixer', incident: 'other' }),
      entry({ chain: 'litecoin', matchKey: p2pkh }),
      // A disabled entry is not watched: no refs, like lookup.
      entry({ chain: 'bitcoin', matchKey: p2pkh, enabled: false }),
    ]);
    expect(typeof index.lookupHex).toBe('function');
    for (const [chain, hex] of [['bitcoin', p2wpkh], ['bitcoin', p2pkh], ['litecoin', p2pkh], ['litecoin', p2wpkh], ['dogecoin', p2wpkh]] as const) {
      const [b, start, end] = bytes(hex, 5);
      expect(index.lookupHex!(chain, b, start, end), `${chain} ${hex}`).toEqual(index.lookup(chain, hex));
    }
    expect(index.lookupHex!('bitcoin', ...bytes(p2wpkh))?.map((r) => r.label)).toEqual(['thief', 'mixer']);
    // One byte short or long is another key; a 0x-prefixed key is not the bare hex of the same bytes.
    const [b, start, end] = bytes(p2wpkh);
    expect(index.lookupHex!('bitcoin', b, start, end - 1)).toBeUndefined();
    expect(index.lookupHex!('bitcoin', b, start, end + 1)).toBeUndefined();
    const evm = buildWatchlistIndex([entry({ matchKey: '0x098b716b8aaf21512996dc57eb0615e2383e2f96' })]);
    expect(evm.lookupHex!('ethereum', ...bytes('098b716b8aaf21512996dc57eb0615e2383e2f96'))).toBeUndefined();
  });
});
