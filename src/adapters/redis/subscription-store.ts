import type { Redis } from 'ioredis';
import type { Subscription } from '../../core/route/subscription.js';

/**
 * Subscriptions in Redis:
 *   `<prefix>:sub:<id>`             JSON Subscription (with its secrets)
 *   `<prefix>:tenant-subs:<tenant>` zset id by creation time (listing)
 *   `<prefix>:subs`                 set of every id (fan-out)
 *   `<prefix>:subs:version`         bumped by every change, so fan-out reloads only then
 *   `<prefix>:subs:deleted`         ids of deleted subscriptions whose delivery records await retention
 */
export interface SubscriptionStore {
  save(sub: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | undefined>;
  /** Subscriptions by id, in one round trip; missing ones are left out. */
  getMany(ids: readonly string[]): Promise<ReadonlyMap<string, Subscription>>;
  /** Only when it belongs to the tenant: another tenant's id reads as absent. */
  getForTenant(tenantId: string, id: string): Promise<Subscription | undefined>;
  listForTenant(tenantId: string): Promise<readonly Subscription[]>;
  delete(sub: Subscription): Promise<void>;
  /** Ids of deleted subscriptions whose delivery records are still kept (until retention removes them). */
  listDeletedIds(): Promise<readonly string[]>;
  forgetDeleted(id: string): Promise<void>;
  /** Current version and, when it differs from `knownVersion`, every subscription. */
  loadAllIfChanged(knownVersion: string | undefined): Promise<{ readonly version: string; readonly subscriptions?: readonly Subscription[] }>;
}

export function createSubscriptionStore(redis: Redis, prefix: string): SubscriptionStore {
  const subKey = (id: string): string => `${prefix}:sub:${id}`;
  const tenantKey = (tenantId: string): string => `${prefix}:tenant-subs:${tenantId}`;
  const allKey = `${prefix}:subs`;
  const versionKey = `${prefix}:subs:version`;
  const deletedKey = `${prefix}:subs:deleted`;
  const parse = (raw: string | null): Subscription | undefined => (raw === null ? undefined : (JSON.parse(raw) as Subscription));
  const store: SubscriptionStore = {
    async save(sub) {
      await redis
        .multi()
        .set(subKey(sub.id), JSON.stringify(sub))
        .zadd(tenantKey(sub.tenantId), Date.parse(sub.createdAt), sub.id)
        .sadd(allKey, sub.id)
        .incr(versionKey)
        .exec();
    },
    async get(id) {
      return parse(await redis.get(subKey(id)));
    },
    async getMany(ids) {
      const found = new Map<string, Subscription>();
      if (ids.length === 0) return found;
      for (const sub of (await redis.mget(ids.map(subKey))).map(parse)) if (sub !== undefined) found.set(sub.id, sub);
      return found;
    },
    async getForTenant(tenantId, id) {
      const sub = await store.get(id);
      return sub?.tenantId === tenantId ? sub : undefined;
    },
    async listForTenant(tenantId) {
      const ids = await redis.zrange(tenantKey(tenantId), 0, -1);
      if (ids.length === 0) return [];
      const raws = await redis.mget(ids.map(subKey));
      return raws.map(parse).filter((s): s is Subscription => s !== undefined && s.tenantId === tenantId);
    },
    async delete(sub) {
      await redis.multi().del(subKey(sub.id)).zrem(tenantKey(sub.tenantId), sub.id).srem(allKey, sub.id).sadd(deletedKey, sub.id).incr(versionKey).exec();
    },
    async listDeletedIds() {
      return redis.smembers(deletedKey);
    },
    async forgetDeleted(id) {
      await redis.srem(deletedKey, id);
    },
    async loadAllIfChanged(knownVersion) {
      const version = (await redis.get(versionKey)) ?? '0';
      if (version === knownVersion) return { version };
      const ids = await redis.smembers(allKey);
      const raws = ids.length === 0 ? [] : await redis.mget(ids.map(subKey));
      return { version, subscriptions: raws.map(parse).filter((s): s is Subscription => s !== undefined) };
    },
  };
  return store;
}
