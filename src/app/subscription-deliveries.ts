import { createHash, randomBytes } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EmailConfig, SubscriptionsConfig } from '../config/schema.js';
import { buildWebhookPayload } from '../core/alert/build-webhook-payload.js';
import { buildWebhookId } from '../core/alert/sign-webhook.js';
import type { Movement } from '../core/movement.js';
import { buildDeliveryId } from '../core/route/build-delivery-id.js';
import { computeSubscriptionRetryDelay, DEFAULT_RETRY_SCHEDULE_MS } from '../core/route/compute-subscription-retry-delay.js';
import { matchSubscription } from '../core/route/match-subscription.js';
import { signWithSecrets } from '../core/route/sign-with-secrets.js';
import type { Subscription } from '../core/route/subscription.js';
import { HttpTransportError, sendSafePost } from '../adapters/http/send-safe-post.js';
import { TargetRefusedError, type ResolveHost, type SafeTarget } from '../adapters/http/resolve-safe-target.js';
import { DELIVERY_WORKER_OPTIONS } from '../adapters/redis/delivery-worker-options.js';
import { createDeliveryStore, type DeliveryPatch, type DeliveryRecord, type DeliveryStore, type NewDelivery } from '../adapters/redis/delivery-store.js';
import { KEEP_COMPLETED } from '../adapters/redis/job-retention.js';
import { SUBSCRIPTION_DELIVERIES_QUEUE } from '../adapters/redis/queue-names.js';
import { createSubscriptionStore, type SubscriptionStore } from '../adapters/redis/subscription-store.js';
import { createEmailSender } from '../adapters/smtp/send-email.js';
import { WEBHOOK_USER_AGENT } from '../adapters/webhook/send-webhook.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export const DEFAULT_SUBSCRIPTIONS_CONFIG: SubscriptionsConfig = {
  allowHttp: false,
  allowPrivateTargets: [],
  maxRetryAfterMs: 6 * 60 * 60_000,
  timeoutMs: 15_000,
  concurrencyPerSubscription: 4,
  disableAfterFailingMs: 5 * 24 * 60 * 60_000,
  rateLimitPerMinute: 600,
};

/** Settled delivery records are kept as long as completed queue jobs (the dedupe window). */
export const DEFAULT_DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60_000;

/** One delivery (its first attempt when not batched, a retry, a replay, a ping). */
export interface SubscriptionDeliveryJobData {
  readonly v: 1;
  readonly deliveryId: string;
}

/** The first attempts of up to BATCH_SIZE deliveries of one movement; the records it owns are in its member set. */
export interface SubscriptionBatchJobData {
  readonly v: 1;
  readonly batchId: string;
}

type DeliveryJobData = SubscriptionDeliveryJobData | SubscriptionBatchJobData;

const BATCH_JOB = 'deliver-batch';
/** Deliveries per batch job: a fan-out to 1,000 subscriptions is ten jobs, not a thousand. */
export const BATCH_SIZE = 100;
/** Requests one batch job keeps in flight (each to a different subscription). */
const BATCH_CONCURRENCY = 32;
/** Batch ids start with this, so an owner id says which kind of job to (re)create. */
const BATCH_ID_PREFIX = 'bat_';

/** A batch's id from the deliveries it owns: the same fan-out run again makes the same batch (BullMQ dedupes it). */
export function buildBatchId(deliveryIds: readonly string[]): string {
  return `${BATCH_ID_PREFIX}${createHash('sha256').update(deliveryIds.join(',')).digest('hex').slice(0, 32)}`;
}

/** What the API and the fan-out both need to put deliveries on the queue. */
export interface DeliveryEnqueuer {
  /** Single deliveries; `delayMs` holds a retry until its time. An existing jobId is left alone. */
  enqueue(jobs: readonly { readonly deliveryId: string; readonly jobId: string; readonly delayMs?: number }[]): Promise<void>;
  /** Batch jobs by batch id (each reads its member set). An existing jobId is left alone. */
  enqueueBatches(batchIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export function createDeliveryEnqueuer(connection: Redis, prefix: string, logger: Logger): DeliveryEnqueuer {
  const queue = new Queue<DeliveryJobData>(SUBSCRIPTION_DELIVERIES_QUEUE, { connection, prefix });
  queue.on('error', (err) => logger.error({ err, component: 'queue subscription-deliveries' }, 'queue error'));
  const keep = { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_COMPLETED };
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      // One round trip for the whole lot; an existing jobId is ignored (dedupe while the job is kept).
      await queue.addBulk(jobs.map((j) => ({ name: 'deliver', data: { v: 1 as const, deliveryId: j.deliveryId }, opts: { jobId: j.jobId, ...keep, ...(j.delayMs !== undefined && j.delayMs > 0 ? { delay: j.delayMs } : {}) } })));
    },
    async enqueueBatches(batchIds) {
      if (batchIds.length === 0) return;
      // A batch that throws (Redis gone mid-way) runs again: what it had not settled is still pending and owned by it.
      await queue.addBulk(batchIds.map((batchId) => ({ name: BATCH_JOB, data: { v: 1 as const, batchId }, opts: { jobId: batchId, ...keep, attempts: 20, backoff: { type: 'exponential', delay: 1000 } } })));
    },
    close: () => queue.close(),
  };
}

export interface SubscriptionDeliveriesOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly config: SubscriptionsConfig;
  readonly email: EmailConfig | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly resolveHost?: ResolveHost;
  /** Worker slots shared by every subscription (default 64: each delivery mostly waits on Redis and the receiver). */
  readonly concurrency?: number;
}

export interface SubscriptionDeliveries {
  /** Fans one movement out to every matching subscription: a few round trips whatever their number. */
  fanOut(movement: Movement, movementJobId: string, timestamp: Date): Promise<number>;
  /** True while at least one tenant subscription is enabled (the alerter parks movements otherwise). */
  hasEnabledSubscriptions(): Promise<boolean>;
  /** Deletes settled delivery records past `deliveryRetentionMs` (runs hourly); returns how many. */
  pruneOnce(): Promise<number>;
  close(): Promise<void>;
}

const SLOT_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

/**
 * SLOT_SCRIPT for many slot sets in one call (a batch's deliveries): KEYS the slot sets, ARGV now,
 * expired-before, limit, ttl, then one member per key. Returns 1 or 0 per key.
 */
const SLOTS_SCRIPT = `
local got = {}
for i = 1, #KEYS do
  local key, member = KEYS[i], ARGV[4 + i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
  if redis.call('ZSCORE', key, member) then
    got[i] = 1
  elseif redis.call('ZCARD', key) < tonumber(ARGV[3]) then
    redis.call('ZADD', key, ARGV[1], member)
    redis.call('PEXPIRE', key, ARGV[4])
    got[i] = 1
  else
    got[i] = 0
  end
end
return got`;

/** Releases many slots in one call: KEYS the slot sets, ARGV one member per key. */
const RELEASE_SLOTS_SCRIPT = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[i]) end
return 1`;

/**
 * The delivery engine for tenant subscriptions. One job per (event,
 * subscription) on one shared queue; each attempt checks the target with the
 * SSRF guard and signs with every active secret. The worker holds at most
 * `concurrencyPerSubscription` attempts per subscription (a Redis slot set):
 * excess jobs are put back a moment later, so a slow or dead endpoint only ever
 * occupies its own few slots and never delays another subscription.
 * Retries follow the schedule in the delivery record (not BullMQ attempts), so
 * a replay restarts it and Retry-After can lengthen one wait.
 */
export async function startSubscriptionDeliveries(options: SubscriptionDeliveriesOptions): Promise<SubscriptionDeliveries> {
  const { connection, prefix, config, metrics } = options;
  const logger = options.logger.child({ component: 'subscriptions' });
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const schedule = config.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  const subscriptions = createSubscriptionStore(connection, prefix);
  const deliveries = createDeliveryStore(connection, prefix);
  const enqueuer = createDeliveryEnqueuer(connection, prefix, logger);
  const policy = { allowHttp: config.allowHttp, allowPrivateTargets: config.allowPrivateTargets, resolveHost: options.resolveHost };
  const slotKey = (subId: string): string => `${prefix}:sub-inflight:${subId}`;
  const slotTtlMs = config.timeoutMs + 30_000;
  const emailSender = options.email?.enabled === true ? createEmailSender(options.email.smtpUrl) : undefined;

  let cache: { version: string; subscriptions: readonly Subscription[] } | undefined;
  const currentSubscriptions = async (): Promise<readonly Subscription[]> => {
    const loaded = await subscriptions.loadAllIfChanged(cache?.version);
    if (loaded.subscriptions !== undefined) cache = { version: loaded.version, subscriptions: loaded.subscriptions };
    return cache?.subscriptions ?? [];
  };

  // EVALSHA (ioredis re-sends the script only after a NOSCRIPT): the script text is not written to Redis per delivery.
  if (!('chainwatchAcquireSlot' in connection)) connection.defineCommand('chainwatchAcquireSlot', { numberOfKeys: 1, lua: SLOT_SCRIPT });
  if (!('chainwatchAcquireSlots' in connection)) connection.defineCommand('chainwatchAcquireSlots', { lua: SLOTS_SCRIPT });
  if (!('chainwatchReleaseSlots' in connection)) connection.defineCommand('chainwatchReleaseSlots', { lua: RELEASE_SLOTS_SCRIPT });
  type SlotCommand = (...args: (string | number)[]) => Promise<unknown>;
  const slotScript = connection as Redis & { chainwatchAcquireSlot: SlotCommand; chainwatchAcquireSlots: SlotCommand; chainwatchReleaseSlots: SlotCommand };
  const acquireSlot = async (subId: string, jobId: string): Promise<boolean> => {
    const t = Date.now();
    const got = await slotScript.chainwatchAcquireSlot(slotKey(subId), t, t - slotTtlMs, config.concurrencyPerSubscription, jobId, slotTtlMs);
    return got === 1;
  };
  const releaseSlot = async (subId: string, jobId: string): Promise<void> => {
    await connection.zrem(slotKey(subId), jobId);
  };
  /** acquireSlot for a whole batch in one script call; true where the slot was taken. */
  const acquireSlots = async (wanted: readonly { subId: string; member: string }[]): Promise<boolean[]> => {
    if (wanted.length === 0) return [];
    const t = Date.now();
    const got = (await slotScript.chainwatchAcquireSlots(wanted.length, ...wanted.map(({ subId }) => slotKey(subId)), t, t - slotTtlMs, config.concurrencyPerSubscription, slotTtlMs, ...wanted.map(({ member }) => member))) as number[];
    return wanted.map((_, i) => got[i] === 1);
  };
  /** releaseSlot for many in one script call (a ZREM each). */
  const releaseSlots = async (held: readonly { subId: string; member: string }[]): Promise<void> => {
    if (held.length === 0) return;
    await slotScript.chainwatchReleaseSlots(held.length, ...held.map(({ subId }) => slotKey(subId)), ...held.map(({ member }) => member));
  };

  const disable = async (sub: Subscription, reason: string): Promise<void> => {
    const fresh = (await subscriptions.get(sub.id)) ?? sub;
    if (!fresh.enabled) return;
    await subscriptions.save({ ...fresh, enabled: false, disabledReason: reason, updatedAt: now().toISOString() });
    logger.warn({ subscription_id: sub.id, tenant_id: sub.tenantId, reason }, 'subscription disabled');
  };

  const notifyOperator = async (sub: Subscription, reason: string): Promise<void> => {
    if (emailSender === undefined || options.email === undefined) return;
    const text = `chainwatch disabled webhook subscription ${sub.id} of tenant ${sub.tenantId}: ${reason}.\n\nIts deliveries are kept as dead and can be replayed once the receiver works and the tenant re-enables the subscription (PATCH /v1/subscriptions/${sub.id} {"enabled": true}).\n`;
    try {
      await emailSender.send({ from: options.email.from, to: options.email.operatorTo ?? options.email.to, subject: `${options.email.subjectPrefix} webhook subscription ${sub.id} disabled`, text, html: `<p>${text.replace(/\n/g, '<br>')}</p>` });
    } catch (err) {
      logger.error({ err, subscription_id: sub.id }, 'could not email the operator about a disabled subscription');
    }
  };

  /** Records a failed attempt; returns the delay before the next one, or undefined when the delivery is dead. */
  const recordFailure = async (rec: DeliveryRecord, sub: Subscription, outcome: FailedSend, ownership: { jobId?: string } = {}): Promise<number | undefined> => {
    const at = now();
    const attempts = rec.attempts + 1;
    metrics.deliveryFailures.inc({ channel: 'subscription', target: 'subscriptions' });
    let dead = outcome.final;
    // A subscription that has failed everything for days is switched off and the operator told.
    const failingSince = sub.failingSince ?? at.toISOString();
    if (sub.failingSince === null) await subscriptions.save({ ...((await subscriptions.get(sub.id)) ?? sub), failingSince });
    else if (at.getTime() - Date.parse(failingSince) >= config.disableAfterFailingMs) {
      const reason = `every delivery failed since ${failingSince}`;
      await disable(sub, reason);
      await notifyOperator(sub, reason);
      dead ??= 'subscription disabled after failing for too long';
    }
    const delay = dead === undefined ? computeSubscriptionRetryDelay({ schedule, attemptsMade: attempts, random: random(), retryAfterMs: outcome.retryAfterMs, maxRetryAfterMs: config.maxRetryAfterMs }) : undefined;
    const status = delay === undefined ? 'dead' : 'failed';
    await deliveries.update(rec.id, {
      status,
      attempts,
      lastStatusCode: outcome.status,
      lastError: dead !== undefined && dead !== outcome.error ? `${outcome.error} (${dead})` : outcome.error,
      latencyMs: outcome.latencyMs,
      nextAttemptAt: delay === undefined ? null : new Date(at.getTime() + delay).toISOString(),
      ...ownership,
    });
    logger.warn({ delivery_id: rec.id, subscription_id: sub.id, attempt: attempts, status_code: outcome.status, err: { message: outcome.error }, retry_in_ms: delay ?? null }, delay === undefined ? 'subscription delivery dead' : 'subscription delivery failed; will retry');
    return delay;
  };

  /** One signed POST; says what happened, without writing anything. A 410 disables the subscription at once. */
  const sendOnce = async (rec: DeliveryRecord, sub: Subscription, checkedTargets?: Map<string, Promise<SafeTarget>>): Promise<SendOutcome> => {
    // Bodies are JSON objects, never empty: '' means its stored copy is gone (Redis evicting keys despite noeviction).
    if (rec.body === '') return { ok: false, status: null, error: 'the stored body of this delivery is missing', final: 'nothing to send', latencyMs: null };
    const at = now();
    const headers = signWithSecrets({ secrets: sub.secrets, id: rec.webhookId, timestampSeconds: Math.floor(at.getTime() / 1000), body: rec.body, now: at });
    let result;
    try {
      result = await sendSafePost({ url: sub.url, headers: { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT, ...headers }, body: rec.body, timeoutMs: config.timeoutMs, policy, ...(checkedTargets !== undefined ? { checkedTargets } : {}) });
    } catch (err) {
      if (err instanceof TargetRefusedError || err instanceof HttpTransportError) return { ok: false, status: null, error: err.message, latencyMs: null };
      throw err;
    }
    const { status, headers: res, latencyMs } = result;
    if (status >= 200 && status < 300) return { ok: true, status, latencyMs };
    let final: string | undefined;
    if (status === 410) {
      final = 'receiver answered 410 Gone; subscription disabled';
      await disable(sub, 'the receiver answered 410 Gone');
    } else if ((res['webhook-delivery'] ?? '').toLowerCase() === 'abort-message') {
      final = 'receiver asked to stop retrying this message (webhook-delivery: abort-message)';
    }
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfterMs(res['retry-after'], now()) : undefined;
    const error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
    return { ok: false, status, error, retryAfterMs, final, latencyMs };
  };

  const succeededPatch = (rec: DeliveryRecord, outcome: { status: number; latencyMs: number }) =>
    ({ status: 'succeeded' as const, attempts: rec.attempts + 1, lastStatusCode: outcome.status, lastError: null, latencyMs: outcome.latencyMs, nextAttemptAt: null });
  /** Counted once per write of outcomes: prom-client validates the labels at every inc. */
  const countSuccesses = (n: number): void => metrics.deliveries.inc({ channel: 'subscription', target: 'subscriptions' }, n);
  const logSuccess = (rec: DeliveryRecord, sub: Subscription, outcome: { status: number; latencyMs: number }): void => {
    logger.debug({ delivery_id: rec.id, subscription_id: sub.id, status_code: outcome.status, duration_ms: outcome.latencyMs }, 'subscription delivery succeeded');
  };

  const attempt = async (job: Job<SubscriptionDeliveryJobData>, token: string | undefined): Promise<void> => {
    const rec = await deliveries.get(job.data.deliveryId);
    if (rec === undefined) return;
    if (rec.status === 'succeeded' || rec.status === 'dead') return; // an old job of a finished record
    if (rec.jobId !== String(job.id)) return; // superseded by a replay: only the newest job sends
    const sub = await subscriptions.get(rec.subscriptionId);
    if (sub === undefined || !sub.enabled) {
      await deliveries.update(rec.id, { status: 'dead', lastError: sub === undefined ? 'subscription deleted' : 'subscription disabled', nextAttemptAt: null });
      return;
    }
    const jobId = String(job.id);
    if (!(await acquireSlot(sub.id, jobId))) {
      // This subscription already has its share of attempts in flight: try again shortly.
      await job.moveToDelayed(Date.now() + 100 + Math.floor(random() * 400), token);
      throw new DelayedError();
    }
    let delay: number | undefined;
    try {
      const outcome = await sendOnce(rec, sub);
      if (outcome.ok) {
        await deliveries.updateMany([{ before: rec, patch: succeededPatch(rec, outcome) }]);
        if (sub.failingSince !== null) {
          const fresh = await subscriptions.get(sub.id);
          if (fresh !== undefined) await subscriptions.save({ ...fresh, failingSince: null });
        }
        countSuccesses(1);
        logSuccess(rec, sub, outcome);
      } else {
        delay = await recordFailure(rec, sub, outcome);
      }
    } finally {
      await releaseSlot(sub.id, jobId);
    }
    if (delay !== undefined) {
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  };

  /** Makes sure the job that owns each unsettled record exists (idempotent: BullMQ ignores a known jobId). */
  const ensureOwners = async (records: readonly DeliveryRecord[]): Promise<void> => {
    const unsettled = records.filter((r) => r.status === 'pending' || r.status === 'failed');
    const batches = [...new Set(unsettled.filter((r) => r.jobId.startsWith(BATCH_ID_PREFIX)).map((r) => r.jobId))];
    const singles = unsettled.filter((r) => !r.jobId.startsWith(BATCH_ID_PREFIX));
    const at = now().getTime();
    await enqueuer.enqueueBatches(batches);
    await enqueuer.enqueue(singles.map((r) => ({ deliveryId: r.id, jobId: r.jobId, delayMs: r.nextAttemptAt === null ? 0 : Date.parse(r.nextAttemptAt) - at })));
  };

  /** Passes records from a batch to one job each (their own id): the job that retries, waits for a slot, or hits an unexpected error. */
  const handOff = async (records: readonly DeliveryRecord[], delayMs: (rec: DeliveryRecord) => number): Promise<void> => {
    if (records.length === 0) return;
    // Ownership first: a crash before the jobs are added leaves records that the batch, run again, re-enqueues.
    await deliveries.updateMany(records.map((rec) => ({ before: rec, patch: { jobId: rec.id } })));
    await enqueuer.enqueue(records.map((rec) => ({ deliveryId: rec.id, jobId: rec.id, delayMs: delayMs(rec) })));
  };

  /**
   * A batch: the first attempt of each delivery it owns, up to BATCH_CONCURRENCY at once over the keep-alive
   * pool. Successes are written together (group commit: one pipelined round trip carries all that finished
   * while the previous one was in flight); each failure is
   * recorded as before and handed to a job of its own, which retries on the usual schedule. Run again
   * (a crash, a stall), it sends only what is still pending and owned by it, under the same webhook-id.
   */
  const deliverBatch = async (batchId: string): Promise<void> => {
    const ids = await deliveries.listBatch(batchId);
    const records = (await deliveries.getMany(ids)).filter((r): r is DeliveryRecord => r !== undefined);
    const owned = records.filter((r) => r.jobId === batchId && (r.status === 'pending' || r.status === 'failed'));
    await ensureOwners(records.filter((r) => r.jobId !== batchId));
    const subs = await subscriptions.getMany([...new Set(owned.map((r) => r.subscriptionId))]);
    const gone: { before: DeliveryRecord; patch: DeliveryPatch }[] = [];
    const failing: DeliveryRecord[] = [];
    const ready: { rec: DeliveryRecord; sub: Subscription }[] = [];
    for (const rec of owned) {
      const sub = subs.get(rec.subscriptionId);
      if (sub === undefined || !sub.enabled) gone.push({ before: rec, patch: { status: 'dead', lastError: sub === undefined ? 'subscription deleted' : 'subscription disabled', nextAttemptAt: null } });
      // A receiver already failing would hold the batch up to timeoutMs: it gets a job of its own.
      else if (sub.failingSince !== null) failing.push(rec);
      else ready.push({ rec, sub });
    }
    await deliveries.updateMany(gone);
    const slots = await acquireSlots(ready.map(({ rec, sub }) => ({ subId: sub.id, member: rec.id })));
    const busy = ready.filter((_, i) => !slots[i]).map(({ rec }) => rec);
    const sending = ready.filter((_, i) => slots[i]);
    await handOff([...failing, ...busy], () => 100 + Math.floor(random() * 400));

    // Each receiver URL is resolved and checked once for the batch; sockets still connect only to the checked address.
    const checkedTargets = new Map<string, Promise<SafeTarget>>();
    let batchFailure: unknown;
    const flusher = createGroupWriter<{ rec: DeliveryRecord; sub: Subscription; outcome: { status: number; latencyMs: number } }>(async (done) => {
      try {
        await Promise.all([
          deliveries.updateMany(done.map(({ rec, outcome }) => ({ before: rec, patch: succeededPatch(rec, outcome) }))),
          releaseSlots(done.map(({ rec, sub }) => ({ subId: sub.id, member: rec.id }))),
        ]);
        countSuccesses(done.length);
        for (const { rec, sub, outcome } of done) logSuccess(rec, sub, outcome);
      } catch (err) {
        // Not written: those records stay pending and owned by this batch, which throws below and runs again.
        batchFailure ??= err;
      }
    });
    await forEachConcurrently(sending, BATCH_CONCURRENCY, async ({ rec, sub }) => {
      try {
        const outcome = await sendOnce(rec, sub, checkedTargets);
        if (outcome.ok) return flusher.add({ rec, sub, outcome });
        const delay = await recordFailure(rec, sub, outcome, { jobId: rec.id });
        if (delay !== undefined) await enqueuer.enqueue([{ deliveryId: rec.id, jobId: rec.id, delayMs: delay }]);
        await releaseSlot(sub.id, rec.id);
      } catch (err) {
        logger.error({ err, delivery_id: rec.id, subscription_id: sub.id }, 'subscription delivery failed unexpectedly; handed to a job of its own');
        try {
          await releaseSlot(sub.id, rec.id);
          const fresh = await deliveries.get(rec.id);
          if (fresh?.jobId === batchId) await handOff([fresh], () => 1000);
          else if (fresh !== undefined) await ensureOwners([fresh]); // failure recorded, its retry job maybe not added
        } catch (e) {
          // Redis is failing too: the batch throws below and runs again, which finds this record pending or owned elsewhere.
          batchFailure ??= e;
        }
      }
    });
    await flusher.flush();
    if (batchFailure !== undefined) throw batchFailure instanceof Error ? batchFailure : new Error('writing delivery outcomes failed', { cause: batchFailure });
    await deliveries.deleteBatch(batchId);
    logger.info({ batch_id: batchId, delivered: sending.length, handed_off: failing.length + busy.length, dead: gone.length }, 'subscription delivery batch done');
  };

  const processJob = async (job: Job<DeliveryJobData>, token: string | undefined): Promise<void> => {
    if ('batchId' in job.data) return deliverBatch(String(job.id));
    return attempt(job as Job<SubscriptionDeliveryJobData>, token);
  };

  const worker = new Worker<DeliveryJobData>(SUBSCRIPTION_DELIVERIES_QUEUE, processJob, { connection, prefix, concurrency: options.concurrency ?? 64, ...DELIVERY_WORKER_OPTIONS });
  worker.on('error', (err) => logger.error({ err, component: 'worker subscription-deliveries' }, 'worker error'));
  await worker.waitUntilReady();

  // Delivery records are the tenants' log and replay source; without retention they would grow Redis forever.
  const pruneOnce = async (): Promise<number> => {
    const before = new Date(now().getTime() - (config.deliveryRetentionMs ?? DEFAULT_DELIVERY_RETENTION_MS));
    let pruned = 0;
    const live = ((await subscriptions.loadAllIfChanged(undefined)).subscriptions ?? []).map((sub) => sub.id);
    const deleted = await subscriptions.listDeletedIds();
    for (const id of [...live, ...deleted]) {
      for (let n = -1; n !== 0; ) {
        n = await deliveries.prune(id, before);
        pruned += n;
      }
    }
    // A deleted subscription is forgotten once retention has removed its last record.
    for (const id of deleted) if ((await deliveries.count(id)) === 0) await subscriptions.forgetDeleted(id);
    if (pruned > 0) logger.info({ pruned, before: before.toISOString() }, 'old delivery records deleted');
    return pruned;
  };
  const pruneTimer = setInterval(() => void pruneOnce().catch((err: unknown) => logger.warn({ err }, 'pruning delivery records failed; will retry')), 3_600_000);
  pruneTimer.unref();

  return {
    async fanOut(movement, movementJobId, timestamp) {
      const subs = await currentSubscriptions();
      const batched: NewDelivery[] = [];
      const single: NewDelivery[] = [];
      // The body depends only on the entries the tenant may see: built once per tenant, not per subscription.
      const bodies = new Map<string, string>();
      const type = movement.event ?? 'movement.detected';
      const createdAt = timestamp.toISOString();
      for (const sub of subs) {
        if (!sub.enabled) continue;
        const refs = matchSubscription(movement, sub.filters, sub.tenantId);
        if (refs === undefined) continue;
        const webhookId = buildWebhookId(movementJobId, sub.id);
        let body = bodies.get(sub.tenantId);
        if (body === undefined) bodies.set(sub.tenantId, (body = JSON.stringify(buildWebhookPayload({ ...movement, watchlist: refs }, timestamp))));
        const rec: NewDelivery = { id: buildDeliveryId(webhookId), subscriptionId: sub.id, tenantId: sub.tenantId, webhookId, type, createdAt, body };
        // A receiver already failing gets a job of its own, so it never holds up a batch of healthy ones.
        (sub.failingSince === null ? batched : single).push(rec);
      }
      const records: NewDelivery[] = [...single];
      for (let i = 0; i < batched.length; i += BATCH_SIZE) {
        const chunk = batched.slice(i, i + BATCH_SIZE);
        const batchId = buildBatchId(chunk.map((r) => r.id));
        for (const r of chunk) records.push({ ...r, jobId: batchId, batchId });
      }
      if (records.length === 0) return 0;
      const created = await deliveries.createMany(records);
      await enqueuer.enqueueBatches([...new Set(records.filter((r) => r.batchId !== undefined && created.has(r.id)).map((r) => r.batchId!))]);
      await enqueuer.enqueue(records.filter((r) => r.batchId === undefined && created.has(r.id)).map((r) => ({ deliveryId: r.id, jobId: r.id })));
      // Records that already existed (this fan-out ran before, then crashed or was redelivered) keep their owner job.
      const existing = records.filter((r) => !created.has(r.id));
      if (existing.length > 0) await ensureOwners((await deliveries.getMany(existing.map((r) => r.id))).filter((r): r is DeliveryRecord => r !== undefined));
      logger.info({ movement_id: movement.id, subscriptions: records.length }, 'movement fanned out to subscriptions');
      return records.length;
    },
    pruneOnce,
    async hasEnabledSubscriptions() {
      return (await currentSubscriptions()).some((sub) => sub.enabled);
    },
    async close() {
      clearInterval(pruneTimer);
      await worker.close();
      await enqueuer.close();
      emailSender?.close();
    },
  };
}

/** Queues a replay of existing records: same record, same webhook-id, schedule restarted. */
export async function replayDeliveries(store: DeliveryStore, enqueuer: DeliveryEnqueuer, records: readonly DeliveryRecord[]): Promise<number> {
  const jobs: { deliveryId: string; jobId: string }[] = [];
  for (const rec of records) {
    const replays = rec.replays + 1;
    const jobId = `${rec.id}-r${replays}-${randomBytes(3).toString('hex')}`;
    await store.update(rec.id, { status: 'pending', attempts: 0, replays, nextAttemptAt: null, jobId });
    jobs.push({ deliveryId: rec.id, jobId });
  }
  await enqueuer.enqueue(jobs);
  return jobs.length;
}

export type { SubscriptionStore };

interface FailedSend {
  readonly ok: false;
  readonly status: number | null;
  readonly error: string;
  readonly retryAfterMs?: number | undefined;
  readonly final?: string | undefined;
  readonly latencyMs: number | null;
}
type SendOutcome = { readonly ok: true; readonly status: number; readonly latencyMs: number } | FailedSend;

/** Runs `fn` over `items`, at most `limit` at once; `fn` must not throw. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Group commit: the first item is written at once; items that arrive while a write is in flight are written
 * together by the next one. An idle receiver's outcome is visible one round trip after it answered, and under
 * load each write carries everything that finished meanwhile. `write` must not throw.
 */
function createGroupWriter<T>(write: (items: readonly T[]) => Promise<void>): { add(item: T): void; flush(): Promise<void> } {
  let pending: T[] = [];
  let writing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (pending.length > 0) {
      const items = pending;
      pending = [];
      await write(items);
    }
    writing = undefined;
  };
  return {
    add(item) {
      pending.push(item);
      writing ??= drain();
    },
    async flush() {
      while (writing !== undefined || pending.length > 0) {
        writing ??= drain();
        await writing;
      }
    },
  };
}

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
function parseRetryAfterMs(value: string | undefined, at: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const t = Date.parse(trimmed);
  return Number.isNaN(t) ? undefined : Math.max(0, t - at.getTime());
}
