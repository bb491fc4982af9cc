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
 */
export function createMovementSink(connection: Redis, prefix: string, options: { onError?: (err: Error) => void } = {}): ClosableMovementSink {
  const queue = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
  queue.on('error', options.onError ?? (() => undefined));
  return {
    async publish(movements: readonly Movement[]): Promise<void> {
      if (movements.length === 0) return;
      // One movement per id per batch: addBulk of a duplicate id within one call is harmless, but skip the work.
      const byId = new Map<string, Movement>();
      for (const m of movements) byId.set(movementJobId(m), m);
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
