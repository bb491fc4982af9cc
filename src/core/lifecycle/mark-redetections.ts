import type { Movement } from '../movement.js';

/**
 * Tags the detections of legs whose earlier detection was retracted (`movement.reorged`)
 * with the block they were found in now, so each gets its own job id and `webhook-id`
 * (`<id>-redetected-<blockHash>`, see movementJobId) instead of being swallowed by the
 * queue's dedupe of the reorg-stable movement id. Deterministic: re-processing the same
 * block tags the same way. Lifecycle events and mempool sightings are left as they are.
 */
export function markRedetections(movements: readonly Movement[], retractedIds: ReadonlySet<string>): readonly Movement[] {
  if (retractedIds.size === 0) return movements;
  return movements.map((m) =>
    m.event === undefined && m.blockHash !== null && m.confirmations > 0 && retractedIds.has(m.id) ? { ...m, redetectedIn: m.blockHash } : m,
  );
}
