/** The dashboard's movement history in the real Redis: stored once per movement job, bounded by age and count. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMovementHistoryStore, movementHistoryKey } from '../../src/adapters/redis/movement-history-store.js';
import type { DashboardMovement } from '../../src/core/dashboard/dashboard-movement.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';

const prefix = uniqueRedisPrefix('history');
let redis: Redis;
const DAY = 86_400_000;

function stored(key: string): DashboardMovement {
  return {
    key, id: key, at: new Date().toISOString(), chain: 'ethereum', direction: 'out', kind: 'native', event: 'movement.detected', txHash: `0x${key}`, blockNumber: 1,
    from: ['0xa'], to: ['0xb'], asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: '1', tokenId: null, severity: 'high', usdValue: null, spoofed: false,
    watchedAddress: '0xa', watchlist: [], counterparty: null, confirmations: 1,
  };
}

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('movement history store', () => {
  it('stores a movement job once however often the alerter retries it', async () => {
    const store = createMovementHistoryStore(redis, `${prefix}-once`, { retentionMs: DAY, maxEntries: 1000 });
    expect(await store.append(stored('a'))).not.toBeNull();
    expect(await store.append(stored('a'))).toBeNull();
    expect(await store.append(stored('b'))).not.toBeNull();
    expect((await store.readBackwards({ count: 10 })).map((e) => e.movement.key)).toEqual(['b', 'a']);
  });

  it('drops movements older than the retention', async () => {
    const retentionMs = DAY;
    const p = `${prefix}-age`;
    const first = await createMovementHistoryStore(redis, p, { retentionMs, maxEntries: 1000 }).append(stored('old'));
    const firstMs = Number(first!.split('-')[0]);
    await waitFor(async () => {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) > firstMs + 1 || undefined;
    }, { what: 'the Redis clock to pass the first entry' });
    // A clock one retention period later than the first entry: it is now past retention, the new one is not.
    const later = createMovementHistoryStore(redis, p, { retentionMs, maxEntries: 1000, now: () => firstMs + 1 + retentionMs });
    await later.append(stored('new'));
    expect((await later.readBackwards({ count: 10 })).map((e) => e.movement.key)).toEqual(['new']);
  });

  it('keeps about maxEntries, newest first', async () => {
    const p = `${prefix}-count`;
    const store = createMovementHistoryStore(redis, p, { retentionMs: DAY, maxEntries: 100 });
    for (let i = 0; i < 400; i++) await store.append(stored(`m${i}`));
    const length = await redis.xlen(movementHistoryKey(p));
    // Approximate trimming removes whole stream nodes (100 entries each by default): never below the bound, never far above.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(400);
    expect((await store.readBackwards({ count: 1 }))[0]!.movement.key).toBe('m399');
  });
});
