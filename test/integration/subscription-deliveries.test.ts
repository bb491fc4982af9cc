/**
 * The subscription delivery engine against the real Redis, real receivers and
 * a real SMTP server: the SSRF guard at delivery time (a host resolved once per
 * batch, checked again by the next), pinning to the checked
 * address, disabling a subscription that fails for too long (operator
 * emailed), and a hanging endpoint that never delays another subscription.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { DEFAULT_SUBSCRIPTIONS_CONFIG, startSubscriptionDeliveries, type SubscriptionDeliveries } from '../../src/app/subscription-deliveries.js';
import { createDeliveryStore } from '../../src/adapters/redis/delivery-store.js';
import { createSubscriptionStore } from '../../src/adapters/redis/subscription-store.js';
import type { SubscriptionsConfig } from '../../src/config/schema.js';
import { buildRetraction } from '../../src/core/lifecycle/build-retraction.js';
import { buildMovementId } from '../../src/core/movement.js';
import { movementJobId } from '../../src/core/movement-job.js';
import type { Subscription } from '../../src/core/route/subscription.js';
import { evmNativeOut } from '../unit/alert/movements.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startScriptedReceiver, type ScriptedReceiver } from '../helpers/scripted-receiver.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  // Receivers first: closing one drops its hanging requests, so the engine then stops at once.
  for (const c of cleanups) await c();
  cleanups.length = 0;
});

async function setup(config: Partial<SubscriptionsConfig>, extra: { smtp?: SmtpCapture; resolveHost?: (h: string) => Promise<{ address: string; family: number }[]>; concurrency?: number } = {}) {
  const prefix = uniqueRedisPrefix('subs-engine');
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const engine: SubscriptionDeliveries = await startSubscriptionDeliveries({
    connection: redis,
    prefix,
    config: { ...DEFAULT_SUBSCRIPTIONS_CONFIG, allowHttp: true, allowPrivateTargets: ['127.0.0.0/8'], retryScheduleMs: [100, 100, 100], ...config },
    email: extra.smtp === undefined ? undefined : { smtpUrl: extra.smtp.url, from: 'chainwatch@example.com', to: ['ops@example.com'], subjectPrefix: '[chainwatch]', enabled: true },
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    ...(extra.resolveHost !== undefined ? { resolveHost: extra.resolveHost } : {}),
    ...(extra.concurrency !== undefined ? { concurrency: extra.concurrency } : {}),
  });
  cleanups.push(async () => {
    await engine.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });
  const subs = createSubscriptionStore(redis, prefix);
  const deliveries = createDeliveryStore(redis, prefix);
  const subscribe = async (id: string, url: string): Promise<Subscription> => {
    const at = new Date().toISOString();
    const sub: Subscription = { id, tenantId: 'ten_a', url, description: null, enabled: true, disabledReason: null, filters: {}, secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', createdAt: at }], createdAt: at, updatedAt: at, failingSince: null };
    await subs.save(sub);
    return sub;
  };
  return { engine, subs, deliveries, subscribe };
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

describe('subscription delivery engine', () => {
  it('checks the target again at every delivery and connects only to the address it checked', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const port = new URL(r.url).port;
    // DNS answers that the system resolver could never give: success proves the socket used our answer.
    const table: Record<string, string> = { 'receiver.test': '127.0.0.1', 'rebound.test': '10.0.0.5' };
    const { engine, deliveries, subscribe } = await setup({}, { resolveHost: (h) => Promise.resolve(table[h] === undefined ? [] : [{ address: table[h], family: 4 }]) });
    const good = await subscribe('sub_01', `http://receiver.test:${port}/hook`);
    const rebound = await subscribe('sub_02', `http://rebound.test:${port}/hook`);
    await engine.fanOut(movement(1), 'm1', new Date());
    await waitFor(() => r.received.length === 1, { what: 'delivery to the pinned address' });
    expect(r.received[0]!.headers.host).toBe(`receiver.test:${port}`);
    const failed = await waitFor(async () => {
      const page = await deliveries.list(rebound.id, { limit: 10 });
      return page.data[0]?.attempts ? page.data[0] : undefined;
    }, { what: 'refused delivery' });
    expect(failed.lastError).toContain('rebound.test resolves to 10.0.0.5 is a private (RFC 1918) address');
    expect(failed.lastStatusCode).toBeNull();
    // A batch writes its successes together (within a moment of the receiver answering), so wait for it.
    await waitFor(async () => (await deliveries.list(good.id, { limit: 10 })).data[0]?.status === 'succeeded', { what: 'success recorded' });
    expect(r.received).toHaveLength(1);
  });

  it('resolves a receiver host once per batch, and checks it again in the next batch (a rebinding answer is refused)', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const port = new URL(r.url).port;
    const lookups: string[] = [];
    let answer = '127.0.0.1';
    // Retries far away: only the batches' own lookups are counted.
    const { engine, deliveries, subscribe } = await setup({ retryScheduleMs: [600_000] }, { resolveHost: (h) => (lookups.push(h), Promise.resolve([{ address: answer, family: 4 }])) });
    const subs: Subscription[] = [];
    for (let i = 0; i < 5; i++) subs.push(await subscribe(`sub_1${i}`, `http://shared.test:${port}/hook`));
    await engine.fanOut(movement(10), 'm10', new Date());
    await waitFor(() => r.received.length === 5, { what: 'five deliveries to one host' });
    expect(lookups).toEqual(['shared.test']);
    expect(new Set(r.received.map((q) => q.headers.host))).toEqual(new Set([`shared.test:${port}`]));

    // The host now answers with a private address: the next batch asks DNS again and refuses it.
    answer = '10.0.0.7';
    await engine.fanOut(movement(11), 'm11', new Date());
    const refused = await waitFor(async () => {
      const recs = await Promise.all(subs.map(async (s) => (await deliveries.list(s.id, { limit: 1 })).data[0]));
      return recs.every((rec) => rec?.webhookId.startsWith('m11') && rec.attempts > 0) ? recs : undefined;
    }, { what: 'refused deliveries of the second batch' });
    for (const rec of refused) expect(rec!.lastError).toContain('shared.test resolves to 10.0.0.7');
    expect(lookups).toEqual(['shared.test', 'shared.test']);
    expect(r.received).toHaveLength(5);
  });

  it('disables a subscription that fails everything for too long and emails the operator', async () => {
    const smtp = await startSmtpCapture();
    cleanups.push(() => smtp.close());
    const r = await receiver(() => ({ status: 500 }));
    const { engine, subs, deliveries, subscribe } = await setup({ disableAfterFailingMs: 1 }, { smtp });
    const sub = await subscribe('sub_03', r.url);
    await engine.fanOut(movement(2), 'm2', new Date());
    const disabled = await waitFor(async () => {
      const s = await subs.get(sub.id);
      return s?.enabled === false ? s : undefined;
    }, { what: 'subscription disabled' });
    expect(disabled.disabledReason).toMatch(/^every delivery failed since /);
    const mail = await waitFor(() => smtp.messages[0], { what: 'operator email' });
    expect(mail.subject).toBe('[chainwatch] webhook subscription sub_03 disabled');
    expect(mail.text).toContain('ten_a');
    expect(mail.text).not.toContain('whsec_');
    const d = await waitFor(async () => {
      const page = await deliveries.list(sub.id, { status: 'dead', limit: 10 });
      return page.data[0];
    }, { what: 'dead delivery' });
    expect(d.lastError).toContain('disabled');
  });

  it('never lets a hanging endpoint delay another subscription (per-subscription in-flight cap)', async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver(() => ({ status: 200 }));
    const { engine, subscribe } = await setup({ concurrencyPerSubscription: 2, timeoutMs: 60_000 }, { concurrency: 4 });
    await subscribe('sub_04', slow.url);
    await subscribe('sub_05', fast.url);
    for (let i = 0; i < 8; i++) await engine.fanOut(movement(100 + i), `m${100 + i}`, new Date());
    await waitFor(() => fast.received.length === 8, { what: 'every fast delivery' });
    // The slow endpoint holds only its own two slots; its other six deliveries wait their turn.
    expect(slow.received.length).toBeLessThanOrEqual(2);
  });

  it('deletes settled delivery records past retention, also of deleted subscriptions, then forgets the deleted id', async () => {
    const { engine, subs, deliveries, subscribe } = await setup({ deliveryRetentionMs: 60_000 });
    const kept = await subscribe('sub_kept', 'http://127.0.0.1:9/hook');
    const gone = await subscribe('sub_gone', 'http://127.0.0.1:9/hook');
    const old = new Date(Date.now() - 3_600_000).toISOString();
    const rec = (id: string, sub: Subscription, createdAt: string) => ({ id, subscriptionId: sub.id, tenantId: sub.tenantId, webhookId: `wh-${id}`, type: 'movement.detected', createdAt, body: '{}' });
    await deliveries.createMany([rec('k-old', kept, old), rec('k-new', kept, new Date().toISOString()), rec('g-old', gone, old)]);
    for (const id of ['k-old', 'k-new', 'g-old']) await deliveries.update(id, { status: 'succeeded' });
    await subs.delete(gone);
    expect(await subs.listDeletedIds()).toEqual(['sub_gone']);

    expect(await engine.pruneOnce()).toBe(2);
    expect((await deliveries.list('sub_kept', { limit: 10 })).data.map((r) => r.id)).toEqual(['k-new']);
    expect(await deliveries.count('sub_gone')).toBe(0);
    expect(await subs.listDeletedIds()).toEqual([]);
  });
});

describe('lifecycle events to subscriptions (issue #10)', () => {
  it('the events filter picks the types; each event is recorded and sent with its own type and webhook-id', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const { engine, subs, deliveries, subscribe } = await setup({});
    const all = await subscribe('sub_0a', r.url);
    const onlyRetractions = await subscribe('sub_0b', r.url);
    await subs.save({ ...onlyRetractions, filters: { events: ['movement.reorged'] } });
    const detected = movement(7);
    const reorged = buildRetraction(detected, detected.blockHash!, new Date('2026-11-30T12:00:00Z'));
    expect(await engine.fanOut(detected, movementJobId(detected), new Date())).toBe(1);
    expect(await engine.fanOut(reorged, movementJobId(reorged), new Date())).toBe(2);
    await waitFor(() => r.received.length === 3, { what: 'three deliveries' });
    const sent = r.received.map((q) => [String(q.headers['webhook-id']), q.body.type]).sort();
    expect(sent).toEqual(
      [
        [`${movementJobId(detected)}-${all.id}`, 'movement.detected'],
        [`${movementJobId(reorged)}-${all.id}`, 'movement.reorged'],
        [`${movementJobId(reorged)}-${onlyRetractions.id}`, 'movement.reorged'],
      ].sort(),
    );
    expect((await deliveries.list(onlyRetractions.id, { limit: 10 })).data.map((d) => d.type)).toEqual(['movement.reorged']);
    expect((await deliveries.list(all.id, { limit: 10 })).data.map((d) => d.type).sort()).toEqual(['movement.detected', 'movement.reorged']);
  });
});
