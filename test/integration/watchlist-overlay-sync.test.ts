/** Tenant address lists reach every poller through the overlay changelog in the real Redis. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { createWatchlistOverlaySync } from '../../src/app/watchlist-overlay-sync.js';
import { createTenantAddressStore, type TenantAddress } from '../../src/adapters/redis/tenant-address-store.js';
import { EMPTY_WATCHLIST_INDEX } from '../../src/core/watchlist.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

const prefix = uniqueRedisPrefix('overlay');
let redis: Redis;
const key = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;
const addr = (i: number): TenantAddress => ({ chain: 'ethereum', address: key(i), matchKey: key(i), label: null, note: null, createdAt: new Date().toISOString() });

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('watchlist overlay sync', () => {
  it('loads 100,000 tenant addresses once, then applies only the changes, per tenant owner', async () => {
    const store = createTenantAddressStore(redis, prefix);
    for (let i = 0; i < 100_000; i += 1000) await store.add('ten_a', Array.from({ length: 1000 }, (_, j) => addr(i + j)));
    const sync = createWatchlistOverlaySync({ redis, prefix, chains: ['ethereum', 'bitcoin'], logger: createLogger({ level: 'silent' }) });
    await sync.refresh();
    const first = sync.combine(EMPTY_WATCHLIST_INDEX);
    expect(first.size).toBe(100_000);
    expect(first.lookup('ethereum', key(99_999))?.[0]).toMatchObject({ owner: 'tenant:ten_a', incident: 'tenant-list' });
    expect(sync.combine(EMPTY_WATCHLIST_INDEX)).toBe(first); // nothing changed: the same index object

    expect(await sync.refresh()).toBe(false);
    expect(await store.add('ten_b', [addr(5), addr(200_000)])).toEqual({ added: 2, existing: 0 });
    expect(await store.remove('ten_a', 'ethereum', key(5))).toBe(true);
    expect(await sync.refresh()).toBe(true);
    const second = sync.combine(EMPTY_WATCHLIST_INDEX);
    expect(second).not.toBe(first);
    expect(second.lookup('ethereum', key(5))?.map((r) => r.owner)).toEqual(['tenant:ten_b']);
    expect(second.lookup('ethereum', key(200_000))?.map((r) => r.owner)).toEqual(['tenant:ten_b']);
    expect(second.size).toBe(100_001);

    // A process started later sees the same state.
    const late = createWatchlistOverlaySync({ redis, prefix, chains: ['ethereum'], logger: createLogger({ level: 'silent' }) });
    await late.refresh();
    expect(late.combine(EMPTY_WATCHLIST_INDEX).size).toBe(100_001);
  });
});

describe('watchlist overlay log trimming', () => {
  it('reloads the whole overlay when the change log was trimmed past a process', async () => {
    const p = uniqueRedisPrefix('overlay-trim');
    const logger = createLogger({ level: 'silent' });
    try {
      const store = createTenantAddressStore(redis, p);
      await store.add('ten_a', [addr(1)]);
      const sync = createWatchlistOverlaySync({ redis, prefix: p, chains: ['ethereum'], logger });
      await sync.refresh();
      await store.add('ten_a', [addr(2)]);
      await sync.refresh(); // cursor now at the entry for addr(2)
      // More changes than the log keeps (the default length is a million: trim by hand as MAXLEN would).
      await store.add('ten_a', Array.from({ length: 20 }, (_, i) => addr(100 + i)));
      await store.remove('ten_a', 'ethereum', key(1));
      await redis.xtrim(`${p}:overlay:ethereum:log`, 'MAXLEN', 5);
      expect(await sync.refresh()).toBe(true);
      const index = sync.combine(EMPTY_WATCHLIST_INDEX);
      expect(index.size).toBe(21);
      expect(index.lookup('ethereum', key(1))).toBeUndefined();
      expect(index.lookup('ethereum', key(100))).toHaveLength(1);
    } finally {
      await deleteRedisPrefix(p);
    }
  });
});
