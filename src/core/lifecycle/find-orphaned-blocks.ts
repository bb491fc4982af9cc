import type { BlockRef } from '../ports.js';

/**
 * The processed blocks a reorg took off the canonical chain: every remembered block
 * whose number the node now reports under another hash (or not at all). Works for a
 * rewind to a common ancestor and for a reorg deeper than the remembered window alike.
 * Oldest first, as remembered.
 */
export function findOrphanedBlocks(recent: readonly BlockRef[], canonicalHashOf: ReadonlyMap<number, string>): readonly BlockRef[] {
  return recent.filter((ref) => canonicalHashOf.get(ref.number)?.toLowerCase() !== ref.hash.toLowerCase());
}
