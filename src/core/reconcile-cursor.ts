import type { BlockHeader, BlockRef, ChainCursor } from './ports.js';

/** How many processed blocks the cursor remembers for walking back a reorg. */
export const RECENT_BLOCKS_KEPT = 128;

export type CursorStep =
  /** The block extends the cursor's head (or there was no cursor yet). */
  | { readonly type: 'extend'; readonly cursor: ChainCursor }
  /** The block does not sit on the head: the chain reorganised under us. */
  | { readonly type: 'reorg'; readonly expectedParent: BlockRef };

/**
 * Decides whether `block` continues the processed chain. Continuity is by
 * parent hash, as in ponder's realtime sync: a block whose parent is not our
 * head means the blocks we processed were replaced.
 */
export function reconcileCursor(cursor: ChainCursor | undefined, block: BlockHeader): CursorStep {
  if (cursor === undefined) {
    return { type: 'extend', cursor: { head: toRef(block), recent: [toRef(block)] } };
  }
  const { head } = cursor;
  if (block.number !== head.number + 1 || block.parentHash.toLowerCase() !== head.hash.toLowerCase()) {
    return { type: 'reorg', expectedParent: head };
  }
  const recent = [...cursor.recent, toRef(block)];
  return { type: 'extend', cursor: { head: toRef(block), recent: recent.slice(-RECENT_BLOCKS_KEPT) } };
}

/**
 * Walks the remembered blocks from newest to oldest and returns the cursor
 * truncated to the newest one the canonical chain still has (the common
 * ancestor). `canonicalHashOf(n)` is the hash the node now reports for block n.
 * Returns undefined when no remembered block is canonical (a reorg deeper than
 * RECENT_BLOCKS_KEPT): the caller must then restart below the window.
 */
export function rewindCursor(cursor: ChainCursor, canonicalHashOf: ReadonlyMap<number, string>): ChainCursor | undefined {
  for (let i = cursor.recent.length - 1; i >= 0; i--) {
    const ref = cursor.recent[i]!;
    const canonical = canonicalHashOf.get(ref.number);
    if (canonical !== undefined && canonical.toLowerCase() === ref.hash.toLowerCase()) {
      const recent = cursor.recent.slice(0, i + 1);
      return { head: ref, recent };
    }
  }
  return undefined;
}

function toRef(block: BlockHeader): BlockRef {
  return { number: block.number, hash: block.hash };
}
