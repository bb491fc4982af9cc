import type { DerivedEntry } from './derived-entry.js';

/**
 * A retracted entry derived again from a leg of the new branch (the same transaction
 * re-mined, or another qualifying payment): the new derivation's provenance, evidence,
 * hop and path, with the status it had before the reorg (an operator's stop or an
 * expiry stays), its first sighting, and a note of the orphaned block it came back from.
 */
export function restoreDerivedEntry(retracted: DerivedEntry, derived: DerivedEntry, at: string): DerivedEntry {
  const r = retracted.retraction;
  const status = r?.previousStatus ?? 'active';
  const { statusReason: _reason, retraction: _retraction, restoredAfter: _restored, ...fresh } = derived;
  return {
    ...fresh,
    status,
    ...(status !== 'active' && r?.previousReason !== undefined ? { statusReason: r.previousReason } : {}),
    firstSeen: retracted.firstSeen,
    restoredAfter: { orphanedBlockHash: r?.orphanedBlock.hash ?? '', at },
  };
}
