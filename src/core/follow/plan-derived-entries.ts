import type { AddressLabel } from '../labels/address-label.js';
import type { Movement, WatchlistRef } from '../movement.js';
import type { DerivedEntry, FollowEvidence } from './derived-entry.js';
import type { OutgoingLeg } from './collect-outgoing-legs.js';
import { isAtLeastFraction, meetsFollowThreshold, proRataUsd, type FollowRules } from './follow-rules.js';
import type { SinkEdge } from './sink-edge.js';

/** Who sent a leg, as the follow rules see it. */
export interface FollowParent {
  readonly ref: WatchlistRef;
  /** Loaded for derived parents (hop ≥ 1); undefined for listed and tenant entries. */
  readonly entry?: DerivedEntry;
}

/** A transaction's shape and place in its block (for peel chains and same-block ordering). */
export interface TxShape {
  readonly position: number;
  /** UTXO chains: number of inputs and outputs. */
  readonly inputs?: number;
  readonly outputs?: number;
}

export type SkipReason =
  | 'labelled'
  | 'contract'
  | 'already-watched'
  | 'spoofed'
  | 'below-min-usd'
  | 'below-min-amount'
  | 'no-threshold'
  | 'below-min-fraction'
  | 'max-hops'
  | 'duplicate';

export interface CapEvent {
  readonly cap: 'per-transaction' | 'per-incident';
  readonly chain: string;
  readonly incident: string;
  readonly txHash: string;
  /** Qualifying recipients left unfollowed because of the cap. */
  readonly dropped: number;
  readonly limit: number;
}

/** A derived parent found to be an exchange's deposit address (deposit-address heuristic). */
export interface DepositFinding {
  readonly chain: string;
  readonly entry: DerivedEntry;
  readonly exchange: AddressLabel;
  readonly txHash: string;
}

export interface FollowPlan {
  readonly entries: readonly DerivedEntry[];
  readonly sinks: readonly SinkEdge[];
  readonly skipped: readonly { readonly leg: OutgoingLeg; readonly reason: SkipReason }[];
  readonly caps: readonly CapEvent[];
  readonly deposits: readonly DepositFinding[];
  /** Legs to active derived entries of the same incident that would have derived them: further evidence (see corroborateDerivedEntry). */
  readonly corroborations: readonly { readonly matchKey: string; readonly evidence: FollowEvidence }[];
}

export interface PlanDerivedEntriesInput {
  readonly chain: string;
  /** Outgoing legs of this round's movements, in block order. */
  readonly legs: readonly OutgoingLeg[];
  readonly rules: FollowRules;
  /** The followed sender of a movement (undefined: not followed, e.g. a derived entry no longer active). */
  readonly parentOf: (m: Movement) => FollowParent | undefined;
  readonly labelOf: (matchKey: string) => AddressLabel | undefined;
  /** Recipient keys known to hold contract code (EVM eth_getCode ≠ 0x). */
  readonly contracts: ReadonlySet<string>;
  /**
   * Already watched by a listed entry, an existing derived entry, or the same owner (a tenant's own
   * address): never derived again, so an overlay entry is never overwritten or later removed by following.
   */
  readonly isWatched: (matchKey: string, owner: string) => boolean;
  /** The derived entry of a recipient key, if any (for corroborating evidence); absent = none recorded. */
  readonly derivedEntryOf?: (matchKey: string) => DerivedEntry | undefined;
  readonly txShape: (txHash: string) => TxShape | undefined;
  /** Active entries per incident before this plan (for follow.maxPerIncident). */
  readonly activeCount: (incident: string) => number;
  /** ISO time. */
  readonly now: string;
}

/**
 * The follow rules (issue #11, docs/follow.md), pure: which recipients of the legs
 * watched addresses really sent become derived entries, which payments are sinks
 * (a labelled exchange, mixer, bridge...), and which caps were hit.
 *
 * A recipient is followed when it is not labelled, not a contract, not already
 * watched, its amount meets follow.minAmount / follow.minUsd, it is at least
 * follow.minFraction of what a derived parent received (same asset), and its hop
 * is within follow.maxHops. A Bitcoin peel step (1–2 inputs, 2 outputs) continues
 * with its larger output at the parent's hop, under follow.maxPeelSteps.
 */
export function planDerivedEntries(input: PlanDerivedEntriesInput): FollowPlan {
  const { rules, chain } = input;
  const sinks: SinkEdge[] = [];
  const skipped: { leg: OutgoingLeg; reason: SkipReason }[] = [];
  const qualified: { leg: OutgoingLeg; entry: DerivedEntry }[] = [];
  const deposits: DepositFinding[] = [];
  const corroborations: { matchKey: string; evidence: FollowEvidence }[] = [];
  const forwardedToExchange = new Map<string, { entry: DerivedEntry; exchange: AddressLabel; amount: bigint; txHash: string }>();
  const peelOf = peelContinuations(input.legs, input.txShape);

  for (const leg of input.legs) {
    const m = leg.movement;
    const parent = input.parentOf(m);
    if (parent === undefined) continue;
    const parentHop = parent.ref.hop ?? 0;
    const incident = parent.ref.incident;
    const usdValue = proRataUsd(m.enrichment?.usdValue ?? null, leg.amount, m.amount);
    const label = input.labelOf(leg.recipientKey);
    if (label !== undefined) {
      sinks.push({
        chain, incident, from: parent.entry?.address ?? parent.ref.address, fromHop: parentHop, to: leg.recipient, toKey: leg.recipientKey,
        label: label.label, category: label.category, txHash: m.txHash, blockNumber: m.blockNumber ?? 0, movementId: m.id, leg: leg.leg,
        asset: { contract: leg.asset.contract, symbol: leg.asset.symbol, decimals: leg.asset.decimals }, amount: leg.amount.toString(), usdValue, at: input.now,
      });
      if (label.category === 'exchange' && parent.entry !== undefined) {
        const key = `${parent.entry.matchKey}|${label.address.toLowerCase()}`;
        const so = forwardedToExchange.get(key);
        forwardedToExchange.set(key, { entry: parent.entry, exchange: label, amount: (so?.amount ?? 0n) + leg.amount, txHash: m.txHash });
      }
      skipped.push({ leg, reason: 'labelled' });
      continue;
    }
    if (input.contracts.has(leg.recipientKey)) {
      skipped.push({ leg, reason: 'contract' });
      continue;
    }
    const owner = parent.ref.owner?.startsWith('tenant:') === true ? parent.ref.owner : `derived:${incident}`;
    // Watched already: never derived again, but a derived entry of the same incident that this leg
    // would have derived keeps the leg as evidence (a reorg of its creating leg alone leaves it standing).
    const watchedEntry = input.isWatched(leg.recipientKey, owner) ? (input.derivedEntryOf?.(leg.recipientKey) ?? null) : undefined;
    if (watchedEntry === null || (watchedEntry !== undefined && (watchedEntry.status !== 'active' || watchedEntry.incident !== incident))) {
      skipped.push({ leg, reason: 'already-watched' });
      continue;
    }
    if (m.enrichment?.spoofed === true) {
      skipped.push({ leg, reason: 'spoofed' });
      continue;
    }
    const threshold = meetsFollowThreshold(leg.amount, leg.asset, usdValue, rules);
    if (!threshold.ok) {
      skipped.push({ leg, reason: threshold.reason });
      continue;
    }
    const parentEntry = parent.entry;
    if (parentEntry !== undefined && parentEntry.provenance.asset.symbol === leg.asset.symbol && !isAtLeastFraction(leg.amount, BigInt(parentEntry.received), rules.minFraction)) {
      skipped.push({ leg, reason: 'below-min-fraction' });
      continue;
    }
    const peelSteps = (parentEntry?.peelSteps ?? 0) + 1;
    const peel = peelOf.has(leg) && peelSteps <= rules.maxPeelSteps;
    const hop = peel ? Math.max(parentHop, 1) : parentHop + 1;
    if (hop > rules.maxHops) {
      skipped.push({ leg, reason: 'max-hops' });
      continue;
    }
    const rootAddress = parent.ref.path?.[0] ?? parent.ref.address;
    const root = parentEntry?.root ?? { address: rootAddress, label: parent.ref.label, source: parent.ref.source };
    const path = [...(parent.ref.path ?? [parent.ref.address]), leg.recipient];
    const evidence: FollowEvidence = {
      movementId: m.id, leg: leg.leg, txHash: m.txHash, blockNumber: m.blockNumber ?? 0, blockHash: m.blockHash ?? '',
      parentAddress: parent.entry?.address ?? parent.ref.address, ...(parent.entry !== undefined ? { parentKey: parent.entry.matchKey } : {}),
      amount: leg.amount.toString(), hop, path,
    };
    if (watchedEntry !== undefined) {
      if (watchedEntry.matchKey !== parent.entry?.matchKey) corroborations.push({ matchKey: leg.recipientKey, evidence });
      skipped.push({ leg, reason: 'already-watched' });
      continue;
    }
    qualified.push({
      leg,
      entry: {
        chain, address: leg.recipient, matchKey: leg.recipientKey, incident, hop, peelSteps: peel ? peelSteps : 0,
        provenance: {
          parentAddress: parent.entry?.address ?? parent.ref.address, txHash: m.txHash, blockNumber: m.blockNumber ?? 0, blockHash: m.blockHash ?? '',
          leg: leg.leg, movementId: m.id, asset: { contract: leg.asset.contract, symbol: leg.asset.symbol, decimals: leg.asset.decimals },
          amount: leg.amount.toString(), rule: peel ? 'peel-chain' : threshold.rule, createdAt: input.now,
        },
        path, status: 'active', firstSeen: input.now, lastSeen: input.now, received: leg.amount.toString(), remaining: leg.amount.toString(), root, owner,
        evidence: [evidence],
      },
    });
  }

  for (const f of forwardedToExchange.values()) {
    const e = f.entry;
    const within = (input.legs.find((l) => l.movement.txHash === f.txHash)?.movement.blockNumber ?? 0) - e.provenance.blockNumber <= input.rules.depositWindowBlocks;
    if (within && isAtLeastFraction(f.amount, BigInt(e.received), rules.depositForwardFraction)) deposits.push({ chain, entry: e, exchange: f.exchange, txHash: f.txHash });
  }

  // Caps: the largest legs of a transaction first; then the incident's active total.
  const entries: DerivedEntry[] = [];
  const caps: CapEvent[] = [];
  const byTx = new Map<string, { leg: OutgoingLeg; entry: DerivedEntry }[]>();
  for (const q of qualified) {
    const list = byTx.get(q.leg.movement.txHash) ?? [];
    list.push(q);
    byTx.set(q.leg.movement.txHash, list);
  }
  const added = new Map<string, number>();
  const taken = new Set<string>();
  for (const [txHash, list] of byTx) {
    const unique = list.filter((q) => {
      if (taken.has(q.entry.matchKey)) {
        skipped.push({ leg: q.leg, reason: 'duplicate' });
        return false;
      }
      taken.add(q.entry.matchKey);
      return true;
    });
    const sorted = [...unique].sort((a, b) => (a.leg.amount === b.leg.amount ? 0 : a.leg.amount > b.leg.amount ? -1 : 1));
    const kept = sorted.slice(0, rules.maxPerTransaction);
    if (sorted.length > kept.length) caps.push({ cap: 'per-transaction', chain, incident: kept[0]!.entry.incident, txHash, dropped: sorted.length - kept.length, limit: rules.maxPerTransaction });
    const droppedByIncident = new Map<string, number>();
    for (const q of kept) {
      const incident = q.entry.incident;
      const active = input.activeCount(incident) + (added.get(incident) ?? 0);
      if (active >= rules.maxPerIncident) {
        droppedByIncident.set(incident, (droppedByIncident.get(incident) ?? 0) + 1);
        continue;
      }
      added.set(incident, (added.get(incident) ?? 0) + 1);
      entries.push(q.entry);
    }
    for (const [incident, dropped] of droppedByIncident) caps.push({ cap: 'per-incident', chain, incident, txHash, dropped, limit: rules.maxPerIncident });
  }
  return { entries, sinks, skipped, caps, deposits, corroborations };
}

/**
 * Bitcoin peel chains: a spend with one or two inputs and exactly two outputs
 * peels a small amount off and moves the rest on; the larger output (strictly)
 * is the chain's continuation.
 */
function peelContinuations(legs: readonly OutgoingLeg[], txShape: (txHash: string) => TxShape | undefined): Set<OutgoingLeg> {
  const out = new Set<OutgoingLeg>();
  const byMovement = new Map<Movement, OutgoingLeg[]>();
  for (const l of legs) {
    if (l.movement.kind !== 'btc') continue;
    const list = byMovement.get(l.movement) ?? [];
    list.push(l);
    byMovement.set(l.movement, list);
  }
  for (const [m, list] of byMovement) {
    const shape = txShape(m.txHash);
    if (shape?.inputs === undefined || shape.inputs < 1 || shape.inputs > 2 || shape.outputs !== 2) continue;
    const outputs = m.outputs ?? [];
    if (outputs.length !== 2 || outputs.some((o) => o.address === null)) continue;
    const [a, b] = outputs as [NonNullable<Movement['outputs']>[number], NonNullable<Movement['outputs']>[number]];
    if (a.amount === b.amount) continue;
    const larger = a.amount > b.amount ? a : b;
    const leg = list.find((l) => l.leg === `vout${larger.vout}`);
    if (leg !== undefined) out.add(leg);
  }
  return out;
}
