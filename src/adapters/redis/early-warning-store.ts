import type { Redis } from 'ioredis';
import type { Movement } from '../../core/movement.js';
import { parseMovementJob, serializeMovement } from '../../core/movement-job.js';

/**
 * Bitcoin mempool early warnings not yet confirmed (issue #10 `movement.dropped`):
 *   `<prefix>:btc:<chain>:early-warnings`  hash movement id -> {seenAt, job}
 * Only alerted (matched) mempool movements are kept, and each leaves when its
 * transaction is mined or announced dropped, so the hash stays small.
 */
export interface EarlyWarning {
  readonly movement: Movement;
  /** Epoch ms the warning was first sent. */
  readonly seenAt: number;
}

export interface EarlyWarningStore {
  remember(chain: string, movements: readonly Movement[], seenAt: number): Promise<void>;
  forget(chain: string, movementIds: readonly string[]): Promise<void>;
  all(chain: string): Promise<readonly EarlyWarning[]>;
}

export function createEarlyWarningStore(redis: Redis, prefix: string): EarlyWarningStore {
  const key = (chain: string): string => `${prefix}:btc:${chain}:early-warnings`;
  return {
    async remember(chain, movements, seenAt) {
      if (movements.length === 0) return;
      const pipe = redis.pipeline();
      // HSETNX: a warning re-sent after a restart keeps its first sighting time.
      for (const m of movements) pipe.hsetnx(key(chain), m.id, JSON.stringify({ seenAt, job: serializeMovement(m) }));
      await pipe.exec();
    },
    async forget(chain, movementIds) {
      if (movementIds.length > 0) await redis.hdel(key(chain), ...movementIds);
    },
    async all(chain) {
      const raw = await redis.hgetall(key(chain));
      return Object.values(raw).map((v) => {
        const parsed = JSON.parse(v) as { seenAt: number; job: unknown };
        return { seenAt: parsed.seenAt, movement: parseMovementJob(parsed.job) };
      });
    },
  };
}
