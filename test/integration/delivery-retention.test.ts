/**
 * Issue #9 delivery log retention: settled records (succeeded, dead)
 * older than deliveryRetentionMs are deleted with their index entries, pending
 * and retrying (failed) ones are kept until they settle, and recent ones stay listed. Real Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryStore, type NewDelivery } from '../../src/adapters/redis/delivery-store.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

let redis: Redis;
let prefix: string;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  prefix = uniqueRedisPrefix('dlvret');
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

const DAY = 24 * 60 * 60_000;
const record = (id: string, createdAt: Date): NewDelivery => ({ id, subscriptionId: 'sub1', tenantId: 't1', webhookId: `wh-${id}`, type: 'movement.detected', createdAt: createdAt.toISOString(), body: '{}' });

describe('delivery record retention', () => {
  it('prunes settled records older than the cutoff, keeps pending and recent ones, and their indexes', async () => {
    const store = createDeliveryStore(redis, prefix);
    const now = Date.now();
    const old = new Date(now - 40 * DAY);
    await store.createMany([record('old-ok', old), record('old-dead', old), record('old-pending', old), record('new-ok', new Date(now - DAY))]);
    await store.update('old-ok', { status: 'succeeded' });
    await store.update('old-dead', { status: 'dead' });
    await store.update('new-ok', { status: 'succeeded' });

    const cutoff = new Date(now - 30 * DAY);
    expect(await store.prune('sub1', cutoff)).toBe(2);
    expect(await store.get('old-ok')).toBeUndefined();
    expect(await store.get('old-dead')).toBeUndefined();
    expect(await store.get('old-pending')).toMatchObject({ status: 'pending' });
    const listed = await store.list('sub1', { limit: 10 });
    expect(listed.data.map((r) => r.id).sort()).toEqual(['new-ok', 'old-pending']);
    expect((await store.list('sub1', { status: 'dead', limit: 10 })).data).toEqual([]);
    expect((await store.listSince('sub1', new Date(0))).map((r) => r.id).sort()).toEqual(['new-ok', 'old-pending']);
    // Index entries are gone too, not only the records.
    expect(await redis.zcard(`${prefix}:sub-dlv:sub1`)).toBe(2);
    expect(await redis.zcard(`${prefix}:sub-dlv-t:sub1`)).toBe(2);
    expect(await store.prune('sub1', cutoff)).toBe(0);

    await store.update('old-pending', { status: 'failed' }); // failed = retry ahead: still kept
    expect(await store.prune('sub1', cutoff)).toBe(0);
    await store.update('old-pending', { status: 'dead' });
    expect(await store.prune('sub1', cutoff)).toBe(1);
    expect((await store.list('sub1', { limit: 10 })).data.map((r) => r.id)).toEqual(['new-ok']);
  });
});
