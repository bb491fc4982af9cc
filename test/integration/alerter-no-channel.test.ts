/**
 * Issue #7 defect 3: a movement raised while no delivery channel is enabled
 * used to complete with zero deliveries (and its completed job then deduped
 * it forever), so enabling a webhook later sent nothing. It now stays pending,
 * counted in chainwatch_movements_undeliverable, and is delivered once an
 * alerter with a channel starts. Real Redis, real webhook receiver.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startAlerter, type Alerter } from '../../src/app/alerter.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createMovementSink } from '../../src/adapters/redis/create-movement-sink.js';
import { MOVEMENTS_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { evmChainSchema, type ChainConfig, type Settings, type WebhookConfig } from '../../src/config/schema.js';
import { movementJobId } from '../../src/core/movement-job.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture } from '../helpers/webhook-capture.js';
import { evmNativeOut } from '../unit/alert/movements.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function gauge(metrics: Metrics): Promise<number | undefined> {
  const text = await metrics.registry.getSingleMetricAsString('chainwatch_movements_undeliverable');
  const line = text.split('\n').find((l) => l.startsWith('chainwatch_movements_undeliverable '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('a movement raised while no channel is enabled', () => {
  it('stays pending (counted, warned about) and is delivered once a webhook is enabled', async () => {
    const prefix = uniqueRedisPrefix('nochannel');
    cleanups.push(() => deleteRedisPrefix(prefix));
    const connection: Redis = await createRedisConnection(TEST_REDIS_URL);
    cleanups.push(async () => void (await connection.quit()));
    const hooks = await startWebhookCapture(SECRET);
    cleanups.push(() => hooks.close());
    const queue = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
    cleanups.push(() => queue.close());
    const sink = createMovementSink(connection, prefix);
    cleanups.push(() => sink.close());

    const eth = { ...evmChainSchema.parse({ kind: 'evm', rpcUrls: ['http://127.0.0.1:1'] }), id: 'ethereum' };
    const settingsWith = (hook: WebhookConfig): Settings => ({
      chains: new Map<string, ChainConfig>([['ethereum', eth]]),
      email: undefined,
      webhooks: [hook],
      api: { port: 0, host: '127.0.0.1' },
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 2000,
      shutdownTimeoutMs: 10_000,
    });
    const hook: WebhookConfig = { id: 'soc', url: hooks.url, secret: SECRET, timeoutMs: 10_000, enabled: false };
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, cb) => (logs.push(chunk.toString()), cb()) }));
    const start = async (settings: Settings, metrics: Metrics): Promise<Alerter> => {
      // Wired as in production: tenant subscriptions are a further channel, and none exists here.
      const a = await startAlerter({
        settings,
        connection,
        logger,
        metrics,
        backoff: { baseDelayMs: 25, maxDelayMs: 200 },
        onMovement: () => Promise.resolve(0),
        hasOtherChannels: () => Promise.resolve(false),
      });
      cleanups.push(() => a.close());
      return a;
    };

    // 1. Every channel disabled: the alerter says so at start, and the movement waits.
    const firstMetrics = createMetrics();
    const first = await start(settingsWith(hook), firstMetrics);
    expect(logs.join('')).toContain('no delivery channel is enabled');
    const movement = evmNativeOut();
    const jobId = movementJobId(movement);
    await sink.publish([movement]);
    await waitFor(async () => (await gauge(firstMetrics)) === 1, { what: 'the movement to be counted as undeliverable' });
    expect(await queue.getJobState(jobId)).toBe('delayed');
    const parked = await queue.getJob(jobId);
    expect(parked?.attemptsMade).toBe(0); // parking spends no attempt
    expect(await queue.getCompletedCount()).toBe(0);
    // Publishing it again (a poller re-run) is still deduped by the pending job.
    await sink.publish([movement]);
    expect(await queue.getJobCounts('delayed', 'wait', 'completed')).toEqual({ delayed: 1, wait: 0, completed: 0 });
    await first.close();

    // 2. The operator enables the webhook and restarts the alerter: the movement is delivered.
    const secondMetrics = createMetrics();
    await start(settingsWith({ ...hook, enabled: true }), secondMetrics);
    const delivered = await waitFor(() => hooks.received.find((h) => h.body.data['id'] === movement.id), { what: 'the pending movement to be delivered' });
    expect(delivered.signatureValid).toBe(true);
    expect(delivered.headers['webhook-id']).toBe(`${jobId}-soc`);
    await waitFor(async () => (await queue.getJobState(jobId)) === 'completed', { what: 'the movement job to complete' });
    expect(await gauge(secondMetrics)).toBe(0);
    expect(hooks.received.filter((h) => h.body.data['id'] === movement.id)).toHaveLength(1);
  });
});
