// What the dashboard API answers (docs/dashboard.md). Movement and trail types come from the core, so the two never drift.
import type { DashboardMovement } from '../../src/core/dashboard/dashboard-movement.js';
import type { DerivedEntry, IncidentTotals, IncidentTrail } from '../../src/core/follow/derived-entry.js';
import type { Counterparty } from '../../src/core/labels/address-label.js';

export type { Counterparty, DerivedEntry, IncidentTotals, IncidentTrail };
export type ListedMovement = DashboardMovement & { readonly streamId: string };

export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
}

export interface Meta {
  readonly chains: readonly { readonly id: string; readonly kind: string; readonly explorerUrl: string | null }[];
  readonly incidents: readonly string[];
  readonly severities: readonly string[];
  readonly followStage: boolean;
}

export interface ChainRow {
  readonly chain: string;
  readonly kind: string;
  readonly enabled: boolean;
  readonly explorerUrl: string | null;
  readonly maxLagBlocks: number | null;
  readonly leaseHolder: string | null;
  readonly status: {
    readonly headNumber: number | null;
    readonly processedNumber: number | null;
    readonly lagBlocks: number | null;
    readonly blocksPerSecond: number | null;
    readonly lastStepOkAt: string | null;
    readonly consecutiveFailures: number;
    readonly lastErrorCode: string | null;
    readonly endpoints: readonly string[];
    readonly rpcErrors: number;
    readonly rpcEndpoints?: readonly { readonly url: string; readonly preferred: boolean; readonly lastOkAt: string | null; readonly lastFailureAt: string | null; readonly lastError: string | null; readonly consecutiveFailures: number }[];
    readonly capabilities: Readonly<Record<string, string | null>>;
    readonly checks: Readonly<Record<string, { readonly ready: boolean; readonly degraded?: boolean; readonly detail?: string }>>;
    readonly owner: string;
    readonly updatedAt: string;
  } | null;
}

export interface IncidentRow {
  readonly incident: string;
  readonly listed: number;
  readonly chains: readonly string[];
  readonly movements: number;
  readonly lastMovementAt: string | null;
  readonly totals: IncidentTotals;
}

export interface IncidentDetail {
  readonly incident: string;
  readonly source: 'follow' | 'history';
  readonly totals: IncidentTotals;
  readonly timeline: readonly ListedMovement[];
  readonly trail: IncidentTrail;
}

export interface AddressDetail {
  readonly chain: string;
  readonly address: string;
  readonly explorerUrl: string | null;
  readonly listed: readonly { label: string; incident: string; source: string; tags: readonly string[]; file: string; line: number; enabled: boolean; removed: string | null }[];
  readonly tenants: readonly { tenantId?: string; owner?: string | null; label?: string; incident?: string }[];
  readonly derived: DerivedEntry | null;
  readonly counterparty: Counterparty | null;
  readonly movements: readonly ListedMovement[];
}

export interface StatusCounts {
  readonly total: number;
  readonly watched: number;
  readonly disabled: number;
  readonly removed: number;
}

export interface WatchlistAnswer {
  readonly stats: { total: StatusCounts; files: number; byChain: Record<string, StatusCounts>; byIncident: Record<string, StatusCounts>; tenantByChain: Record<string, number>; derivedByIncident: Record<string, number> };
  readonly query: string;
  readonly results: readonly { kind: string; chain: string; address: string; label: string; incident: string; source: string; status: string }[];
  readonly truncated: boolean;
}

export interface DeliveryItem {
  readonly id: string;
  readonly state: string;
  readonly attempts: number;
  readonly error: string | null;
  readonly at: string | null;
  readonly summary: string | null;
  readonly replayable: boolean;
}

export interface DeliveryChannel {
  readonly channel: 'email' | 'webhook' | 'subscription';
  readonly target: string;
  readonly description: string;
  readonly tenantId?: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly recent: readonly DeliveryItem[];
  readonly deadLetters: readonly DeliveryItem[];
}
