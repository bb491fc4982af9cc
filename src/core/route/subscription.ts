import type { LabelCategory } from '../labels/address-label.js';
import type { MovementDirection, MovementEvent, MovementKind, Severity } from '../movement.js';

/**
 * A tenant's webhook subscription (issue #9), as stored. Filters combine with
 * AND; every list is OR within itself; an absent filter matches everything.
 */
export interface SubscriptionFilters {
  readonly chains?: readonly string[];
  readonly incidents?: readonly string[];
  readonly tags?: readonly string[];
  readonly directions?: readonly MovementDirection[];
  readonly kinds?: readonly MovementKind[];
  /** From the enrich stage; a movement without severity does not pass. */
  readonly minSeverity?: Severity;
  /** USD as a decimal string; a movement without a USD value does not pass. */
  readonly minUsd?: string;
  /** Human units per asset symbol, e.g. {"ETH": "10", "USDT": "50000"}; other symbols pass. */
  readonly minAmount?: Readonly<Record<string, string>>;
  /** At least one must be the movement's other side (EVM lowercase-compared, Bitcoin bech32 lowercased). */
  readonly counterparties?: readonly string[];
  /** The labelled other side (movement.counterparty, issue #11) is in one of these categories; unlabelled never passes. */
  readonly counterpartyCategories?: readonly LabelCategory[];
  /** Lifecycle event types (issue #10): absent = every type (`movement.detected`, `.reorged`, `.confirmed`, `.dropped`). */
  readonly events?: readonly MovementEvent[];
}

export interface SubscriptionSecret {
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the old secret at rotation: it signs alongside the new one until then. */
  readonly expiresAt?: string;
}

export interface Subscription {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly description: string | null;
  readonly enabled: boolean;
  /** Why chainwatch disabled it (410 Gone, failing for days); null when enabled or disabled by the tenant. */
  readonly disabledReason: string | null;
  readonly filters: SubscriptionFilters;
  /** Newest first. */
  readonly secrets: readonly SubscriptionSecret[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** First failure since the last success; cleared by a success. */
  readonly failingSince: string | null;
}

/** The owner tag of a tenant's own address list entries. */
export function tenantOwner(tenantId: string): string {
  return `tenant:${tenantId}`;
}
