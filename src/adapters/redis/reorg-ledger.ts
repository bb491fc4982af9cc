import type { Redis } from 'ioredis';
import { RetryableError } from '../../core/errors.js';
import { buildRetraction } from '../../core/lifecycle/build-retraction.js';
import { MOVEMENT_JOB_VERSION, parseMovementJob, serializeMovement, type SerializedMovement } from '../../core/movement-job.js';
import type { BlockRef, PendingRetraction, ReorgLedger } from '../../core/ports.js';
import { RECENT_BLOCKS_KEPT } from '../../core/reconcile-cursor.js';
import { COMPLETED_JOB_RETENTION_SECONDS } from './job-retention.js';

export interface ReorgLedgerOptions {
  /** Blocks behind the newest recorded one whose alerts are kept (default: the cursor's rewind window). */
  readonly keepBlocks?: number;
  /** How long a retracted movement id is remembered (default: as long as completed jobs, the dedupe window). */
  readonly retractedTtlMs?: number;
}

/**
 * The follower's reorg ledger in Redis (issue #10 `movement.reorged`):
 *   <p>:reorg:<chain>:alerted               HASH "<number>-<hash>" -> movements the block alerted (JSON)
 *   <p>:reorg:<chain>:pending               HASH "<number>-<hash>" -> retractions waiting for the new branch (JSON)
 *   <p>:reorg:<chain>:retracted:<movementId> STRING orphaned block hash, expires with the dedupe window
 * Only blocks with alerts are recorded, and only within `keepBlocks` of the newest one:
 * a rewind never reaches further back than the cursor remembers.
 */
export function createRedisReorgLedger(redis: Redis, prefix: string, options: ReorgLedgerOptions = {}): ReorgLedger {
  const keepBlocks = options.keepBlocks ?? RECENT_BLOCKS_KEPT;
  const retractedTtlMs = options.retractedTtlMs ?? COMPLETED_JOB_RETENTION_SECONDS * 1000;
  const base = (chain: string): string => `${prefix}:reorg:${chain}`;
  const alertedKey = (chain: string): string => `${base(chain)}:alerted`;
  const pendingKey = (chain: string): string => `${base(chain)}:pending`;
  const retractedKey = (chain: string, id: string): string => `${base(chain)}:retracted:${id}`;
  const field = (b: BlockRef): string => `${b.number}-${b.hash.toLowerCase()}`;
  const numberOf = (f: string): number => Number(f.slice(0, f.indexOf('-')));

  const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new RetryableError('REDIS_UNAVAILABLE', `could not ${what} in Redis`, { cause: err });
    }
  };

  return {
    async recordAlerted(chain, block, movements) {
      if (movements.length === 0) return;
      const json = JSON.stringify(movements.map((m) => serializeMovement(m).movement));
      await guard(`record the alerts of block ${block.number} of chain ${chain}`, async () => {
        await redis.hset(alertedKey(chain), field(block), json);
        const stale = (await redis.hkeys(alertedKey(chain))).filter((f) => numberOf(f) < block.number - keepBlocks);
        if (stale.length > 0) await redis.hdel(alertedKey(chain), ...stale);
      });
    },

    async retract(chain, orphaned, detectedAt) {
      if (orphaned.length === 0) return;
      await guard(`record the retractions of chain ${chain}`, async () => {
        const records = await redis.hmget(alertedKey(chain), ...orphaned.map(field));
        const pipe = redis.multi();
        const found: string[] = [];
        orphaned.forEach((block, i) => {
          const raw = records[i];
          if (raw === null || raw === undefined) return;
          const originals = (JSON.parse(raw) as SerializedMovement[]).map((movement) => parseMovementJob({ v: MOVEMENT_JOB_VERSION, movement }));
          const retractions = originals.map((m) => serializeMovement(buildRetraction(m, block.hash, detectedAt)).movement);
          // HSETNX: a rewind repeated after a crash keeps the first detectedAt, so the retraction's body never changes.
          pipe.hsetnx(pendingKey(chain), field(block), JSON.stringify({ number: block.number, hash: block.hash, retractions }));
          for (const m of originals) pipe.set(retractedKey(chain, m.id), block.hash, 'PX', retractedTtlMs);
          found.push(field(block));
        });
        if (found.length === 0) return;
        pipe.hdel(alertedKey(chain), ...found);
        await pipe.exec();
      });
    },

    async pending(chain) {
      const raw = await guard(`read the pending retractions of chain ${chain}`, () => redis.hgetall(pendingKey(chain)));
      const out: PendingRetraction[] = Object.values(raw).map((json) => {
        const parsed = JSON.parse(json) as { number: number; hash: string; retractions: SerializedMovement[] };
        return {
          block: { number: parsed.number, hash: parsed.hash },
          retractions: parsed.retractions.map((movement) => parseMovementJob({ v: MOVEMENT_JOB_VERSION, movement })),
        };
      });
      return out.sort((a, b) => a.block.number - b.block.number);
    },

    async settle(chain, blocks) {
      if (blocks.length === 0) return;
      await guard(`settle the retractions of chain ${chain}`, () => redis.hdel(pendingKey(chain), ...blocks.map(field)));
    },

    async retractedIds(chain, movementIds) {
      if (movementIds.length === 0) return new Set();
      const ids = [...new Set(movementIds)];
      const pipe = redis.pipeline();
      for (const id of ids) pipe.exists(retractedKey(chain, id));
      const results = await guard(`read the retracted movements of chain ${chain}`, () => pipe.exec());
      return new Set(
        ids.filter((_, i) => {
          const [err, exists] = results?.[i] ?? [new Error('no reply'), 0];
          if (err) throw new RetryableError('REDIS_UNAVAILABLE', `could not read the retracted movements of chain ${chain} in Redis`, { cause: err });
          return exists === 1;
        }),
      );
    },
  };
}
