import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { movementJobId, serializeMovement } from '../../core/movement-job.js';
import type { Movement } from '../../core/movement.js';
import type { MovementSink } from '../../core/ports.js';
import { RetryableError } from '../../core/errors.js';
import { KEEP_COMPLETED, KEEP_FAILED } from './job-retention.js';
import { MOVEMENTS_QUEUE } from './queue-names.js';

/** BullMQ job name on the movements queue. */
export const MOVEMENT_JOB_NAME = 'movement';

/** Attempts of the fan-out step (it only enqueues delivery jobs; failures are Redis hiccups). */
export const MOVEMENT_JOB_ATTEMPTS = 10;

export type ClosableMovementSink = MovementSink & { close(): Promise<void> };

/**
 * The pollers' MovementSink: enqueues on `<prefix>:movements` with
 * jobId = movementJobId(m), so publishing the same movement again is a no-op
 * for as long as the job is retained (see job-retention.ts). Resolves only once
 * Redis has accepted the jobs, so the caller may advance its cursor afterwards.
 *
 * Movements that carry `legacyIds` (an id format changed: EVM event legs went
 * from `log<block-wide index>` to `txlog<index in tx>`) are also checked
 * against jobs retained under those older ids, all in one pipelined round trip
 * before the add: a block queued by the previous release and queued again by
 * this one (crash between enqueue and cursor save, a replay, a rewind) alerts once.
 */
export function createMovementSink(connection: Redis, prefix: string, options: { onError?: (err: Error) => void } = {}): ClosableMovementSink {
  const queue = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
  queue.on('error', options.onError ?? (() => undefined));
  /** Drops from `byId` every movement already queued under one of its legacy ids. */
  async function skipLegacyDuplicates(byId: Map<string, Movement>): Promise<void> {
    const checks: { jobId: string; key: string }[] = [];
    for (const [jobId, m] of byId) {
      for (const legacy of m.legacyIds ?? []) checks.push({ jobId, key: queue.toKey(movementJobId({ id: legacy, confirmations: m.confirmations, ...(m.event !== undefined ? { event: m.event } : {}) })) });
    }
    if (checks.length === 0) return;
    const pipeline = connection.pipeline();
    for (const c of checks) pipeline.exists(c.key);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      throw new RetryableError('QUEUE_PUBLISH_FAILED', `could not check ${checks.length} legacy movement id(s) on the movements queue`, { cause: err });
    }
    checks.forEach((c, i) => {
      const [err, exists] = results?.[i] ?? [new Error('no reply'), 0];
      if (err) throw new RetryableError('QUEUE_PUBLISH_FAILED', 'could not check legacy movement ids on the movements queue', { cause: err });
      if (exists === 1) byId.delete(c.jobId);
    });
  }

  return {
    async publish(movements: readonly Movement[]): Promise<void> {
      if (movements.length === 0) return;
      // One movement per id per batch: addBulk of a duplicate id within one call is harmless, but skip the work.
      const byId = new Map<string, Movement>();
      for (const m of movements) byId.set(movementJobId(m), m);
      await skipLegacyDuplicates(byId);
      if (byId.size === 0) return;
      try {
        await queue.addBulk(
          [...byId].map(([jobId, m]) => ({
            name: MOVEMENT_JOB_NAME,
            data: serializeMovement(m),
            opts: {
              jobId,
              attempts: MOVEMENT_JOB_ATTEMPTS,
              backoff: { type: 'exponential', delay: 1000 },
              removeOnComplete: KEEP_COMPLETED,
              removeOnFail: KEEP_FAILED,
            },
          })),
        );
      } catch (err) {
        throw new RetryableError('QUEUE_PUBLISH_FAILED', `could not enqueue ${byId.size} movement(s) on the movements queue`, { cause: err });
      }
    },
    async close(): Promise<void> {
      await queue.close();
    },
  };
}
