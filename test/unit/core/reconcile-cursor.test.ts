import { describe, expect, it } from 'vitest';
import { RECENT_BLOCKS_KEPT, reconcileCursor, rewindCursor } from '../../../src/core/reconcile-cursor.js';
import type { BlockHeader, ChainCursor } from '../../../src/core/ports.js';

const hashOf = (n: number, fork = 'a'): string => `0x${fork}${n.toString(16).padStart(8, '0')}`;
const header = (n: number, fork = 'a', parentFork = fork): BlockHeader => ({ number: n, hash: hashOf(n, fork), parentHash: hashOf(n - 1, parentFork) });

function chainOf(length: number): ChainCursor {
  let cursor: ChainCursor | undefined;
  for (let n = 1; n <= length; n++) {
    const step = reconcileCursor(cursor, header(n));
    if (step.type !== 'extend') throw new Error('unexpected reorg');
    cursor = step.cursor;
  }
  return cursor!;
}

describe('reconcileCursor', () => {
  it('starts a cursor at the first block', () => {
    const step = reconcileCursor(undefined, header(10));
    expect(step).toEqual({ type: 'extend', cursor: { head: { number: 10, hash: hashOf(10) }, recent: [{ number: 10, hash: hashOf(10) }] } });
  });

  it('keeps the chain linked by parent hash and bounded', () => {
    const cursor = chainOf(RECENT_BLOCKS_KEPT + 20);
    expect(cursor.head.number).toBe(RECENT_BLOCKS_KEPT + 20);
    expect(cursor.recent).toHaveLength(RECENT_BLOCKS_KEPT);
    for (let i = 1; i < cursor.recent.length; i++) expect(cursor.recent[i]!.number).toBe(cursor.recent[i - 1]!.number + 1);
    expect(cursor.recent.at(-1)).toEqual(cursor.head);
  });

  it('reports a reorg when the parent hash differs', () => {
    const cursor = chainOf(5);
    expect(reconcileCursor(cursor, header(6, 'b', 'b'))).toEqual({ type: 'reorg', expectedParent: cursor.head });
  });

  it('reports a reorg when a block number is skipped', () => {
    const cursor = chainOf(5);
    expect(reconcileCursor(cursor, header(7)).type).toBe('reorg');
  });

  it('compares hashes case-insensitively', () => {
    const cursor = chainOf(3);
    const next = { ...header(4), parentHash: hashOf(3).toUpperCase().replace('0X', '0x') };
    expect(reconcileCursor(cursor, next).type).toBe('extend');
  });
});

describe('rewindCursor', () => {
  it('rewinds to the newest block the canonical chain still has', () => {
    const cursor = chainOf(10);
    // Blocks 8..10 were replaced by fork b.
    const canonical = new Map<number, string>();
    for (const ref of cursor.recent) canonical.set(ref.number, ref.number >= 8 ? hashOf(ref.number, 'b') : ref.hash);
    const rewound = rewindCursor(cursor, canonical);
    expect(rewound?.head).toEqual({ number: 7, hash: hashOf(7) });
    expect(rewound?.recent.at(-1)).toEqual({ number: 7, hash: hashOf(7) });
    expect(reconcileCursor(rewound, header(8, 'b', 'a')).type).toBe('extend');
  });

  it('returns undefined when the reorg is deeper than the remembered window', () => {
    const cursor = chainOf(10);
    const canonical = new Map(cursor.recent.map((r) => [r.number, hashOf(r.number, 'z')] as const));
    expect(rewindCursor(cursor, canonical)).toBeUndefined();
  });
});
