/**
 * Issue #10: an alerter killed while it holds a delivery leaves the job
 * stalled; killed again while holding it after the retry, bullmq's default
 * (maxStalledCount 1) would move it to the failed set: an alert never sent.
 * The delivery workers' options keep retrying it. Real Redis, real bullmq
 * workers; a worker "dies" by force-closing (its lock is no longer renewed,
 * the job stays active), with locks shortened so the test takes seconds.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERY_WORKER_OPTIONS } from '../../src/adapters/redis/delivery-worker-options.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';

const prefix = uniqueRedisPrefix('stalls');
const connections: Redis[] = [];
const connect = (): Redis => {
  const c = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(c);
  return c;
};

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('delivery workers and crashed alerters', () => {
  it('a delivery whose worker dies twice while holding it is still delivered, not failed', async () => {
    const queue = new Queue('webhook-stall', { connection: connect(), prefix });
    await queue.add('deliver', { movement: 'm1' }, { jobId: 'm1-soc', attempts: 20 });
    // Faster clocks than production; the stall limit is the production one.
    const options = { ...DELIVERY_WORKER_OPTIONS, connection: connect(), prefix, lockDuration: 1000, stalledInterval: 300 };
    const runs: string[] = [];

    for (const crash of ['first', 'second']) {
      let took = false;
      const worker = new Worker('webhook-stall', () => {
        took = true;
        runs.push(crash);
        return new Promise<void>(() => undefined); // in flight until the "kill"
      }, { ...options, connection: connect() });
      worker.on('error', () => undefined);
      await waitFor(() => took, { what: `the ${crash} worker to take the job`, timeoutMs: 20_000 });
      await worker.close(true); // dies: its lock is no longer renewed, the job stays active
    }

    const survivor = new Worker('webhook-stall', async () => void runs.push('delivered'), { ...options, connection: connect() });
    survivor.on('error', () => undefined);
    const state = await waitFor(async () => {
      const s = await queue.getJobState('m1-soc');
      return s === 'completed' || s === 'failed' ? s : undefined;
    }, { what: 'the job to settle', timeoutMs: 20_000 });
    await survivor.close();
    await queue.close();

    expect(state).toBe('completed');
    expect(runs).toEqual(['first', 'second', 'delivered']);
  }, 60_000);
});
