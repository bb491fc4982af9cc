import type { Redis } from 'ioredis';
import { tenantOwner } from '../../core/route/subscription.js';
import type { OverlayChange } from '../../core/watchlist-overlay.js';
import { createWatchlistOverlayStore } from './watchlist-overlay-store.js';

/**
 * A tenant's own address list: `<prefix>:taddr:<tenant>` hash
 * `<chain>/<matchKey>` -> JSON TenantAddress, mirrored into the watchlist
 * overlay (owner `tenant:<id>`) so every poller matches it from its next step.
 */
export interface TenantAddress {
  readonly chain: string;
  /** Display form (EIP-55, Bitcoin as normalised). */
  readonly address: string;
  readonly matchKey: string;
  readonly label: string | null;
  readonly note: string | null;
  readonly createdAt: string;
}

export interface TenantAddressStore {
  /** Adds what is new; two round trips for up to 1,000 addresses. */
  add(tenantId: string, addresses: readonly TenantAddress[]): Promise<{ readonly added: number; readonly existing: number }>;
  /** One page; `cursor` is opaque (Redis HSCAN), null when done. */
  list(tenantId: string, options: { chain?: string; cursor?: string; limit: number }): Promise<{ readonly data: readonly TenantAddress[]; readonly nextCursor: string | null }>;
  /** False when the tenant did not hold it. */
  remove(tenantId: string, chain: string, matchKey: string): Promise<boolean>;
}

export const TENANT_LIST_INCIDENT = 'tenant-list';

export function createTenantAddressStore(redis: Redis, prefix: string): TenantAddressStore {
  const key = (tenantId: string): string => `${prefix}:taddr:${tenantId}`;
  const overlay = createWatchlistOverlayStore(redis, prefix);
  return {
    async add(tenantId, addresses) {
      if (addresses.length === 0) return { added: 0, existing: 0 };
      const pipe = redis.pipeline();
      for (const a of addresses) pipe.hsetnx(key(tenantId), `${a.chain}/${a.matchKey}`, JSON.stringify(a));
      const results = (await pipe.exec()) ?? [];
      const changes: OverlayChange[] = [];
      const owner = tenantOwner(tenantId);
      addresses.forEach((a, i) => {
        if (results[i]?.[1] !== 1) return;
        changes.push({
          op: 'add',
          entry: {
            chain: a.chain,
            matchKey: a.matchKey,
            ref: { address: a.address, label: a.label ?? 'own address', incident: TENANT_LIST_INCIDENT, source: 'chainwatch:tenant-list', tags: [TENANT_LIST_INCIDENT], owner },
          },
        });
      });
      await overlay.write(changes);
      return { added: changes.length, existing: addresses.length - changes.length };
    },
    async list(tenantId, { chain, cursor, limit }) {
      const [next, flat] = await redis.hscan(key(tenantId), cursor ?? '0', 'MATCH', chain === undefined ? '*' : `${chain}/*`, 'COUNT', limit);
      const data: TenantAddress[] = [];
      for (let i = 1; i < flat.length; i += 2) data.push(JSON.parse(flat[i]!) as TenantAddress);
      return { data, nextCursor: next === '0' ? null : next };
    },
    async remove(tenantId, chain, matchKey) {
      const removed = await redis.hdel(key(tenantId), `${chain}/${matchKey}`);
      if (removed === 0) return false;
      await overlay.write([{ op: 'remove', chain, matchKey, owner: tenantOwner(tenantId) }]);
      return true;
    },
  };
}
