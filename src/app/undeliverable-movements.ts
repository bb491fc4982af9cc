import { DelayedError, Job, type Queue } from 'bullmq';
import type { ParkedMovementStore } from '../adapters/redis/parked-movement-store.js';
import { integrityMetrics } from './integrity-metrics.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** How often a parked movement is looked at again (another alerter may have a channel by then). */
export const DEFAULT_PARK_RECHECK_MS = 60_000;

export interface UndeliverableMovementsOptions {
  readonly store: ParkedMovementStore;
  /** The movements queue (to promote parked jobs). */
  readonly queue: Queue;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly recheckMs?: number;
  readonly now?: () => number;
}

export interface UndeliverableMovements {
  /**
   * Keeps a movement the fan-out has no channel for pending: moves its job back
   * to the delayed set (no attempt is spent) and throws bullmq's DelayedError,
   * which the processor must let through. Never completes the job: a completed
   * movement job counts as sent, and its id would dedupe the movement forever.
   */
  park(job: Job, token: string | undefined): Promise<never>;
  /** The movement was fanned out: no longer parked. */
  fannedOut(jobId: string): Promise<void>;
  /**
   * At alerter start. Without a channel: a warning that movements will wait.
   * With one: every parked movement is made due now, so it is delivered at once.
   */
  start(hasChannel: boolean): Promise<void>;
}

export function createUndeliverableMovements(options: UndeliverableMovementsOptions): UndeliverableMovements {
  const { store, queue, logger } = options;
  const recheckMs = options.recheckMs ?? DEFAULT_PARK_RECHECK_MS;
  const now = options.now ?? Date.now;
  const gauge = integrityMetrics(options.metrics).undeliverableMovements;
  const refreshGauge = async (): Promise<number> => {
    const count = await store.count();
    gauge.set(count);
    return count;
  };

  return {
    async park(job, token) {
      const jobId = String(job.id);
      await store.park(jobId);
      const parked = await refreshGauge();
      logger.warn({ job_id: jobId, parked, recheck_in_ms: recheckMs }, 'no delivery channel is enabled: movement kept pending until email or a webhook is enabled');
      await job.moveToDelayed(now() + recheckMs, token);
      throw new DelayedError();
    },
    async fannedOut(jobId) {
      if (await store.release(jobId)) await refreshGauge();
    },
    async start(hasChannel) {
      const parked = await store.list();
      if (!hasChannel) {
        gauge.set(parked.length);
        logger.warn(
          { parked: parked.length },
          'no delivery channel is enabled (email and every webhook are missing or enabled: false): movements are kept pending, not sent, until a channel is enabled and the alerter restarted',
        );
        return;
      }
      let released = 0;
      for (const id of parked) {
        const job = await Job.fromId(queue, id);
        if (job === undefined) {
          await store.release(id); // removed by hand: nothing left to deliver
          continue;
        }
        if (await job.isDelayed()) {
          await job.promote();
          released++;
        }
      }
      const left = await refreshGauge();
      if (parked.length > 0) logger.info({ released, parked: left }, 'delivery channel enabled: movements kept pending while none was are being delivered');
    },
  };
}
