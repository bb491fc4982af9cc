/** The Redis email-group store (issue #8) against the real Redis: atomic add/seal, dedupe, timing, crash recovery. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailGroupStore, type EmailGroupMeta, type SealedBatch } from '../../src/adapters/redis/email-groups.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { startAlerter } from '../../src/app/alerter.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { evmChainSchema, type Settings } from '../../src/config/schema.js';
import { buildDeliveryJob } from '../../src/core/alert/delivery-job.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { evmNativeOut } from '../unit/alert/movements.js';

const prefix = uniqueRedisPrefix('email-groups');
let redis: Redis;
let other: Redis;
const group = (id: string): EmailGroupMeta => ({ id, key: `default|incident=${id}`, route: 'default', to: ['c@example.com'], labels: { incident: id } });
const timing = { groupWaitMs: 1000, groupIntervalMs: 5000 };

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  other = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  other.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('email group store', () => {
  it('waits groupWaitMs for the first email, then groupIntervalMs; a member is added once', async () => {
    const store = createEmailGroupStore(redis, prefix);
    const g = group('aa01');
    expect(await store.add(g, 'm1', 'one', 10_000, timing)).toBe(true);
    expect(await store.add(g, 'm1', 'one again', 10_100, timing)).toBe(false);
    expect(await store.add(g, 'm2', 'two', 10_200, timing)).toBe(true);
    expect(await store.due(10_999, 10)).toEqual([]);
    expect(await store.seal('aa01', 10_999)).toBeUndefined();
    expect(await store.due(11_000, 10)).toEqual(['aa01']);
    const first = await store.seal('aa01', 11_000);
    expect(first).toMatchObject({ seq: 1, items: ['one', 'two'], group: g });
    // Active group: the next email is due groupIntervalMs after the last one, not groupWaitMs after the movement.
    await store.add(g, 'm3', 'three', 12_000, timing);
    expect(await store.seal('aa01', 15_999)).toBeUndefined();
    expect(await store.seal('aa01', 16_000)).toMatchObject({ seq: 2, items: ['three'] });
    // Sealed batches stay until confirmed queued (crash between seal and queue.add).
    expect((await store.unqueued()).map((b) => b.seq).sort()).toEqual([1, 2]);
    await store.confirmQueued('aa01', 1);
    await store.confirmQueued('aa01', 2);
    expect(await store.unqueued()).toEqual([]);
    // Quiet for longer than the interval: a fresh start with groupWaitMs.
    await store.add(g, 'm4', 'four', 100_000, timing);
    expect(await store.due(100_999, 10)).toEqual([]);
    expect(await store.seal('aa01', 101_000)).toMatchObject({ seq: 3, items: ['four'] });
  });

  it('two replicas adding and sealing at once: every member lands in exactly one batch', async () => {
    const a = createEmailGroupStore(redis, prefix);
    const b = createEmailGroupStore(other, prefix);
    const g = group('bb02');
    const fast = { groupWaitMs: 0, groupIntervalMs: 0 };
    const sealed: SealedBatch[] = [];
    const sealer = async (store: typeof a): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        const batch = await store.seal('bb02', Number.MAX_SAFE_INTEGER);
        if (batch !== undefined) sealed.push(batch);
      }
    };
    const adder = async (store: typeof a, from: number): Promise<void> => {
      for (let i = from; i < from + 100; i++) await store.add(g, `m${i % 150}`, `item${i % 150}`, 1, fast);
    };
    // Members 50..99 are added by both replicas: still once.
    await Promise.all([adder(a, 0), adder(b, 50), sealer(a), sealer(b)]);
    const last = await a.seal('bb02', Number.MAX_SAFE_INTEGER);
    if (last !== undefined) sealed.push(last);
    const items = sealed.flatMap((s) => s.items);
    expect(items.sort()).toEqual(Array.from({ length: 150 }, (_, i) => `item${i}`).sort());
    expect(new Set(sealed.map((s) => s.seq)).size).toBe(sealed.length);
  });

  it('a batch sealed before a crash (its job never created) is emailed once by the next alerter, with the sealed content', async () => {
    const crashPrefix = uniqueRedisPrefix('email-crash');
    const smtp = await startSmtpCapture();
    const connection = await createRedisConnection(TEST_REDIS_URL);
    try {
      // The crashed replica: movements added and the group sealed, then nothing (no job).
      const store = createEmailGroupStore(connection, crashPrefix);
      const g = { id: 'cc03', key: 'default|incident=ronin-2022', route: 'default', to: ['compliance@example.com'], labels: { incident: 'ronin-2022' } };
      const movements = [evmNativeOut(), evmNativeOut({ id: 'ethereum-0xbeef-native-x', txHash: `0x${'be'.repeat(32)}` })];
      for (const m of movements) await store.add(g, m.id, JSON.stringify(buildDeliveryJob(m.id, m, new Date('2026-11-30T10:00:00Z'))), 1, { groupWaitMs: 0, groupIntervalMs: 0 });
      expect(await store.seal('cc03', 2)).toMatchObject({ seq: 1 });

      const settings: Settings = {
        chains: new Map([['ethereum', { ...evmChainSchema.parse({ kind: 'evm', rpcUrls: ['http://127.0.0.1:1'] }), id: 'ethereum' }]]),
        email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'], subjectPrefix: '[chainwatch]', enabled: true },
        webhooks: [],
        api: { port: 0, host: '127.0.0.1' },
        redis: { url: TEST_REDIS_URL, prefix: crashPrefix },
        reloadIntervalMs: 2000,
        alerts: { rules: [], email: { minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 0, groupIntervalMs: 0 } },
      };
      const alerter = await startAlerter({ settings, connection, logger: createLogger({ level: 'silent' }), metrics: createMetrics(), backoffMs: 50 });
      try {
        await waitFor(() => smtp.messages.length >= 1, { what: 'the recovered digest', timeoutMs: 60_000 });
        await waitFor(async () => (await store.unqueued()).length === 0, { what: 'the sealed copy dropped' });
        expect(smtp.messages).toHaveLength(1);
        expect(smtp.messages[0]!.messageId).toBe('<chainwatch-cc03-1@example.com>');
        for (const m of movements) expect(smtp.messages[0]!.text).toContain(m.txHash);
      } finally {
        await alerter.close();
      }
    } finally {
      await connection.quit();
      await smtp.close();
      await deleteRedisPrefix(crashPrefix);
    }
  }, 90_000);
});
