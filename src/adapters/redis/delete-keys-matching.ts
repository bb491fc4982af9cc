import type { Redis } from 'ioredis';

/**
 * Deletes every key matching a SCAN pattern (e.g. `<prefix>:*`), in batches: SCAN never blocks
 * Redis the way KEYS does. For cleaning up after the demo, tests and benchmarks, never the monitor's own data.
 */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
