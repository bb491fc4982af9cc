import type { ChainAddressFormat } from '../../core/address/normalize-chain-address.js';
import type { ChainStatusRecord } from '../../adapters/redis/chain-status-store.js';
import type { DashboardSessionStore } from '../../adapters/redis/dashboard-session-store.js';
import type { HistoryEntry, MovementHistoryStore } from '../../adapters/redis/movement-history-store.js';
import type { FollowReadModel } from '../../core/follow/derived-entry.js';
import type { WatchlistRef } from '../../core/movement.js';
import type { WatchlistEntry } from '../../core/watchlist.js';

/** What the dashboard API needs from the shell; app/dashboard-services builds it from Redis and BullMQ. */
export interface DashboardDeps {
  /** The operator token (CHAINWATCH_ADMIN_TOKEN or api.adminToken). */
  readonly adminToken: string;
  readonly sessions: DashboardSessionStore;
  readonly sessionTtlMs: number;
  /** Wrong tokens allowed per client address per minute before logins answer 429 (brute force). */
  readonly maxLoginFailuresPerMinute: number;
  now(): number;
  readonly history: MovementHistoryStore;
  /** New history entries as they are appended by any alerter (one tail loop per API process). */
  readonly liveFeed: LiveFeed;
  /** Configured chains in config order, with what their pollers last published. */
  chains(): Promise<readonly DashboardChain[]>;
  /** Chain id -> kind, network and explorer base URL (from config). */
  readonly chainInfo: ReadonlyMap<string, ChainAddressFormat & { readonly explorerUrl: string | null }>;
  /** The listed watchlist entries in force (hot reloaded). */
  watchlistEntries(): readonly WatchlistEntry[];
  /** Tenant and other runtime entries (watchlist overlay), refreshed before each call. */
  overlayEntries(): Promise<readonly OverlayRef[]>;
  /** The follow stage's read side (issue #11), when wired. */
  readonly follow?: FollowReadModel | undefined;
  readonly deliveries: DashboardDeliveries;
  /** Where the built SPA is (index.html and assets/); undefined when not built. */
  readonly webRoot: string | undefined;
}

export interface OverlayRef {
  readonly chain: string;
  readonly matchKey: string;
  readonly ref: WatchlistRef;
}

export interface LiveFeed {
  /** Calls `listener` with every entry appended from now on; returns the unsubscribe. */
  subscribe(listener: (entry: HistoryEntry) => void): () => void;
}

export interface DashboardChain {
  readonly chain: string;
  readonly kind: string;
  readonly enabled: boolean;
  readonly explorerUrl: string | null;
  readonly maxLagBlocks: number | null;
  readonly leaseHolder: string | null;
  /** What the lease holder last published; null when no poller reported recently. */
  readonly status: ChainStatusRecord | null;
}

export type DeliveryChannelKind = 'email' | 'webhook' | 'subscription';

export interface DeliveryItem {
  readonly id: string;
  readonly state: string;
  readonly attempts: number;
  readonly error: string | null;
  readonly at: string | null;
  /** What was delivered (chain, tx, kind), when known. */
  readonly summary: string | null;
  readonly replayable: boolean;
}

export interface DeliveryChannel {
  readonly channel: DeliveryChannelKind;
  /** Webhook id, `email`, or the subscription id. */
  readonly target: string;
  /** Redacted target (scheme and host) or recipients count; never a secret. */
  readonly description: string;
  readonly tenantId?: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly recent: readonly DeliveryItem[];
  /** Failed for good (bullmq failed set, subscription `dead`). */
  readonly deadLetters: readonly DeliveryItem[];
}

export interface DashboardDeliveries {
  list(): Promise<readonly DeliveryChannel[]>;
  /** Replays one dead delivery; false when there is no such delivery in a replayable state. */
  replay(channel: DeliveryChannelKind, target: string, id: string): Promise<boolean>;
}
