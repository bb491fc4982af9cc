import type { KeepJobs } from 'bullmq';

/**
 * How long finished jobs stay in Redis, and why.
 *
 * Idempotency: BullMQ ignores an add whose custom jobId already exists, but
 * only while that job is still stored. We keep completed jobs (movements and
 * deliveries) for 30 days instead of adding a separate "seen" key: the dedupe
 * record then IS the job, so there is no window where the job was added but
 * the marker was not (or the reverse), and no second write per movement.
 * Re-publishing a movement within 30 days (a poller restarting behind its
 * cursor, a reorg replay, a re-seed) is therefore a no-op. Jobs are small
 * (one movement, no secrets), and alerts for watched hack addresses are rare,
 * so the count cap is generous and only bounds memory in a pathological flood.
 *
 * Failed jobs are never removed automatically: an alert that could not be
 * delivered is kept for the operator to inspect and retry, never dropped.
 */
export const COMPLETED_JOB_RETENTION_SECONDS = 30 * 24 * 60 * 60;
export const COMPLETED_JOB_RETENTION_COUNT = 1_000_000;

export const KEEP_COMPLETED: KeepJobs = { age: COMPLETED_JOB_RETENTION_SECONDS, count: COMPLETED_JOB_RETENTION_COUNT };
export const KEEP_FAILED = false as const;
