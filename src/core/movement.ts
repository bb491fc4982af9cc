import type { Counterparty } from './labels/address-label.js';

/**
 * The domain value every detector produces and every notifier consumes.
 * One Movement is one leg of one transaction, seen from one watched address.
 * Its `id` is deterministic (chain, tx, leg, watched address), so processing a
 * block twice yields the same ids and BullMQ dedupes the jobs.
 */
export const MOVEMENT_KINDS = [
  'native',
  'internal',
  'erc20',
  'erc721',
  'erc1155',
  'activity',
  'btc',
  // Tron (issue #14): TRX transfers, TRC-10 assets, TRC-20 Transfer logs; its internal TRX transfers are `internal`.
  'trx',
  'trc10',
  'trc20',
  // Ledger chains (issue #14: XRP, Stellar, Solana...): their coin is `native`, fungible tokens (IOUs, SPL, jettons...) `token`, non-fungible ones `nft`.
  'token',
  'nft',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export type MovementDirection = 'in' | 'out' | 'self';

/** Alert severity, lowest first (issue #8). Order matters: rules compare by index. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What the enrich stage (core/enrich) adds to a detected movement: read by
 * every channel (email routing and grouping, webhook payload, subscription
 * filters, dashboard). Absent on movements queued before enrichment existed.
 */
export interface MovementEnrichment {
  readonly severity: Severity;
  /** USD value of `amount` as a decimal string (2 decimals), null when unknown (no price, stale feed, unknown token). */
  readonly usdValue: string | null;
  /** Native coin or a token listed in `tokens`: only known assets are valued. */
  readonly assetKnown: boolean;
  /** A token leg that looks forged (address poisoning): see core/enrich. */
  readonly spoofed: boolean;
}

export interface Asset {
  /** Token contract (EIP-55) or null for the chain's native coin. */
  readonly contract: string | null;
  readonly symbol: string;
  readonly decimals: number;
  /** EVM: an ERC-20 whose decimals() could not be read; `amount` is in raw base units (decimals 0). */
  readonly rawUnits?: boolean;
}

/** What the alert says about the watchlist entry that matched. */
export interface WatchlistRef {
  readonly address: string;
  readonly label: string;
  readonly incident: string;
  readonly source: string;
  readonly tags: readonly string[];
  /**
   * Who added the entry at runtime (watchlist overlay, issue #9): `tenant:<id>` for a
   * tenant's own address list (its movements go to that tenant only), or another
   * owner such as `derived:<rule>`. Absent for the shipped and operator watchlists.
   */
  readonly owner?: string;
  /** Follow the money (issue #11): 0 for listed and tenant entries (absent = 0), n for a derived entry n hops out. */
  readonly hop?: number;
  /** Derived entries: the parent address and the transaction that made this one watched. */
  readonly via?: { readonly address: string; readonly txHash: string };
  /** Derived entries: display addresses from the listed root to this entry (root first). */
  readonly path?: readonly string[];
}

/** A Bitcoin output in a movement: where coins went. */
export interface BtcOutputRef {
  readonly vout: number;
  readonly address: string | null;
  readonly amount: bigint;
}

export interface Movement {
  readonly id: string;
  readonly chain: string;
  readonly direction: MovementDirection;
  readonly kind: MovementKind;
  readonly txHash: string;
  /** null while the transaction is only in the mempool (Bitcoin early warning). */
  readonly blockNumber: number | null;
  readonly blockHash: string | null;
  /** EVM log index of the event leg, null for other legs. */
  readonly logIndex: number | null;
  /** EVM internal-call position in the call tree ("0.2.1"), only for kind internal. */
  readonly tracePosition?: string | null;
  /** Bitcoin: output positions paying the watched address (in), or input positions spending it (out). */
  readonly vout?: readonly number[] | null;
  readonly vin?: readonly number[] | null;
  /** EIP-55 for EVM; Bitcoin uses lists where a transaction has several. */
  readonly from: string | readonly string[];
  readonly to: string | readonly string[];
  readonly asset: Asset;
  /** Base units (wei, token units, satoshis). */
  readonly amount: bigint;
  readonly tokenId: bigint | null;
  /** Bitcoin out-movements: fee paid and where the coins went. */
  readonly fee?: bigint | null;
  readonly outputs?: readonly BtcOutputRef[] | null;
  /** The watched address this movement is about, normalised (lowercase for EVM). */
  readonly watchedAddress: string;
  readonly watchlist: readonly WatchlistRef[];
  readonly confirmations: number;
  /** EVM: the transaction's sender (EIP-55), so receivers can tell a forged Transfer from a real outflow. */
  readonly txFrom?: string | null;
  /**
   * Ids this same leg had under an older id format (EVM event legs before
   * `txlog<k>`: `log<block-wide index>`). The movement sink skips the movement
   * when a job under one of them is still retained, so upgrading never alerts
   * a leg twice. Never serialised: jobs and payloads carry only `id`.
   */
  readonly legacyIds?: readonly string[];
  /** Set by the enrich stage before the movement is queued. */
  readonly enrichment?: MovementEnrichment;
  /**
   * The lifecycle event this job announces (issue #10): absent = `movement.detected`;
   * `movement.reorged` = the block it was alerted in was orphaned by a reorg (a retraction, see `reorg`);
   * `movement.confirmed` = its block reached the chain's `finality`; `movement.dropped` = a Bitcoin
   * mempool early warning whose transaction left the mempool without confirming. Each event is its own delivery.
   */
  readonly event?: MovementEvent;
  /**
   * Where the funds went or came from when the other side is labelled (issue #11):
   * exchange, mixer, bridge, DEX router... Set by the enrich stage from config/labels.
   */
  readonly counterparty?: Counterparty;
  /**
   * `movement.reorged` only (issue #10): the block the movement was alerted in left the
   * canonical chain. The rest of the movement is the original detection, unchanged.
   */
  readonly reorg?: MovementReorg;
  /**
   * Set when this leg is detected again after an earlier detection of it was retracted
   * (`movement.reorged`): the hash of the block it was re-mined in (the movement's own
   * `blockHash`). It gives the re-detection its own job id and `webhook-id`, since the
   * movement id itself is reorg-stable and the queue would otherwise swallow it as a duplicate.
   */
  readonly redetectedIn?: string;
}

/** What a retraction adds to the original movement: which block was orphaned, and when chainwatch saw it. */
export interface MovementReorg {
  readonly orphanedBlockHash: string;
  /** ISO time the follower found the block orphaned (fixed at that moment, so every retry sends the same body). */
  readonly detectedAt: string;
}

export const MOVEMENT_EVENTS = ['movement.detected', 'movement.reorged', 'movement.confirmed', 'movement.dropped'] as const;
export type MovementEvent = (typeof MOVEMENT_EVENTS)[number];

/**
 * Builds the deterministic movement id. BullMQ custom ids must not contain ':'
 * and must not be all digits; ours always start with the chain id and use '-'.
 * `leg` names the part of the transaction: native, activity, txlog2 (the
 * transaction's third log), txlog2-3 (ERC-1155 batch item 3), trace0.1,
 * vout2, vin0. Every leg name is a position inside the transaction, so a
 * reorg that re-mines the transaction elsewhere keeps the id.
 */
export function buildMovementId(chain: string, txHash: string, leg: string, watchedAddress: string): string {
  return `${chain}-${txHash.toLowerCase()}-${leg}-${watchedAddress.toLowerCase()}`.replaceAll(':', '_');
}
