import type { Counterparty } from '../labels/address-label.js';
import { SEVERITIES, type Movement, type MovementDirection, type MovementEvent, type MovementKind, type Severity } from '../movement.js';

/**
 * A movement as the dashboard stores and shows it (issue #12): JSON-safe
 * (amounts as decimal strings), with what the movements page needs (labels,
 * hop and path of followed funds, counterparty) and nothing secret.
 */
export interface DashboardMovement {
  /** The movement job id (`movementJobId`): one per movement and lifecycle event. */
  readonly key: string;
  readonly id: string;
  /** ISO time the alerter processed it. */
  readonly at: string;
  readonly chain: string;
  readonly direction: MovementDirection;
  readonly kind: MovementKind;
  readonly event: MovementEvent;
  readonly txHash: string;
  readonly blockNumber: number | null;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly asset: { readonly contract: string | null; readonly symbol: string; readonly decimals: number };
  /** Base units, decimal string. */
  readonly amount: string;
  readonly tokenId: string | null;
  readonly severity: Severity | null;
  readonly usdValue: string | null;
  readonly spoofed: boolean;
  readonly watchedAddress: string;
  readonly watchlist: readonly DashboardWatchlistRef[];
  readonly counterparty: Counterparty | null;
  readonly confirmations: number;
}

export interface DashboardWatchlistRef {
  readonly address: string;
  readonly label: string;
  readonly incident: string;
  /** `tenant:<id>` or `derived:<rule>`; absent for listed entries. */
  readonly owner?: string;
  readonly hop: number;
  readonly via?: { readonly address: string; readonly txHash: string };
  readonly path?: readonly string[];
}

export function toDashboardMovement(m: Movement, key: string, at: Date): DashboardMovement {
  return {
    key,
    id: m.id,
    at: at.toISOString(),
    chain: m.chain,
    direction: m.direction,
    kind: m.kind,
    event: m.event ?? 'movement.detected',
    txHash: m.txHash,
    blockNumber: m.blockNumber,
    from: typeof m.from === 'string' ? [m.from] : [...m.from],
    to: typeof m.to === 'string' ? [m.to] : [...m.to],
    asset: { contract: m.asset.contract, symbol: m.asset.symbol, decimals: m.asset.rawUnits === true ? 0 : m.asset.decimals },
    amount: m.amount.toString(),
    tokenId: m.tokenId === null ? null : m.tokenId.toString(),
    severity: m.enrichment?.severity ?? null,
    usdValue: m.enrichment?.usdValue ?? null,
    spoofed: m.enrichment?.spoofed ?? false,
    watchedAddress: m.watchedAddress,
    watchlist: m.watchlist.map((w) => ({
      address: w.address,
      label: w.label,
      incident: w.incident,
      ...(w.owner !== undefined ? { owner: w.owner } : {}),
      hop: w.hop ?? 0,
      ...(w.via !== undefined ? { via: { address: w.via.address, txHash: w.via.txHash } } : {}),
      ...(w.path !== undefined ? { path: [...w.path] } : {}),
    })),
    counterparty: m.counterparty ?? null,
    confirmations: m.confirmations,
  };
}

/** What the movements page and the live feed filter on; every field optional (absent = any). */
export interface MovementFilter {
  readonly chain?: string | undefined;
  readonly incident?: string | undefined;
  /** At or above this severity. */
  readonly minSeverity?: Severity | undefined;
  readonly direction?: MovementDirection | undefined;
  /** Movements touching this address (watched, sender or recipient), compared case-insensitively. */
  readonly address?: string | undefined;
}

export function matchesMovementFilter(m: DashboardMovement, filter: MovementFilter): boolean {
  if (filter.chain !== undefined && m.chain !== filter.chain) return false;
  if (filter.direction !== undefined && m.direction !== filter.direction) return false;
  if (filter.incident !== undefined && !m.watchlist.some((w) => w.incident === filter.incident)) return false;
  if (filter.minSeverity !== undefined && SEVERITIES.indexOf(m.severity ?? 'info') < SEVERITIES.indexOf(filter.minSeverity)) return false;
  if (filter.address !== undefined) {
    const a = filter.address.toLowerCase();
    const touches = [m.watchedAddress, ...m.from, ...m.to, ...m.watchlist.map((w) => w.address)].some((x) => x.toLowerCase() === a);
    if (!touches) return false;
  }
  return true;
}
