import type { WorkerOptions } from 'bullmq';

/**
 * How the alerter's BullMQ workers (movements fan-out, email, each webhook
 * endpoint, tenant subscriptions) treat a job whose worker died (kill -9, OOM,
 * a node lost), and why.
 *
 * A job is "in flight" from the moment a worker takes it until its completion
 * is recorded in Redis. A worker killed in between leaves the job in `active`
 * with a lock that nobody renews; once the lock expires (`lockDuration`) the
 * next stalled-job check of any worker (`stalledInterval`) puts it back in the
 * queue, and it runs again: an alert that had reached the receiver is sent
 * again under the same webhook-id / Message-ID. That repeat is bounded by what
 * was in flight: worker concurrency per killed process, never more.
 *
 * - maxStalledCount: bullmq's default (1) moves a job that stalls a second time
 *   to the failed set. With repeated crashes (the fault suite kills an alerter
 *   twenty times a run) that turns "sent again" into "never sent": an alert
 *   lost for want of a retry. A crash is never the job's fault, so a stalled
 *   job is always retried; the bound below only stops a job that itself kills
 *   its worker every time (a poison message) from looping forever.
 * - stalledInterval: half bullmq's default, so a dead worker's jobs are back
 *   within lockDuration + 15 s instead of + 30 s (an alert is late by that).
 * - lockDuration stays 30 s (renewed every 15 s): long enough that a busy event
 *   loop or a short Redis outage does not let a second worker take a job that
 *   is still running, which would send it twice while nothing crashed.
 */
export const DELIVERY_WORKER_OPTIONS = {
  lockDuration: 30_000,
  stalledInterval: 15_000,
  maxStalledCount: 100,
} as const satisfies Partial<WorkerOptions>;
