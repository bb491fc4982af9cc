import type { BlockRef } from '../ports.js';
import type { DerivedEntry, FollowEvidence, FollowRetraction } from './derived-entry.js';
import { evidenceOf } from './evidence-of.js';

export interface EntryChange {
  readonly before: DerivedEntry;
  readonly after: DerivedEntry;
}

export interface FollowRetractionPlan {
  /** Entries left with no evidence: now `retracted`. */
  readonly retracted: readonly EntryChange[];
  /** Entries that lost some legs but keep others: evidence trimmed (the provenance moves to the oldest surviving leg when its own was lost). */
  readonly trimmed: readonly EntryChange[];
  /**
   * Entries to take out of the watchlist overlay: those retracted now that were active, and
   * those a previous run over the same blocks retracted (it may have died before the overlay write).
   */
  readonly unwatch: readonly DerivedEntry[];
  /** Active entries whose provenance changed: their overlay ref (via, path) is written again. */
  readonly rewatch: readonly DerivedEntry[];
}

/**
 * The derived entries a reorg takes back (issue #11 with #10): a leg in an orphaned block is
 * lost, and so, transitively, is every leg sent by an entry that lost all of its legs (the
 * parent may never have held the funds). An entry keeps standing while any leg remains.
 * Idempotent: entries already retracted stay as they are, and running it again over the
 * same blocks changes nothing but repeats the overlay removals.
 */
export function planFollowRetraction(input: { readonly entries: readonly DerivedEntry[]; readonly orphaned: readonly BlockRef[]; readonly at: string }): FollowRetractionPlan {
  const orphanedByHash = new Map(input.orphaned.map((b) => [b.hash.toLowerCase(), b] as const));
  const deadKeys = new Set<string>();
  const deadAddresses = new Set<string>();
  for (const e of input.entries) {
    if (e.status !== 'retracted') continue;
    deadKeys.add(e.matchKey);
    deadAddresses.add(e.address);
  }
  const live = input.entries.filter((e) => e.status !== 'retracted');
  const isLost = (ev: FollowEvidence): boolean =>
    orphanedByHash.has(ev.blockHash.toLowerCase()) || (ev.parentKey !== undefined ? deadKeys.has(ev.parentKey) : deadAddresses.has(ev.parentAddress));
  // A fixpoint: each retraction can take the children of the entry with it, whatever their order.
  const retractedNow = new Set<DerivedEntry>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of live) {
      if (retractedNow.has(e) || !evidenceOf(e).every(isLost)) continue;
      retractedNow.add(e);
      deadKeys.add(e.matchKey);
      deadAddresses.add(e.address);
      changed = true;
    }
  }

  const retracted: EntryChange[] = [];
  const trimmed: EntryChange[] = [];
  const rewatch: DerivedEntry[] = [];
  const newest = input.orphaned.reduce<BlockRef | undefined>((a, b) => (a === undefined || b.number > a.number ? b : a), undefined);
  for (const e of live) {
    const evidence = evidenceOf(e);
    const lost = evidence.filter(isLost);
    if (lost.length === 0) continue;
    if (retractedNow.has(e)) {
      const first = lost[0]!;
      const block = orphanedByHash.get(first.blockHash.toLowerCase());
      const retraction: FollowRetraction = {
        orphanedBlock: block !== undefined ? { number: block.number, hash: block.hash } : { number: newest?.number ?? 0, hash: newest?.hash ?? '' },
        cause: block !== undefined ? 'orphaned' : 'parent-retracted',
        txHash: first.txHash,
        ...(block === undefined ? { parentAddress: first.parentAddress } : {}),
        at: input.at,
        previousStatus: e.status as FollowRetraction['previousStatus'],
        ...(e.statusReason !== undefined ? { previousReason: e.statusReason } : {}),
      };
      const statusReason = block !== undefined
        ? `reorg: block ${block.number} (${block.hash}) carrying tx ${first.txHash} that paid it was orphaned`
        : `reorg: its parent ${first.parentAddress} (tx ${first.txHash}) was retracted`;
      retracted.push({ before: e, after: { ...e, evidence, status: 'retracted', statusReason, retraction } });
      continue;
    }
    const kept = evidence.filter((ev) => !isLost(ev));
    const head = kept[0]!;
    const provenanceLost = lost.some((ev) => ev.movementId === e.provenance.movementId && ev.leg === e.provenance.leg);
    const after: DerivedEntry = provenanceLost
      ? {
          ...e,
          evidence: kept,
          hop: head.hop,
          path: head.path,
          provenance: { ...e.provenance, parentAddress: head.parentAddress, txHash: head.txHash, blockNumber: head.blockNumber, blockHash: head.blockHash, leg: head.leg, movementId: head.movementId, amount: head.amount },
        }
      : { ...e, evidence: kept };
    trimmed.push({ before: e, after });
    if (provenanceLost && after.status === 'active') rewatch.push(after);
  }
  const hashes = new Set(orphanedByHash.keys());
  const unwatch = [
    ...retracted.filter((c) => c.before.status === 'active').map((c) => c.after),
    ...input.entries.filter((e) => e.status === 'retracted' && e.retraction?.previousStatus === 'active' && hashes.has(e.retraction.orphanedBlock.hash.toLowerCase())),
  ];
  return { retracted, trimmed, unwatch, rewatch };
}
