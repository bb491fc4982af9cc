import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Tenants and their API keys in Redis. Only the SHA-256 of a key is stored:
 *   `<prefix>:tenants`          hash tenant id -> JSON Tenant
 *   `<prefix>:tenant-names`     hash name -> tenant id (active tenants)
 *   `<prefix>:tenant-keys`      hash sha256(key) -> tenant id (active keys)
 * Revoking deletes the key hash, so the key stops working on the next request.
 * (An API key has 256 random bits: a fast hash is enough, no password hashing needed.)
 */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface TenantStore {
  /** Creates a tenant; returns it and its API key (shown once). Throws TenantExistsError on a taken name. */
  add(name: string, now: Date): Promise<{ readonly tenant: Tenant; readonly apiKey: string }>;
  list(): Promise<readonly Tenant[]>;
  /** Revokes the tenant's key; undefined when no active tenant has that name. */
  revoke(name: string, now: Date): Promise<Tenant | undefined>;
  /** The active tenant a key belongs to. */
  authenticate(apiKey: string): Promise<Tenant | undefined>;
}

export class TenantExistsError extends Error {
  constructor(name: string) {
    super(`a tenant named "${name}" already exists`);
  }
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export function createTenantStore(redis: Redis, prefix: string): TenantStore {
  const tenantsKey = `${prefix}:tenants`;
  const namesKey = `${prefix}:tenant-names`;
  const keysKey = `${prefix}:tenant-keys`;
  const parse = (raw: string | null | undefined): Tenant | undefined => (raw === null || raw === undefined ? undefined : (JSON.parse(raw) as Tenant));
  return {
    async add(name, now) {
      const id = `ten_${randomBytes(8).toString('hex')}`;
      const claimed = await redis.hsetnx(namesKey, name, id);
      if (claimed === 0) throw new TenantExistsError(name);
      const apiKey = `cwk_${randomBytes(32).toString('base64url')}`;
      const tenant: Tenant = { id, name, createdAt: now.toISOString(), revokedAt: null };
      await redis.multi().hset(tenantsKey, id, JSON.stringify(tenant)).hset(keysKey, hashApiKey(apiKey), id).exec();
      return { tenant, apiKey };
    },
    async list() {
      const all = await redis.hvals(tenantsKey);
      return all.map((r) => JSON.parse(r) as Tenant).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    },
    async revoke(name, now) {
      const id = await redis.hget(namesKey, name);
      if (id === null) return undefined;
      const tenant = parse(await redis.hget(tenantsKey, id));
      if (tenant === undefined) return undefined;
      const revoked: Tenant = { ...tenant, revokedAt: now.toISOString() };
      // Every key of this tenant: there is one per tenant, found by value.
      const keys = await redis.hgetall(keysKey);
      const multi = redis.multi().hset(tenantsKey, id, JSON.stringify(revoked)).hdel(namesKey, name);
      for (const [hash, owner] of Object.entries(keys)) if (owner === id) multi.hdel(keysKey, hash);
      await multi.exec();
      return revoked;
    },
    async authenticate(apiKey) {
      const id = await redis.hget(keysKey, hashApiKey(apiKey));
      if (id === null) return undefined;
      const tenant = parse(await redis.hget(tenantsKey, id));
      return tenant !== undefined && tenant.revokedAt === null ? tenant : undefined;
    },
  };
}
