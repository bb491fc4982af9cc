/**
 * Batched fan-out (issue #13 target 4) against the real Redis and a real
 * node:http receiver: a movement to hundreds of subscriptions goes out in
 * batch jobs, every matching subscription gets it exactly once under its own
 * webhook-id, only the failures are retried (one job each, same webhook-id),
 * a fan-out run again sends nothing twice, and records a crash left without
 * their batch job are delivered when the fan-out runs again. A fan-out stores
 * each distinct body once, and records of the older inline-body format still deliver.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { BATCH_SIZE, buildBatchId, DEFAULT_SUBSCRIPTIONS_CONFIG, startSubscriptionDeliveries } from '../../src/app/subscription-deliveries.js';
import { createDeliveryStore } from '../../src/adapters/redis/delivery-store.js';
import { SUBSCRIPTION_DELIVERIES_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { createSubscriptionStore } from '../../src/adapters/redis/subscription-store.js';
import { buildWebhookPayload } from '../../src/core/alert/build-webhook-payload.js';
import { buildWebhookId, verifyWebhookSignature } from '../../src/core/alert/sign-webhook.js';
import { buildMovementId } from '../../src/core/movement.js';
import { buildDeliveryId } from '../../src/core/route/build-delivery-id.js';
import type { Subscription, SubscriptionFilters } from '../../src/core/route/subscription.js';
import { evmNativeOut } from '../unit/alert/movements.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startScriptedReceiver, type ScriptedReceiver } from '../helpers/scripted-receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups.length = 0;
});

async function setup(subscriptionCount: number, receiverUrl: string, filtersOf: (i: number) => SubscriptionFilters = () => ({})) {
  const prefix = uniqueRedisPrefix('subs-batches');
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const subs = createSubscriptionStore(redis, prefix);
  const at = new Date().toISOString();
  const subscriptions: Subscription[] = [];
  for (let i = 0; i < subscriptionCount; i++) {
    const sub: Subscription = { id: `sub_${String(i).padStart(4, '0')}`, tenantId: `ten_${i % 7}`, url: receiverUrl, description: null, enabled: true, disabledReason: null, filters: filtersOf(i), secrets: [{ secret: SECRET, createdAt: at }], createdAt: at, updatedAt: at, failingSince: null };
    await subs.save(sub);
    subscriptions.push(sub);
  }
  const engine = await startSubscriptionDeliveries({
    connection: redis,
    prefix,
    config: { ...DEFAULT_SUBSCRIPTIONS_CONFIG, allowHttp: true, allowPrivateTargets: ['127.0.0.0/8'], retryScheduleMs: [100, 100, 100], rateLimitPerMinute: 1_000_000 },
    email: undefined,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });
  const queue = new Queue(SUBSCRIPTION_DELIVERIES_QUEUE, { connection: redis, prefix });
  cleanups.push(async () => {
    await engine.close();
    await queue.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });
  /** Every job finished: nothing waiting, running or due later. */
  const settled = async (): Promise<boolean> => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).every((n) => n === 0);
  };
  return { engine, subscriptions, deliveries: createDeliveryStore(redis, prefix), queue, settled, redis, prefix };
}

async function receiver(script: Parameters<typeof startScriptedReceiver>[0]): Promise<ScriptedReceiver> {
  const r = await startScriptedReceiver(script);
  cleanups.push(() => r.close());
  return r;
}

function movement(n: number) {
  const tx = `0x${n.toString(16).padStart(64, '0')}`;
  const m = evmNativeOut({ txHash: tx });
  return { ...m, id: buildMovementId('ethereum', tx, 'native', m.watchedAddress) };
}

const webhookIdOf = (r: ScriptedReceiver['received'][number]): string => String(r.headers['webhook-id']);
const countBy = (ids: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

describe('batched subscription fan-out', () => {
  it('delivers to every matching subscription exactly once and retries only the failures, under the same webhook-id', async () => {
    const total = BATCH_SIZE * 2 + 37; // three batches, the last one partial
    // Every 9th subscription's receiver fails its first attempt (500), every 23rd asks for a retry (503, Retry-After 0).
    const failOnce = (subId: string): number | undefined => {
      const i = Number(subId.slice(4));
      return i % 9 === 0 ? 500 : i % 23 === 0 ? 503 : undefined;
    };
    const attemptsSeen = new Map<string, number>();
    const r = await receiver((_n, req) => {
      const subId = webhookIdOf(req).split('-').pop()!;
      const seen = attemptsSeen.get(subId) ?? 0;
      attemptsSeen.set(subId, seen + 1);
      const status = seen === 0 ? failOnce(subId) : undefined;
      const headers: Record<string, string> = status === 503 ? { 'retry-after': '0' } : {};
      return status === undefined ? { status: 200 } : { status, headers };
    });
    // Every 10th subscription only wants bitcoin: the filter still applies in batches.
    const { engine, subscriptions, deliveries, settled } = await setup(total, r.url, (i) => (i % 10 === 5 ? { chains: ['bitcoin'] } : {}));
    const matching = subscriptions.filter((s) => s.filters.chains === undefined);
    const failing = matching.filter((s) => failOnce(s.id) !== undefined);
    expect(failing.length).toBeGreaterThan(0);

    const m = movement(1);
    expect(await engine.fanOut(m, 'mv-1', new Date())).toBe(matching.length);
    await waitFor(async () => (await settled()) && r.received.length === matching.length + failing.length, { what: 'every delivery and every retry' });
    // The same fan-out again (a redelivered movement job) sends nothing more.
    expect(await engine.fanOut(m, 'mv-1', new Date())).toBe(matching.length);
    await waitFor(settled, { what: 'queue idle after the repeated fan-out' });

    const perWebhookId = countBy(r.received.map(webhookIdOf));
    expect(new Set(perWebhookId.keys())).toEqual(new Set(matching.map((s) => buildWebhookId('mv-1', s.id))));
    for (const sub of matching) expect(perWebhookId.get(buildWebhookId('mv-1', sub.id))).toBe(failOnce(sub.id) === undefined ? 1 : 2);
    // Each request is signed for its own webhook-id and carries the movement.
    for (const req of r.received) {
      expect(verifyWebhookSignature({ secret: SECRET, headers: req.headers, body: req.rawBody, nowSeconds: Math.floor(Date.now() / 1000) })).toEqual({ ok: true });
      expect(req.body.data['txHash']).toBe(m.txHash);
    }
    const records = await deliveries.getMany(matching.map((s) => buildDeliveryId(buildWebhookId('mv-1', s.id))));
    for (const [i, rec] of records.entries()) {
      expect(rec?.status).toBe('succeeded');
      expect(rec?.attempts).toBe(failOnce(matching[i]!.id) === undefined ? 1 : 2);
    }
  });

  it('delivers records a crash left without their batch job when the fan-out runs again, once each', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const { engine, subscriptions, deliveries, settled } = await setup(BATCH_SIZE + 10, r.url);
    const m = movement(2);
    const timestamp = new Date();
    // What fanOut writes before it enqueues, for the first batch only: records and membership, no job (the crash).
    const body = JSON.stringify(buildWebhookPayload(m, timestamp));
    const first = subscriptions.slice(0, BATCH_SIZE).map((sub) => {
      const webhookId = buildWebhookId('mv-2', sub.id);
      return { id: buildDeliveryId(webhookId), subscriptionId: sub.id, tenantId: sub.tenantId, webhookId, type: 'movement.detected', createdAt: timestamp.toISOString(), body };
    });
    const batchId = buildBatchId(first.map((rec) => rec.id));
    await deliveries.createMany(first.map((rec) => ({ ...rec, jobId: batchId, batchId })));
    await waitFor(settled, { what: 'idle queue' });
    expect(r.received).toHaveLength(0);

    expect(await engine.fanOut(m, 'mv-2', timestamp)).toBe(subscriptions.length);
    await waitFor(async () => (await settled()) && r.received.length === subscriptions.length, { what: 'every delivery' });
    const perWebhookId = countBy(r.received.map(webhookIdOf));
    expect([...perWebhookId.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(perWebhookId.keys())).toEqual(new Set(subscriptions.map((s) => buildWebhookId('mv-2', s.id))));
    expect((await deliveries.getMany(first.map((rec) => rec.id))).every((rec) => rec?.status === 'succeeded')).toBe(true);
  });

  it('keeps a permanent failure in a batch visible as dead, with the others delivered', async () => {
    const r = await receiver((_n, req) => (webhookIdOf(req).endsWith('sub_0003') ? { status: 400, headers: { 'webhook-delivery': 'abort-message' } } : { status: 200 }));
    const { engine, subscriptions, deliveries, settled } = await setup(12, r.url);
    await engine.fanOut(movement(3), 'mv-3', new Date());
    await waitFor(async () => (await settled()) && r.received.length === subscriptions.length, { what: 'every delivery' });
    const dead = (await deliveries.list('sub_0003', { status: 'dead', limit: 10 })).data;
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastStatusCode).toBe(400);
    expect(dead[0]!.lastError).toContain('abort-message');
    expect((await deliveries.list('sub_0004', { status: 'succeeded', limit: 10 })).data).toHaveLength(1);
    expect(r.received.filter((q) => webhookIdOf(q).endsWith('sub_0003'))).toHaveLength(1);
  });

  it('stores each distinct body of a fan-out once, not once per delivery', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const { engine, subscriptions, redis, prefix, settled } = await setup(30, r.url); // 7 tenants
    await engine.fanOut(movement(4), 'mv-4', new Date());
    await waitFor(async () => (await settled()) && r.received.length === subscriptions.length, { what: 'every delivery' });
    // Tenants that see the same entries get the same bytes: one stored body for all of them.
    const distinct = new Set(r.received.map((q) => q.rawBody));
    expect(distinct.size).toBe(1);
    const stored = await redis.keys(`${prefix}:dlv-body:*`);
    expect(stored).toHaveLength(1);
    expect(await redis.hget(stored[0]!, 'body')).toBe([...distinct][0]);
    expect(await redis.hget(stored[0]!, 'refs')).toBe(String(subscriptions.length));
    // The same fan-out again (a redelivered movement job, here with a later timestamp, so other bytes) creates
    // no record: it counts no reference twice and leaves no body that nothing refers to.
    await engine.fanOut(movement(4), 'mv-4', new Date(Date.now() + 5000));
    expect(await redis.keys(`${prefix}:dlv-body:*`)).toEqual(stored);
    expect(await redis.hget(stored[0]!, 'refs')).toBe(String(subscriptions.length));
  });

  it('delivers records of the older inline-body format still queued at an upgrade (a batch and a single job)', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const { subscriptions, redis, prefix, queue, deliveries, settled } = await setup(3, r.url);
    const at = new Date();
    const legacy = (sub: Subscription, jobId: string) => {
      const webhookId = buildWebhookId('mv-legacy', sub.id);
      const id = buildDeliveryId(webhookId);
      return { id, subscriptionId: sub.id, tenantId: sub.tenantId, webhookId, type: 'movement.detected', createdAt: at.toISOString(), body: JSON.stringify({ type: 'movement.detected', timestamp: at.toISOString(), data: { txHash: `0xlegacy-${sub.id}` } }), seq: 0, status: 'pending', attempts: 0, lastStatusCode: null, lastError: null, nextAttemptAt: null, latencyMs: null, replays: 0, jobId: jobId === '' ? id : jobId };
    };
    const batched = subscriptions.slice(0, 2).map((sub) => legacy(sub, ''));
    const batchId = buildBatchId(batched.map((rec) => rec.id));
    const records = [...batched.map((rec) => ({ ...rec, jobId: batchId })), legacy(subscriptions[2]!, '')];
    // Written the way the previous version wrote them: the whole record, body inline, under dlv:<id>.
    const multi = redis.multi();
    records.forEach((rec, i) => {
      multi.set(`${prefix}:dlv:${rec.id}`, JSON.stringify({ ...rec, seq: i + 1 })).zadd(`${prefix}:sub-dlv:${rec.subscriptionId}`, i + 1, rec.id).zadd(`${prefix}:sub-dlv:${rec.subscriptionId}:pending`, i + 1, rec.id).zadd(`${prefix}:sub-dlv-t:${rec.subscriptionId}`, at.getTime(), rec.id);
    });
    multi.sadd(`${prefix}:dlv-batch:${batchId}`, ...batched.map((rec) => rec.id));
    await multi.exec();
    await queue.addBulk([
      { name: 'deliver-batch', data: { v: 1, batchId }, opts: { jobId: batchId } },
      { name: 'deliver', data: { v: 1, deliveryId: records[2]!.id }, opts: { jobId: records[2]!.id } },
    ]);
    await waitFor(async () => (await settled()) && r.received.length === 3, { what: 'the legacy deliveries' });
    for (const rec of records) {
      const req = r.received.find((q) => webhookIdOf(q) === rec.webhookId)!;
      expect(req.rawBody).toBe(rec.body);
      expect(verifyWebhookSignature({ secret: SECRET, headers: req.headers, body: req.rawBody, nowSeconds: Math.floor(Date.now() / 1000) })).toEqual({ ok: true });
    }
    expect((await deliveries.getMany(records.map((rec) => rec.id))).map((rec) => [rec?.status, rec?.body])).toEqual(records.map((rec) => ['succeeded', rec.body]));
  });
});
