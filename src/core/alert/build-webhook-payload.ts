import type { Counterparty } from '../labels/address-label.js';
import type { Movement, MovementEnrichment, MovementEvent, Severity } from '../movement.js';

/**
 * The webhook body (issue #2 contract; field names are public interface, never rename).
 * Amounts are decimal strings in base units; addresses exactly as the movement
 * carries them (producers already EIP-55 EVM addresses).
 */
export interface WebhookPayload {
  /** `movement.detected`, or a later lifecycle event of the same movement (docs/webhooks.md). */
  readonly type: MovementEvent;
  readonly timestamp: string;
  readonly data: WebhookMovementData;
}

export interface WebhookMovementData {
  readonly id: string;
  readonly chain: string;
  readonly direction: Movement['direction'];
  readonly kind: Movement['kind'];
  readonly txHash: string;
  readonly blockNumber: number | null;
  readonly blockHash: string | null;
  readonly logIndex: number | null;
  /** EVM internal transfers only. */
  readonly tracePosition?: string | null;
  /** Bitcoin only. */
  readonly vout?: readonly number[];
  readonly vin?: readonly number[];
  readonly from: string | readonly string[];
  readonly to: string | readonly string[];
  /**
   * `known`: native coin or a listed token (issue #8); only known assets are valued.
   * `rawUnits: true` (EVM, only then present): the token's decimals() could not be read, `decimals` is 0 and
   * `amount` is raw base units. Absent otherwise, so bodies of deliveries queued before it existed do not change.
   */
  readonly asset: { readonly contract: string | null; readonly symbol: string; readonly decimals: number; readonly known: boolean; readonly rawUnits?: boolean };
  readonly amount: string;
  readonly tokenId: string | null;
  /** Bitcoin only. */
  readonly fee?: string | null;
  readonly outputs?: readonly { readonly vout: number; readonly address: string | null; readonly amount: string }[];
  readonly watchlist: readonly {
    readonly address: string;
    readonly label: string;
    readonly incident: string;
    readonly source: string;
    readonly tags: readonly string[];
    /** Follow the money (issue #11): 0 for listed entries, n for an entry derived n hops out. */
    readonly hop: number;
    /** Derived entries only: the parent and the transaction that made this address watched. */
    readonly via?: { readonly address: string; readonly txHash: string };
    /** Derived entries only: addresses from the listed root to this one (root first). */
    readonly path?: readonly string[];
  }[];
  readonly confirmations: number;
  /** EVM only: the transaction's sender (EIP-55). */
  readonly txFrom?: string | null;
  readonly severity: Severity;
  /** USD value as a decimal string, null when unknown. */
  readonly usdValue: string | null;
  /** A token leg that looks forged (address poisoning). */
  readonly spoofed: boolean;
  /**
   * Where the funds went (out) or came from (in) when that address is labelled
   * (config/labels, issue #11): `{label, category, address}`. Absent when it is not.
   */
  readonly counterparty?: Counterparty;
  /** `movement.reorged` only: the block the movement was alerted in (`blockHash`) left the canonical chain. */
  readonly reorg?: { readonly orphanedBlockHash: string; readonly detectedAt: string };
}

/**
 * Builds the `movement.detected` event. `timestamp` is passed in (core has no
 * clock): the alerter uses the time it fanned the movement out, so every retry
 * of a delivery sends the byte-identical body.
 */
export function buildWebhookPayload(m: Movement, timestamp: Date): WebhookPayload {
  const isBtc = m.kind === 'btc';
  const enrichment = m.enrichment ?? defaultEnrichment(m);
  const data: WebhookMovementData = {
    id: m.id,
    chain: m.chain,
    direction: m.direction,
    kind: m.kind,
    txHash: m.txHash,
    blockNumber: m.blockNumber,
    blockHash: m.blockHash,
    // A Bitcoin leg is identified by vout/vin, never by a log index.
    logIndex: isBtc ? null : m.logIndex,
    ...(m.kind === 'internal' ? { tracePosition: m.tracePosition ?? null } : {}),
    ...(isBtc ? { vout: [...(m.vout ?? [])], vin: [...(m.vin ?? [])] } : {}),
    from: isBtc ? toList(m.from) : m.from,
    to: isBtc ? toList(m.to) : m.to,
    asset: { contract: m.asset.contract, symbol: m.asset.symbol, decimals: m.asset.decimals, known: enrichment.assetKnown, ...(m.asset.rawUnits === true ? { rawUnits: true } : {}) },
    amount: m.amount.toString(),
    tokenId: m.tokenId === null ? null : m.tokenId.toString(),
    ...(isBtc
      ? {
          fee: m.fee === undefined || m.fee === null ? null : m.fee.toString(),
          outputs: (m.outputs ?? []).map((o) => ({ vout: o.vout, address: o.address, amount: o.amount.toString() })),
        }
      : m.fee !== undefined && m.fee !== null
        ? // Ledger chains: the fee the watched signer paid, in the native coin (set on native and activity legs only).
          { fee: m.fee.toString() }
        : {}),
    watchlist: m.watchlist.map((w) => ({
      address: w.address, label: w.label, incident: w.incident, source: w.source, tags: [...w.tags], hop: w.hop ?? 0,
      ...(w.via !== undefined ? { via: { address: w.via.address, txHash: w.via.txHash } } : {}),
      ...(w.path !== undefined ? { path: [...w.path] } : {}),
    })),
    confirmations: m.confirmations,
    ...(isBtc ? {} : { txFrom: m.txFrom ?? null }),
    severity: enrichment.severity,
    usdValue: enrichment.usdValue,
    spoofed: enrichment.spoofed,
    ...(m.counterparty !== undefined ? { counterparty: { label: m.counterparty.label, category: m.counterparty.category, address: m.counterparty.address } } : {}),
    ...(m.event === 'movement.reorged' && m.reorg !== undefined ? { reorg: { orphanedBlockHash: m.reorg.orphanedBlockHash, detectedAt: m.reorg.detectedAt } } : {}),
  };
  return { type: m.event ?? 'movement.detected', timestamp: timestamp.toISOString(), data };
}

function toList(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : [...v];
}

/** Movements queued before the enrich stage existed: native coins are known, nothing is valued. */
function defaultEnrichment(m: Movement): MovementEnrichment {
  return { severity: 'medium', usdValue: null, assetKnown: m.asset.contract === null, spoofed: false };
}
