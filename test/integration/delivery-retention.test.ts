/**
 * Issue #9 delivery log retention: settled records (succeeded, dead)
 * older than deliveryRetentionMs are deleted with their index entries, pending
 * and retrying (failed) ones are kept until they settle, and recent ones stay listed; a body shared by
 * many records is stored once and deleted with the last of them; records of the older inline-body format
 * still read, update and prune. Real Redis.
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

  it('stores a body shared by many records once, and deletes it with the last of them', async () => {
    const store = createDeliveryStore(redis, prefix);
    const old = new Date(Date.now() - 40 * DAY);
    const body = JSON.stringify({ type: 'movement.detected', data: { txHash: '0xshared' } });
    const shared = (id: string, sub: string): NewDelivery => ({ id, subscriptionId: sub, tenantId: 't2', webhookId: `wh-${id}`, type: 'movement.detected', createdAt: old.toISOString(), body });
    await store.createMany([shared('s-a', 'sub2'), shared('s-b', 'sub2'), shared('s-c', 'sub3')]);
    const bodyKeys = await redis.keys(`${prefix}:dlv-body:*`);
    expect(bodyKeys).toHaveLength(2); // this body and the '{}' of the test above
    expect((await store.getMany(['s-a', 's-b', 's-c'])).map((r) => r?.body)).toEqual([body, body, body]);
    // The record itself does not repeat the body.
    expect(await redis.get(`${prefix}:dlv:s-a`)).not.toContain('0xshared');

    await store.updateMany((await store.getMany(['s-a', 's-b', 's-c'])).map((r) => ({ before: r!, patch: { status: 'succeeded' as const } })));
    expect((await store.get('s-b'))?.body).toBe(body);
    const cutoff = new Date(Date.now() - 30 * DAY);
    expect(await store.prune('sub2', cutoff)).toBe(2);
    expect((await store.get('s-c'))?.body).toBe(body); // still referred to by sub3's record
    expect(await store.prune('sub3', cutoff)).toBe(1);
    expect(await redis.keys(`${prefix}:dlv-body:*`)).toHaveLength(1);
  });

  it('reads, updates and prunes records of the older format that carry their body inline', async () => {
    const store = createDeliveryStore(redis, prefix);
    const old = new Date(Date.now() - 40 * DAY);
    const legacy = { id: 'legacy-1', subscriptionId: 'sub4', tenantId: 't4', webhookId: 'wh-legacy-1', type: 'movement.detected', createdAt: old.toISOString(), body: '{"legacy":true}', seq: 9_000_000, status: 'pending', attempts: 0, lastStatusCode: null, lastError: null, nextAttemptAt: null, latencyMs: null, replays: 0, jobId: 'legacy-1' };
    await redis.multi().set(`${prefix}:dlv:legacy-1`, JSON.stringify(legacy)).zadd(`${prefix}:sub-dlv:sub4`, legacy.seq, legacy.id).zadd(`${prefix}:sub-dlv:sub4:pending`, legacy.seq, legacy.id).zadd(`${prefix}:sub-dlv-t:sub4`, old.getTime(), legacy.id).exec();
    expect(await store.get('legacy-1')).toMatchObject({ body: '{"legacy":true}', status: 'pending' });
    await store.update('legacy-1', { status: 'succeeded', attempts: 1 });
    expect(JSON.parse((await redis.get(`${prefix}:dlv:legacy-1`))!)).toMatchObject({ body: '{"legacy":true}', status: 'succeeded' });
    expect((await store.list('sub4', { status: 'succeeded', limit: 10 })).data.map((r) => r.body)).toEqual(['{"legacy":true}']);
    expect(await store.prune('sub4', new Date(Date.now() - 30 * DAY))).toBe(1);
    expect(await store.get('legacy-1')).toBeUndefined();
    expect(await store.count('sub4')).toBe(0);
  });
});
