import { describe, expect, it } from 'vitest';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import { combineWatchlistIndex, createWatchlistOverlay, type OverlayChange } from '../../../src/core/watchlist-overlay.js';

const ref = (address: string, owner: string) => ({ address, label: 'l', incident: 'tenant-list', source: 's', tags: [], owner });
const add = (key: string, owner: string): OverlayChange => ({ op: 'add', entry: { chain: 'ethereum', matchKey: key, ref: ref(key, owner) } });

describe('watchlist overlay', () => {
  it('adds and removes owned entries incrementally and combines with the file index', () => {
    const base = buildWatchlistIndex([{ chain: 'ethereum', address: '0xAA', matchKey: '0xaa', label: 'hack', incident: 'x', source: 's', tags: [], enabled: true, file: 'f', line: 1 }]);
    const overlay = createWatchlistOverlay();
    const before = combineWatchlistIndex(base, overlay);
    expect(before.version).toBe(base.version);
    overlay.apply([add('0xbb', 'tenant:a'), add('0xbb', 'tenant:b'), add('0xaa', 'tenant:a')]);
    const index = combineWatchlistIndex(base, overlay);
    expect(index.version).not.toBe(base.version);
    expect(index.lookup('ethereum', '0xbb')?.map((r) => r.owner)).toEqual(['tenant:a', 'tenant:b']);
    expect(index.lookup('ethereum', '0xaa')?.map((r) => r.label)).toEqual(['hack', 'l']);
    expect(index.keysFor('ethereum')).toEqual(new Set(['0xaa', '0xbb']));
    expect(overlay.apply([{ op: 'remove', chain: 'ethereum', matchKey: '0xbb', owner: 'tenant:a' }])).toBe(true);
    expect(index.lookup('ethereum', '0xbb')?.map((r) => r.owner)).toEqual(['tenant:b']);
    expect(overlay.apply([{ op: 'remove', chain: 'ethereum', matchKey: '0xbb', owner: 'tenant:a' }])).toBe(false);
    expect(overlay.size).toBe(2);
  });

  it('holds 100,000 tenant addresses with O(1) lookups', () => {
    const overlay = createWatchlistOverlay();
    const changes: OverlayChange[] = [];
    for (let i = 0; i < 100_000; i++) changes.push(add(`0x${i.toString(16).padStart(40, '0')}`, 'tenant:a'));
    overlay.apply(changes);
    expect(overlay.size).toBe(100_000);
    expect(overlay.lookup('ethereum', `0x${(99_999).toString(16).padStart(40, '0')}`)).toHaveLength(1);
    expect(overlay.lookup('ethereum', `0x${'f'.repeat(40)}`)).toBeUndefined();
  });
});

describe('combined index lookupHex', () => {
  it('goes to the file index by bytes while the overlay is empty, and sees overlay keys once it is not', () => {
    const script = '0014751e76e8199196d454941c45d1b3a323f1433bd6';
    const other = '0014' + 'ab'.repeat(20);
    const base = buildWatchlistIndex([{ chain: 'bitcoin', address: 'bc1q', matchKey: script, label: 'hack', incident: 'x', source: 's', tags: [], enabled: true, file: 'f', line: 1 }]);
    const overlay = createWatchlistOverlay();
    const at = (hex: string): [Buffer, number, number] => [Buffer.from(`ff${hex}ff`, 'hex'), 1, 1 + hex.length / 2];
    expect(combineWatchlistIndex(base, overlay).lookupHex!('bitcoin', ...at(script))?.map((r) => r.label)).toEqual(['hack']);
    overlay.apply([{ op: 'add', entry: { chain: 'bitcoin', matchKey: other, ref: ref(other, 'tenant:a') } }, { op: 'add', entry: { chain: 'bitcoin', matchKey: script, ref: ref(script, 'tenant:b') } }]);
    const index = combineWatchlistIndex(base, overlay);
    expect(index.lookupHex!('bitcoin', ...at(other))?.map((r) => r.owner)).toEqual(['tenant:a']);
    expect(index.lookupHex!('bitcoin', ...at(script))?.map((r) => r.label)).toEqual(['hack', 'l']);
  });
});
