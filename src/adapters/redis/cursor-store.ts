import type { Redis } from 'ioredis';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../core/errors.js';
import type { ChainCursor, CursorStore } from '../../core/ports.js';

const blockRefSchema = z.object({ number: z.number().int().nonnegative(), hash: z.string().min(1) });
const cursorSchema = z.object({ head: blockRefSchema, recent: z.array(blockRefSchema).min(1) });

/** Poller positions in Redis: `<prefix>:cursor:<chain>` holds the JSON cursor. */
export function createRedisCursorStore(redis: Redis, prefix: string): CursorStore {
  const keyOf = (chain: string): string => `${prefix}:cursor:${chain}`;
  return {
    async load(chain) {
      let raw: string | null;
      try {
        raw = await redis.get(keyOf(chain));
      } catch (err) {
        throw new RetryableError('REDIS_UNAVAILABLE', `could not read the cursor of chain ${chain} from Redis`, { cause: err });
      }
      if (raw === null) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const parsed = cursorSchema.safeParse(json);
      if (!parsed.success) {
        throw new PermanentError('CURSOR_CORRUPT', `the cursor of chain ${chain} in Redis is not valid; delete key ${keyOf(chain)} to restart from startBlock`);
      }
      return parsed.data satisfies ChainCursor;
    },
    async save(chain, cursor) {
      try {
        await redis.set(keyOf(chain), JSON.stringify(cursor));
      } catch (err) {
        throw new RetryableError('REDIS_UNAVAILABLE', `could not save the cursor of chain ${chain} to Redis`, { cause: err });
      }
    },
  };
}
