import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { deleteKeysMatching } from '../../src/adapters/redis/delete-keys-matching.js';

export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A unique key prefix per test run, so tests can share the machine's Redis. */
export function uniqueRedisPrefix(name = 'test'): string {
  return `cwtest-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under the prefix (BullMQ keys are `<prefix>:<queue>:...`). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysMatching(redis, `${prefix}*`);
  } finally {
    redis.disconnect();
  }
}
