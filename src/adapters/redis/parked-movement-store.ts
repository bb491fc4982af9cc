import type { Redis } from 'ioredis';
import { RetryableError } from '../../core/errors.js';

/**
 * Ids of movement jobs parked because no delivery channel was enabled
 * (`<prefix>:parked-movements`, a set). Shared by every alerter on the Redis,
 * so the count is the deployment's and an alerter that starts with a channel
 * can release what another one parked.
 */
export interface ParkedMovementStore {
  park(jobId: string): Promise<void>;
  /** Forgets a job id; true when it was parked. */
  release(jobId: string): Promise<boolean>;
  list(): Promise<readonly string[]>;
  count(): Promise<number>;
}

export function createParkedMovementStore(redis: Redis, prefix: string): ParkedMovementStore {
  const key = `${prefix}:parked-movements`;
  const unavailable = (what: string, err: unknown): RetryableError => new RetryableError('REDIS_UNAVAILABLE', `could not ${what} parked movements in Redis`, { cause: err });
  return {
    async park(jobId) {
      try {
        await redis.sadd(key, jobId);
      } catch (err) {
        throw unavailable('record', err);
      }
    },
    async release(jobId) {
      try {
        return (await redis.srem(key, jobId)) > 0;
      } catch (err) {
        throw unavailable('release', err);
      }
    },
    async list() {
      try {
        return await redis.smembers(key);
      } catch (err) {
        throw unavailable('list', err);
      }
    },
    async count() {
      try {
        return await redis.scard(key);
      } catch (err) {
        throw unavailable('count', err);
      }
    },
  };
}
