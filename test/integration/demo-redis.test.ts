import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ensureRedis, RedisUnavailableError } from '../../src/app/demo/ensure-redis.js';
import { findFreePort } from '../../src/devchain/find-free-port.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

describe('the demo finds a Redis', () => {
  it('uses the Redis at REDIS_URL when it answers', async () => {
    const redis = await ensureRedis(TEST_REDIS_URL);
    expect(redis).toMatchObject({ url: TEST_REDIS_URL, private: false });
    await redis.stop();
  });

  it('starts a private, non-persistent redis-server when nothing answers, and stops it', async () => {
    const deadUrl = `redis://127.0.0.1:${await findFreePort()}`;
    const redis = await ensureRedis(deadUrl);
    expect(redis.private).toBe(true);
    expect(redis.url).not.toBe(deadUrl);
    const client = new Redis(redis.url);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    client.disconnect();
    await redis.stop();
    const after = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    after.on('error', () => undefined);
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it('says exactly how to get one when nothing answers and redis-server is not installed', async () => {
    const deadUrl = `redis://user:s3cret@127.0.0.1:${await findFreePort()}`;
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const error = await ensureRedis(deadUrl).then(() => undefined, (err: unknown) => err);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      const message = (error as Error).message;
      expect(message).toContain('redis-server is not installed');
      expect(message).toContain('apt-get install redis-server');
      expect(message).toContain('REDIS_URL');
      expect(message).not.toContain('s3cret');
    } finally {
      process.env['PATH'] = path;
    }
  });
});
