import { knownChainOf } from '../config/load-settings.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/schema.js';
import { tenantApiPlugin } from '../api/register-tenant-api.js';
import { resolveSafeTarget, TargetRefusedError, type ResolveHost } from '../adapters/http/resolve-safe-target.js';
import { createDeliveryStore } from '../adapters/redis/delivery-store.js';
import { createSubscriptionStore } from '../adapters/redis/subscription-store.js';
import { createTenantAddressStore } from '../adapters/redis/tenant-address-store.js';
import { createTenantStore } from '../adapters/redis/tenant-store.js';
import { createDeliveryEnqueuer, DEFAULT_SUBSCRIPTIONS_CONFIG, replayDeliveries } from './subscription-deliveries.js';
import type { Logger } from './logger.js';

/** Test and demo hooks for the tenant features (issue #9). */
export interface TenantServicesOptions {
  /** DNS for the SSRF guard (tests resolve names to private addresses without touching /etc/hosts). */
  readonly resolveHost?: ResolveHost;
  readonly now?: () => Date;
}

export interface TenantApi {
  readonly plugin: FastifyPluginAsync;
  close(): Promise<void>;
}

/**
 * Builds the tenant API plugin over Redis: stores, the delivery queue for
 * pings and replays, the SSRF check at creation and a per-tenant rate limit
 * (a fixed one-minute window per tenant, shared by every API replica).
 */
export function startTenantServices(options: { readonly settings: Settings; readonly redis: Redis; readonly logger: Logger } & TenantServicesOptions): TenantApi {
  const { settings, redis } = options;
  const prefix = settings.redis.prefix;
  const config = settings.subscriptions ?? DEFAULT_SUBSCRIPTIONS_CONFIG;
  const now = options.now ?? (() => new Date());
  const tenants = createTenantStore(redis, prefix);
  const deliveries = createDeliveryStore(redis, prefix);
  const enqueuer = createDeliveryEnqueuer(redis, prefix, options.logger);
  const chains = new Map([...settings.chains.values()].map((c) => [c.id, knownChainOf(c)]));
  const plugin = tenantApiPlugin({
    authenticate: (key) => tenants.authenticate(key),
    subscriptions: createSubscriptionStore(redis, prefix),
    addresses: createTenantAddressStore(redis, prefix),
    deliveries,
    enqueue: (jobs) => enqueuer.enqueue(jobs),
    replay: (records) => replayDeliveries(deliveries, enqueuer, records),
    async checkTarget(url) {
      try {
        await resolveSafeTarget(url, { allowHttp: config.allowHttp, allowPrivateTargets: config.allowPrivateTargets, resolveHost: options.resolveHost });
        return undefined;
      } catch (err) {
        if (err instanceof TargetRefusedError) return err.reason;
        throw err;
      }
    },
    chains,
    async rateLimit(tenantId) {
      const t = now().getTime();
      const window = Math.floor(t / 60_000);
      const key = `${prefix}:ratelimit:${tenantId}:${window}`;
      const res = await redis.multi().incr(key).pexpire(key, 120_000).exec();
      const count = Number(res?.[0]?.[1] ?? 0);
      if (count <= config.rateLimitPerMinute) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * 60_000 - t) / 1000)) };
    },
    now,
  });
  return { plugin, close: () => enqueuer.close() };
}
