/**
 * Derived watch entries (issue #11): recipients of funds a watched address sent,
 * watched from the next transaction on, with the provenance an investigator can
 * defend. Pure types shared by the follow stage, the CLI, the dashboard and exports.
 */
import type { Counterparty } from '../labels/address-label.js';

/**
 * `retracted`: every leg that made it a derived entry was in a block a reorg orphaned (or was
 * sent by an entry retracted so): it may never have received the funds, so it is not watched,
 * not counted and not exported; a re-mined leg restores it (docs/follow.md, "Reorgs").
 */
export type DerivedEntryStatus = 'active' | 'expired' | 'stopped' | 'retracted';

/**
 * One leg a followed parent really sent that qualified the entry under the follow rules:
 * the evidence it is kept on. The creating leg is the first; a later qualifying leg from a
 * followed parent of the same incident corroborates it. An entry whose evidence is all gone
 * (orphaned blocks, retracted parents) is retracted.
 */
export interface FollowEvidence {
  /** Reorg-stable movement id of the parent's outgoing movement, and the leg of it. */
  readonly movementId: string;
  readonly leg: string;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** Display form of the sender; `parentKey` is its match key when the sender is itself a derived entry. */
  readonly parentAddress: string;
  readonly parentKey?: string;
  /** Base units, decimal string, in the entry's provenance asset. */
  readonly amount: string;
  /** The hop and path (root first, this entry last) this leg gives the entry (used when it becomes the provenance). */
  readonly hop: number;
  readonly path: readonly string[];
}

/** Why an entry was retracted (kept on the entry, shown by `follow show`). */
export interface FollowRetraction {
  /** The orphaned block that carried the leg (the first lost one), or, for `parent-retracted`, the block that undid the parent. */
  readonly orphanedBlock: { readonly number: number; readonly hash: string };
  readonly cause: 'orphaned' | 'parent-retracted';
  /** The lost leg's transaction, and for `parent-retracted` the retracted sender. */
  readonly txHash: string;
  readonly parentAddress?: string;
  /** ISO time chainwatch saw the reorg. */
  readonly at: string;
  /** Status before the retraction: a re-mined leg restores it (an operator's stop stays a stop). */
  readonly previousStatus: Exclude<DerivedEntryStatus, 'retracted'>;
  readonly previousReason?: string;
}

/** Why and from where an entry was derived: one leg the parent really sent. */
export interface DerivedProvenance {
  /** Parent address in display form (listed, tenant-owned or derived). */
  readonly parentAddress: string;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** The leg of the transaction (`native`, `trace0.1`, `txlog3`, `vout1`), as in movement ids. */
  readonly leg: string;
  /** Id of the movement that created the entry (the parent's outgoing movement). */
  readonly movementId: string;
  readonly asset: { readonly contract: string | null; readonly symbol: string; readonly decimals: number };
  /** Base units, decimal string. */
  readonly amount: string;
  /** The rule that made it qualify, e.g. `split`, `peel-chain`, `min-amount`. */
  readonly rule: string;
  /** ISO time the entry was created. */
  readonly createdAt: string;
}

export interface DerivedEntry {
  readonly chain: string;
  /** Display form. */
  readonly address: string;
  /** Same key as the watchlist index. */
  readonly matchKey: string;
  readonly incident: string;
  /** 1 for a direct recipient of a listed (hop 0) address. */
  readonly hop: number;
  /** Bitcoin peel-chain steps followed without spending a hop. */
  readonly peelSteps: number;
  readonly provenance: DerivedProvenance;
  /** Display addresses from the listed root to this entry (root first, this entry last). */
  readonly path: readonly string[];
  readonly status: DerivedEntryStatus;
  /** Why it stopped or expired (operator reason, `idle`...). */
  readonly statusReason?: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** What it received (base units, decimal string) and what it still holds by our accounting. */
  readonly received: string;
  readonly remaining: string;
  /** The listed root this trail starts at: its label and attribution, repeated in every alert about the entry. */
  readonly root?: { readonly address: string; readonly label: string; readonly source: string };
  /** Overlay owner: `derived:<incident>`, or the tenant's `tenant:<id>` when the root is a tenant's own address (its alerts stay the tenant's). */
  readonly owner?: string;
  /** The legs it is kept on (creating leg first); absent on entries written before reorg retraction: the provenance alone. */
  readonly evidence?: readonly FollowEvidence[];
  /** Set while `retracted`. */
  readonly retraction?: FollowRetraction;
  /** A retracted entry whose leg was re-mined: the orphaned block it came back from. */
  readonly restoredAfter?: { readonly orphanedBlockHash: string; readonly at: string };
}

/** Per-incident totals for the dashboard and `follow ls` (base units as decimal strings, per asset symbol; USD when valued). */
export interface IncidentTotals {
  readonly incident: string;
  readonly stolen: Readonly<Record<string, string>>;
  readonly stillHeld: Readonly<Record<string, string>>;
  readonly toExchanges: readonly { readonly exchange: string; readonly amounts: Readonly<Record<string, string>> }[];
  readonly toMixers: Readonly<Record<string, string>>;
  readonly toBridges: Readonly<Record<string, string>>;
  readonly usd?: { readonly stolen: string | null; readonly stillHeld: string | null; readonly toExchanges: string | null; readonly toMixers: string | null; readonly toBridges: string | null };
  readonly activeEntries: number;
  readonly maxHop: number;
}

/** One edge of an incident's trail graph (parent -> child or entry -> sink). */
export interface TrailEdge {
  readonly chain: string;
  readonly from: string;
  readonly to: string;
  readonly txHash: string;
  readonly asset: string;
  readonly amount: string;
  readonly usdValue: string | null;
}

export interface TrailNode {
  readonly chain: string;
  readonly address: string;
  /** 0 = listed, n = derived hop, null = a sink (exchange, mixer, bridge...). */
  readonly hop: number | null;
  readonly label?: string;
  readonly counterparty?: Counterparty;
  readonly status?: DerivedEntryStatus;
}

export interface IncidentTrail {
  readonly incident: string;
  readonly nodes: readonly TrailNode[];
  readonly edges: readonly TrailEdge[];
}

/** Read side used by the API/dashboard and the CLI; implemented over Redis by the follow stage. */
export interface FollowReadModel {
  listEntries(filter: { readonly incident?: string; readonly chain?: string; readonly status?: DerivedEntryStatus; readonly limit?: number; readonly cursor?: string }): Promise<{ readonly entries: readonly DerivedEntry[]; readonly nextCursor: string | null }>;
  getEntry(chain: string, matchKey: string): Promise<DerivedEntry | undefined>;
  incidents(): Promise<readonly string[]>;
  incidentTotals(incident: string): Promise<IncidentTotals>;
  incidentTrail(incident: string): Promise<IncidentTrail>;
}
