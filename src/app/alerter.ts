import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings, WebhookConfig } from '../config/schema.js';
import { PermanentError } from '../core/errors.js';
import { movementJobId, parseMovementJob } from '../core/movement-job.js';
import { buildDeliveryJob, parseDeliveryJob, type DeliveryJobData } from '../core/alert/delivery-job.js';
import { planDeliveries } from '../core/alert/plan-deliveries.js';
import { buildWebhookPayload } from '../core/alert/build-webhook-payload.js';
import { buildWebhookId } from '../core/alert/sign-webhook.js';
import { DEFAULT_RETRY_POLICY, computeRetryDelay, type RetryPolicy } from '../core/alert/compute-retry-delay.js';
import { MOVEMENTS_QUEUE, webhookQueueName } from '../adapters/redis/queue-names.js';
import { KEEP_COMPLETED, KEEP_FAILED } from '../adapters/redis/job-retention.js';
import { DELIVERY_WORKER_OPTIONS } from '../adapters/redis/delivery-worker-options.js';
import { sendWebhook } from '../adapters/webhook/send-webhook.js';
import type { Movement } from '../core/movement.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { createParkedMovementStore } from '../adapters/redis/parked-movement-store.js';
import { createUndeliverableMovements } from './undeliverable-movements.js';
import { startEmailDispatch } from './email-dispatch.js';

export interface StartAlerterOptions {
  readonly settings: Settings;
  /** Shared ioredis connection (maxRetriesPerRequest: null); the caller closes it. */
  readonly connection: Redis;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Clock (fan-out time, webhook-timestamp). */
  readonly now?: () => Date;
  /** Delivery retry policy; tests shrink baseDelayMs. */
  readonly backoff?: Partial<RetryPolicy>;
  /** Shorthand for backoff.baseDelayMs (what run-chainwatch passes). */
  readonly backoffMs?: number;
  /** Parallel deliveries per webhook endpoint (default 4). Email is sent one at a time. */
  readonly webhookConcurrency?: number;
  /** How often a movement parked for want of a channel is re-checked (default 60 s). */
  readonly parkRecheckMs?: number;
  /** Further fan-out of every movement (tenant subscriptions, issue #9); a throw retries the movement job. */
  readonly onMovement?: (movement: Movement, movementJobId: string, timestamp: Date) => Promise<unknown>;
  /**
   * Called first for every movement job, before any delivery or parking: the dashboard's movement
   * history (issue #12). Must be idempotent (a retried job calls it again); a throw retries the job.
   */
  readonly recordMovement?: (movement: Movement, movementJobId: string, timestamp: Date) => Promise<unknown>;
  /** Whether onMovement has anywhere to deliver (an enabled tenant subscription exists); absent = no. */
  readonly hasOtherChannels?: () => Promise<boolean>;
}

export interface Alerter {
  close(): Promise<void>;
}

/** bullmq backoff type routed to our own strategy (Worker settings.backoffStrategy). */
const BACKOFF_TYPE = 'chainwatch';
const DELIVERY_JOB_NAME = 'deliver';
/** How long a lifecycle event waits before looking again whether its detection has been fanned out. */
const LIFECYCLE_WAIT_MS = 1_000;

/**
 * The alerter role: a worker on `movements` fans every movement out into one
 * email job and one job per enabled webhook (deterministic ids, so a fan-out
 * re-run enqueues nothing twice); a worker per delivery queue sends them with
 * capped exponential backoff. Permanent failures become bullmq
 * UnrecoverableError and stay in the failed set for the operator.
 * Settings are read once at start.
 */
export async function startAlerter(options: StartAlerterOptions): Promise<Alerter> {
  const { settings, connection, metrics } = options;
  const logger = options.logger.child({ role: 'alerter' });
  const now = options.now ?? (() => new Date());
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(options.backoffMs !== undefined ? { baseDelayMs: options.backoffMs } : {}),
    ...options.backoff,
  };
  const prefix = settings.redis.prefix;

  const queues: Queue[] = [];
  const workers: Worker[] = [];
  const onError = (component: string) => (err: Error) => logger.error({ err, component }, 'queue error');

  const openQueue = (name: string): Queue => {
    const q = new Queue(name, { connection, prefix });
    q.on('error', onError(`queue ${name}`));
    queues.push(q);
    return q;
  };

  const deliveryJobOptions = (jobId: string) => ({
    jobId,
    attempts: policy.attempts,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  });

  const backoffStrategy = (attemptsMade: number, _type?: string, err?: Error): number =>
    computeRetryDelay(policy, attemptsMade, retryAfterMsOf(err));

  const email = settings.email !== undefined && settings.email.enabled ? settings.email : undefined;
  const enabledWebhooks = settings.webhooks.filter((w) => w.enabled);
  const webhookQueues = new Map<string, Queue>(enabledWebhooks.map((w) => [w.id, openQueue(webhookQueueName(w.id))]));

  /** Runs one delivery attempt; counts and translates the outcome for bullmq. */
  const deliver = async (channel: 'email' | 'webhook', target: string, job: Job, send: () => Promise<void>): Promise<void> => {
    const fields = { channel, target, job_id: job.id, attempt: job.attemptsMade + 1 };
    try {
      await send();
      metrics.deliveries.inc({ channel, target });
      logger.info(fields, 'alert delivered');
    } catch (err) {
      metrics.deliveryFailures.inc({ channel, target });
      if (err instanceof PermanentError) {
        logger.error({ ...fields, err }, 'alert delivery failed permanently; job kept in the failed set');
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn({ ...fields, err, will_retry: !final }, final ? 'alert delivery failed after the last attempt; job kept in the failed set' : 'alert delivery failed; will retry');
      throw err;
    }
  };

  const openWorker = (name: string, concurrency: number, processor: (job: Job, token?: string) => Promise<void>): Worker => {
    const w = new Worker(name, processor, { connection, prefix, concurrency, ...DELIVERY_WORKER_OPTIONS, settings: { backoffStrategy } });
    w.on('error', onError(`worker ${name}`));
    workers.push(w);
    return w;
  };

  // Issue #8: routes, groups and digests live in email-dispatch.ts.
  const emailDispatch =
    email === undefined
      ? undefined
      : await startEmailDispatch({ settings, email, connection, logger, metrics, backoffStrategy, jobOptions: { attempts: policy.attempts, backoff: { type: BACKOFF_TYPE } } });

  for (const webhook of enabledWebhooks) {
    openWorker(webhookQueueName(webhook.id), options.webhookConcurrency ?? 4, async (job) => {
      const d = parseJob(job, parseDeliveryJob);
      await deliver('webhook', webhook.id, job, () => sendOneWebhook(webhook, d.movementJobId, d, now()));
    });
  }

  const movementsQueue = openQueue(MOVEMENTS_QUEUE);
  // A movement with no channel to go to stays pending (issue #7): see undeliverable-movements.ts.
  const undeliverable = createUndeliverableMovements({
    store: createParkedMovementStore(connection, prefix),
    queue: movementsQueue,
    metrics,
    logger,
    ...(options.parkRecheckMs !== undefined ? { recheckMs: options.parkRecheckMs } : {}),
  });

  openWorker(MOVEMENTS_QUEUE, 4, async (job, token) => {
    const movement = parseJob(job, parseMovementJob);
    const key = movementJobId(movement);
    const timestamp = now();
    await options.recordMovement?.(movement, key, timestamp);
    const data: DeliveryJobData = buildDeliveryJob(key, movement, timestamp);
    // A tenant's own addresses alert that tenant only, never the operator's channels.
    const operatorSees = movement.watchlist.some((r) => r.owner === undefined || !r.owner.startsWith('tenant:'));
    const plan = planDeliveries(key, { email, webhooks: enabledWebhooks });
    // Tenant subscriptions are a channel too: park only when nothing at all could take the movement.
    if (plan.length === 0 && !(await (options.hasOtherChannels?.() ?? Promise.resolve(false)))) return undeliverable.park(job, token);
    // A lifecycle event never overtakes its detection (both may wait in the queue after an outage): receivers and
    // the email thread see the detection first. It waits in the delayed set, spending no attempt, however long that is.
    if (movement.event !== undefined && movement.event !== 'movement.detected') {
      const originalKey = movementJobId({ id: movement.id, confirmations: movement.confirmations, ...(movement.redetectedIn !== undefined ? { redetectedIn: movement.redetectedIn } : {}) });
      const state = await movementsQueue.getJobState(originalKey);
      if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
        logger.info({ movement_id: movement.id, event: movement.event, original_job_id: originalKey, original_state: state }, 'lifecycle event waits for its detection to be fanned out');
        await job.moveToDelayed(Date.now() + LIFECYCLE_WAIT_MS, token);
        throw new DelayedError();
      }
    }
    for (const planned of operatorSees ? plan : []) {
      // Lifecycle events reach email as follow-ups in the original's thread (email-dispatch decides which routes).
      if (planned.channel === 'email' && emailDispatch !== undefined) {
        await emailDispatch.accept(movement, key, timestamp);
        continue;
      }
      const queue = webhookQueues.get(planned.target);
      if (queue === undefined) {
        logger.warn({ movement_id: movement.id, channel: planned.channel, target: planned.target }, 'no delivery queue for this target; skipped');
        continue;
      }
      // Same jobId as an existing (even completed) job: bullmq ignores the add. That is the dedupe.
      await queue.add(DELIVERY_JOB_NAME, data, deliveryJobOptions(planned.jobId));
    }
    await options.onMovement?.(movement, key, timestamp);
    await undeliverable.fannedOut(String(job.id));
    logger.info({ movement_id: movement.id, job_id: key, chain: movement.chain, tx_hash: movement.txHash }, 'movement fanned out');
  });

  await Promise.all([...workers.map((w) => w.waitUntilReady()), ...queues.map((q) => q.waitUntilReady())]);
  await undeliverable.start(planDeliveries('probe', { email, webhooks: enabledWebhooks }).length > 0);
  logger.info({ webhooks: enabledWebhooks.map((w) => w.id), email: email !== undefined }, 'alerter started');

  return {
    async close(): Promise<void> {
      // Workers first: they finish their active jobs, then stop taking new ones.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
      await emailDispatch?.close();
      logger.info('alerter stopped');
    },
  };
}

async function sendOneWebhook(webhook: WebhookConfig, key: string, d: { timestamp: Date; movement: Parameters<typeof buildWebhookPayload>[0] }, at: Date): Promise<void> {
  const body = JSON.stringify(buildWebhookPayload(d.movement, d.timestamp));
  await sendWebhook({
    webhookId: webhook.id,
    url: webhook.url,
    secret: webhook.secret,
    deliveryId: buildWebhookId(key, webhook.id),
    body,
    timeoutMs: webhook.timeoutMs,
    now: at,
  });
}

/** Bad job data never gets better: fail the job once, keep it in the failed set. */
function parseJob<T>(job: Job, parse: (data: unknown) => T): T {
  try {
    return parse(job.data);
  } catch (err) {
    if (err instanceof PermanentError) throw new UnrecoverableError(`${err.code}: ${err.message} (job ${String(job.id)})`);
    throw err;
  }
}

/** A retryable adapter error may carry the receiver's Retry-After (see WebhookRetryableError). */
function retryAfterMsOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'retryAfterMs' in err && typeof err.retryAfterMs === 'number') return err.retryAfterMs;
  return undefined;
}
