import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EmailConfig, Settings } from '../config/schema.js';
import { buildDeliveryJob, parseDeliveryJob } from '../core/alert/delivery-job.js';
import { buildDigestMessageIds, digestJobId, parseDigestJob, DIGEST_JOB_VERSION, type DigestJobData } from '../core/alert/digest-job.js';
import { buildLifecycleMessageId, lifecycleJobId, parseLifecycleEmailJob, LIFECYCLE_JOB_VERSION, type LifecycleEmailJobData } from '../core/alert/lifecycle-email-job.js';
import { renderDigest } from '../core/alert/render-digest.js';
import { renderLifecycleEmail } from '../core/alert/render-lifecycle-email.js';
import { movementJobId as deliveryKeyOf } from '../core/movement-job.js';
import { sanitizeHeaderValue } from '../core/alert/sanitize-header-value.js';
import { PermanentError } from '../core/errors.js';
import type { Movement } from '../core/movement.js';
import { buildEmailGroup } from '../core/route/build-email-group.js';
import { routeWantsEvent, type EmailDestination, type EmailPolicy, type EmailRoute } from '../core/route/email-route.js';
import { routeEmail } from '../core/route/route-email.js';
import { createEmailGroupStore, type SealedBatch } from '../adapters/redis/email-groups.js';
import { KEEP_COMPLETED, KEEP_FAILED } from '../adapters/redis/job-retention.js';
import { DELIVERY_WORKER_OPTIONS } from '../adapters/redis/delivery-worker-options.js';
import { EMAIL_QUEUE } from '../adapters/redis/queue-names.js';
import { createEmailSender } from '../adapters/smtp/send-email.js';
import type { Logger } from './logger.js';
import { emailGroupingCounters, emailPermanentFailureCounter, type Metrics } from './metrics-alerts.js';

/** Job name of a lifecycle follow-up on the `email` queue (digests are `digest`). */
const LIFECYCLE_JOB_NAME = 'lifecycle';

export const DEFAULT_EMAIL_POLICY: EmailPolicy = { minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 30_000, groupIntervalMs: 300_000 };

export interface EmailDispatchOptions {
  readonly settings: Settings;
  readonly email: EmailConfig;
  readonly connection: Redis;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Same retry options as every delivery queue (attempts, backoff type); the worker uses the alerter's strategy. */
  readonly jobOptions: { readonly attempts: number; readonly backoff: { readonly type: string } };
  readonly backoffStrategy: (attemptsMade: number, type?: string, err?: Error) => number;
  readonly nowMs?: () => number;
}

export interface EmailDispatch {
  /**
   * Routes a fanned-out movement to its email groups (nothing below minSeverity). Idempotent per movement key.
   * A lifecycle event (issue #10) becomes a follow-up email in the thread of each group the original went to.
   */
  accept(movement: Movement, movementJobId: string, timestamp: Date): Promise<void>;
  /** Seals every due group into its email job now (the flusher loop calls it; tests too). */
  flush(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Email side of the alerter (issue #8): routes (core/route), Alertmanager-like
 * groups kept in Redis (adapters/redis/email-groups), one BullMQ job per group
 * email with a deterministic id and fixed content, a worker that renders the
 * digest and sends it threaded under the group's first email.
 */
export async function startEmailDispatch(options: EmailDispatchOptions): Promise<EmailDispatch> {
  const { settings, email, connection, metrics } = options;
  const logger = options.logger.child({ component: 'email' });
  const prefix = settings.redis.prefix;
  const policy: EmailPolicy = { ...DEFAULT_EMAIL_POLICY, ...settings.alerts?.email };
  const routes: readonly EmailRoute[] = email.routes ?? [];
  const nowMs = options.nowMs ?? (() => Date.now());
  const store = createEmailGroupStore(connection, prefix);
  const counters = emailGroupingCounters(metrics);
  const permanent = emailPermanentFailureCounter(metrics);
  const domain = email.from.split('@')[1] ?? 'chainwatch.invalid';
  const explorerUrls = new Map([...settings.chains.values()].flatMap((c) => (c.explorerUrl === undefined ? [] : [[c.id, c.explorerUrl] as const])));

  const queue = new Queue(EMAIL_QUEUE, { connection, prefix });
  queue.on('error', (err) => logger.error({ err }, 'email queue error'));

  const enqueue = async (batch: SealedBatch): Promise<void> => {
    const data: DigestJobData = {
      v: DIGEST_JOB_VERSION,
      groupId: batch.group.id,
      groupKey: batch.group.key,
      route: batch.group.route,
      seq: batch.seq,
      to: batch.group.to,
      labels: batch.group.labels,
      items: batch.items.map((i) => JSON.parse(i) as DigestJobData['items'][number]),
    };
    // Same id as an existing job: bullmq ignores the add, so re-queueing a batch after a crash is harmless.
    await queue.add('digest', data, { jobId: digestJobId(batch.group.id, batch.seq), ...options.jobOptions, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED });
    await store.confirmQueued(batch.group.id, batch.seq);
    counters.digests.inc({ route: batch.group.route });
    logger.info({ group: batch.group.key, seq: batch.seq, movements: batch.items.length }, 'group email queued');
  };

  let flushing: Promise<number> | undefined;
  const flushNow = async (): Promise<number> => {
    let queued = 0;
    for (const batch of await store.unqueued()) {
      await enqueue(batch);
      queued++;
    }
    const now = nowMs();
    for (const groupId of await store.due(now, 100)) {
      const batch = await store.seal(groupId, now);
      if (batch === undefined) continue;
      await enqueue(batch);
      queued++;
    }
    return queued;
  };
  const flush = (): Promise<number> => {
    // One flush at a time per process; replicas are safe through the atomic seal.
    flushing ??= flushNow().finally(() => (flushing = undefined));
    return flushing;
  };

  const sender = createEmailSender(email.smtpUrl);
  const worker = new Worker(
    EMAIL_QUEUE,
    async (job: Job) => {
      if (job.name === LIFECYCLE_JOB_NAME) return sendLifecycle(job);
      const digest = job.name === 'digest' ? parseOrFail(job, parseDigestJob) : undefined;
      // Jobs queued before grouping existed: one movement each, to email.to.
      const legacy = digest === undefined ? parseOrFail(job, parseDeliveryJob) : undefined;
      const items = digest?.items ?? (legacy === undefined ? [] : [legacy]);
      const rendered = renderDigest(
        items.map((d) => ({ movement: d.movement, detectedAt: d.timestamp })),
        { subjectPrefix: email.subjectPrefix, explorerUrls, ...(digest === undefined ? {} : { groupLabels: digest.labels }) },
      );
      const ids = digest === undefined ? { messageId: `<${String(job.id)}@${domain}>`, threadRootId: undefined } : buildDigestMessageIds(digest.groupId, digest.seq, domain);
      const fields = { channel: 'email', target: 'email', job_id: job.id, attempt: job.attemptsMade + 1, movements: items.length };
      await deliver(job, fields, 'alert delivered', {
        from: email.from,
        to: digest?.to ?? email.to,
        ...rendered,
        messageId: ids.messageId,
        ...(ids.threadRootId !== undefined && ids.threadRootId !== ids.messageId ? { inReplyTo: ids.threadRootId, references: [ids.threadRootId] } : {}),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Chainwatch-Group': digest === undefined ? 'single' : sanitizeHeaderValue(digest.groupKey) },
      });
    },
    { connection, prefix, concurrency: 1, ...DELIVERY_WORKER_OPTIONS, settings: { backoffStrategy: options.backoffStrategy } },
  );
  worker.on('error', (err) => logger.error({ err }, 'email worker error'));

  async function sendLifecycle(job: Job): Promise<void> {
    const d = parseOrFail(job, parseLifecycleEmailJob);
    const rendered = renderLifecycleEmail(d.item.movement, { subjectPrefix: email.subjectPrefix, explorerUrls, at: d.item.timestamp });
    const fields = { channel: 'email', target: 'email', job_id: job.id, attempt: job.attemptsMade + 1, event: d.item.movement.event };
    await deliver(job, fields, 'lifecycle email delivered', {
      from: email.from,
      to: d.to,
      ...rendered,
      messageId: d.messageId,
      inReplyTo: d.inReplyTo,
      references: d.references,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Chainwatch-Group': sanitizeHeaderValue(d.groupKey), 'X-Chainwatch-Event': sanitizeHeaderValue(d.item.movement.event ?? 'movement.detected') },
    });
  }

  /** Sends one email job; a permanent SMTP refusal ends the job (failed set), anything else is retried by BullMQ. */
  async function deliver(job: Job, fields: Readonly<Record<string, unknown>>, delivered: string, message: Parameters<typeof sender.send>[0]): Promise<void> {
    try {
      await sender.send(message);
      metrics.deliveries.inc({ channel: 'email', target: 'email' });
      logger.info(fields, delivered);
    } catch (err) {
      metrics.deliveryFailures.inc({ channel: 'email', target: 'email' });
      if (err instanceof PermanentError) {
        permanent.inc({ code: err.code });
        logger.error({ ...fields, err }, 'email refused permanently; job kept in the failed set');
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn({ ...fields, err, will_retry: !final }, final ? 'email failed after the last attempt; job kept in the failed set' : 'email failed; will retry');
      throw err;
    }
  }

  /**
   * One follow-up email per group the original went to, replying to the very email it was in.
   * An original still waiting in its group is sealed first, so the reply never overtakes it.
   */
  const followUp = async (movement: Movement, eventKey: string, timestamp: Date, d: EmailDestination): Promise<void> => {
    const event = movement.event ?? 'movement.detected';
    const group = buildEmailGroup(movement, d.routeId, policy.groupBy);
    const originalKey = deliveryKeyOf({ id: movement.id, confirmations: movement.confirmations, ...(movement.redetectedIn !== undefined ? { redetectedIn: movement.redetectedIn } : {}) });
    if (!(await store.isMember(group.id, originalKey))) {
      logger.info({ movement_id: movement.id, event, route: d.routeId }, 'the original alert was not emailed to this route: no follow-up email');
      return;
    }
    let seq = await store.sentIn(group.id, originalKey);
    if (seq === undefined) {
      const batch = await store.seal(group.id, nowMs(), { force: true });
      if (batch !== undefined) await enqueue(batch);
      seq = await store.sentIn(group.id, originalKey);
    }
    // Unknown seq: sealed by a release that did not record it; the group's thread root still threads it.
    const ids = buildDigestMessageIds(group.id, seq ?? 1, domain);
    const data: LifecycleEmailJobData = {
      v: LIFECYCLE_JOB_VERSION,
      groupId: group.id,
      groupKey: group.key,
      route: d.routeId,
      to: d.to,
      messageId: buildLifecycleMessageId(event, eventKey, group.id, domain),
      inReplyTo: ids.messageId,
      references: ids.threadRootId === ids.messageId ? [ids.messageId] : [ids.threadRootId, ids.messageId],
      item: buildDeliveryJob(eventKey, movement, timestamp),
    };
    await queue.add(LIFECYCLE_JOB_NAME, data, { jobId: lifecycleJobId(eventKey, group.id), ...options.jobOptions, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED });
    logger.info({ movement_id: movement.id, event, group: group.key, in_reply_to_seq: seq ?? null }, 'lifecycle email queued');
  };

  const tickMs = Math.max(50, Math.min(1000, Math.floor(Math.min(policy.groupWaitMs || 200, policy.groupIntervalMs || 200) / 4)));
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    flush().catch((err: unknown) => logger.warn({ err }, 'email group flush failed; will retry'));
  }, tickMs);
  timer.unref();

  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);

  return {
    async accept(movement, movementJobId, timestamp) {
      const event = movement.event ?? 'movement.detected';
      const routed = routeEmail(movement, routes, email.to, policy.minSeverity);
      if (routed.length === 0) {
        if (event === 'movement.detected') counters.suppressed.inc({ severity: movement.enrichment?.severity ?? 'medium' });
        logger.info({ movement_id: movement.id, severity: movement.enrichment?.severity, event }, 'below alerts.email.minSeverity: no email (webhooks only)');
        return;
      }
      const destinations = routed.filter((d) => routeWantsEvent(event, d.routeId, routes, policy));
      if (event !== 'movement.detected') {
        for (const d of destinations) await followUp(movement, movementJobId, timestamp, d);
        return;
      }
      const item = JSON.stringify(buildDeliveryJob(movementJobId, movement, timestamp));
      for (const d of destinations) {
        const group = buildEmailGroup(movement, d.routeId, policy.groupBy);
        const added = await store.add({ id: group.id, key: group.key, route: d.routeId, to: d.to, labels: group.labels }, movementJobId, item, nowMs(), policy);
        if (added) counters.grouped.inc({ route: d.routeId });
      }
    },
    flush,
    async close() {
      stopped = true;
      clearInterval(timer);
      await flushing?.catch(() => undefined);
      await worker.close();
      await queue.close();
      sender.close();
    },
  };
}

function parseOrFail<T>(job: Job, parse: (data: unknown) => T): T {
  try {
    return parse(job.data);
  } catch (err) {
    if (err instanceof PermanentError) throw new UnrecoverableError(`${err.code}: ${err.message} (job ${String(job.id)})`);
    throw err;
  }
}
