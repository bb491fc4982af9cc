import type { DerivedEntry, FollowEvidence } from './derived-entry.js';

/** The key that tells two evidence legs apart: the same leg re-mined keeps it (movement ids are reorg-stable). */
export function evidenceKeyOf(e: Pick<FollowEvidence, 'movementId' | 'leg'>): string {
  return `${e.movementId}|${e.leg}`;
}

/**
 * The legs an entry is kept on. Entries written before evidence was recorded have
 * only their provenance: that leg, with the entry's own hop and path.
 */
export function evidenceOf(entry: DerivedEntry): readonly FollowEvidence[] {
  if (entry.evidence !== undefined && entry.evidence.length > 0) return entry.evidence;
  const p = entry.provenance;
  return [{ movementId: p.movementId, leg: p.leg, txHash: p.txHash, blockNumber: p.blockNumber, blockHash: p.blockHash, parentAddress: p.parentAddress, amount: p.amount, hop: entry.hop, path: entry.path }];
}
