import type { ChainAddressFormat } from '../core/address/normalize-chain-address.js';
import type { FastifyRequest } from 'fastify';
import type { DeliveryRecord, DeliveryStore } from '../adapters/redis/delivery-store.js';
import type { SubscriptionStore } from '../adapters/redis/subscription-store.js';
import type { TenantAddressStore } from '../adapters/redis/tenant-address-store.js';
import type { Tenant } from '../adapters/redis/tenant-store.js';

/** What the tenant API needs from the shell; app/tenant-services builds it from Redis and BullMQ. */
export interface TenantApiDeps {
  authenticate(apiKey: string): Promise<Tenant | undefined>;
  readonly subscriptions: SubscriptionStore;
  readonly addresses: TenantAddressStore;
  readonly deliveries: DeliveryStore;
  /** Puts delivery records on the queue (test pings). */
  enqueue(jobs: readonly { readonly deliveryId: string; readonly jobId: string }[]): Promise<void>;
  /** Resends records with their webhook-id; returns how many. */
  replay(records: readonly DeliveryRecord[]): Promise<number>;
  /** The SSRF guard at creation: undefined when allowed, else the reason. */
  checkTarget(url: string): Promise<string | undefined>;
  /** Configured chains: addresses are validated against them. */
  readonly chains: ReadonlyMap<string, ChainAddressFormat>;
  /** Per-tenant rate limit: seconds to wait when over it. */
  rateLimit(tenantId: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number }>;
  now(): Date;
}

/** Largest request body (bytes); 1,000 addresses with labels and notes fit. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The tenant of an authenticated request (set by the auth hook). */
export type TenantOf = (request: FastifyRequest) => Tenant;
