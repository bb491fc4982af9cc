import type { Movement } from '../movement.js';

/**
 * The `movement.reorged` event of an alerted movement whose block `orphanedBlockHash`
 * left the canonical chain (issue #10). Everything the original detection said is kept
 * as it was sent (receivers match it by `data.id` and `blockHash`); `reorg` says which
 * block was orphaned and when chainwatch saw it. Pure: `detectedAt` is passed in.
 */
export function buildRetraction(original: Movement, orphanedBlockHash: string, detectedAt: Date): Movement {
  const { legacyIds: _legacy, event: _event, reorg: _reorg, ...rest } = original;
  return { ...rest, event: 'movement.reorged', reorg: { orphanedBlockHash, detectedAt: detectedAt.toISOString() } };
}
