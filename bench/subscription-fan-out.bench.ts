/**
 * Issue #13 target 4: one movement fanned out to 1,000 tenant subscriptions on
 * a local receiver, against raw keep-alive HTTP POSTs of the same signed bodies
 * to the same receiver. Run: node --import tsx --expose-gc bench/subscription-fan-out.bench.ts
 * (BENCH_SUBSCRIPTIONS, BENCH_ROUNDS override the defaults 1000, 7.)
 *
 * chainwatch: startSubscriptionDeliveries (real Redis, BullMQ, the SSRF-checked
 * client) and fanOut(movement): delivery records and jobs created in bulk, then
 * the worker (default concurrency 32) signs and POSTs each; timed from the
 * fan-out call until the receiver has every request.
 * Baseline: the same 1,000 bodies, signed beforehand, POSTed by plain node:http
 * with a keep-alive agent, 32 at a time (the worker's concurrency).
 * Prints ratios (deliveries/s against the baseline's requests/s), no thresholds.
 */
import { Agent, createServer, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '../src/app/logger.js';
import { createMetrics } from '../src/app/metrics.js';
import { DEFAULT_SUBSCRIPTIONS_CONFIG, startSubscriptionDeliveries } from '../src/app/subscription-deliveries.js';
import { createSubscriptionStore } from '../src/adapters/redis/subscription-store.js';
import { buildWebhookPayload } from '../src/core/alert/build-webhook-payload.js';
import { buildWebhookId } from '../src/core/alert/sign-webhook.js';
import { buildMovementId, type Movement } from '../src/core/movement.js';
import { signWithSecrets } from '../src/core/route/sign-with-secrets.js';
import type { Subscription } from '../src/core/route/subscription.js';
import { deleteKeysMatching } from '../src/adapters/redis/delete-keys-matching.js';

const SUBSCRIPTIONS = Number(process.env['BENCH_SUBSCRIPTIONS'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const CONCURRENCY = 32;
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: readonly number[]): number => Math.min(...xs);

// The local receiver: reads each body, answers 200, counts.
let received = 0;
let onReceived: (() => void) | undefined;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    received++;
    onReceived?.();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const url = `http://127.0.0.1:${port}/hook`;
const untilReceived = (n: number): Promise<void> =>
  new Promise((resolve) => {
    onReceived = () => {
      if (received >= n) resolve();
    };
    onReceived();
  });

const prefix = `cwbench-fanout-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
try {
  const at = new Date().toISOString();
  const store = createSubscriptionStore(redis, prefix);
  const subs: Subscription[] = Array.from({ length: SUBSCRIPTIONS }, (_, i) => ({
    id: `sub_${String(i).padStart(4, '0')}`, tenantId: `ten_${i % 50}`, url, description: null, enabled: true, disabledReason: null, filters: {},
    secrets: [{ secret: SECRET, createdAt: at }], createdAt: at, updatedAt: at, failingSince: null,
  }));
  for (const sub of subs) await store.save(sub);
  const engine = await startSubscriptionDeliveries({
    connection: redis,
    prefix,
    config: { ...DEFAULT_SUBSCRIPTIONS_CONFIG, allowHttp: true, allowPrivateTargets: ['127.0.0.0/8'], rateLimitPerMinute: 1_000_000 },
    email: undefined,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });

  let round = 0;
  const movementFor = (n: number): Movement => {
    const txHash = `0x${n.toString(16).padStart(64, '0')}`;
    const watched = '0x00000000000000000000000000000000000c0ffe';
    return {
      id: buildMovementId('ethereum', txHash, 'native', watched), chain: 'ethereum', direction: 'out', kind: 'native', txHash, blockNumber: 19_000_000, blockHash: `0x${'ab'.repeat(32)}`,
      logIndex: null, tracePosition: null, from: '0x00000000000000000000000000000000000C0fFE', to: '0x000000000000000000000000000000000000bEEF',
      asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: 10n ** 18n, tokenId: null, watchedAddress: watched,
      watchlist: [{ address: '0x00000000000000000000000000000000000C0fFE', label: 'bench hacker', incident: 'bench-2025', source: 'https://example.org', tags: [] }],
      confirmations: 1, txFrom: '0x00000000000000000000000000000000000C0fFE',
    };
  };

  async function chainwatchFanOut(): Promise<void> {
    const n = ++round;
    const target = received + SUBSCRIPTIONS;
    const done = untilReceived(target);
    const count = await engine.fanOut(movementFor(n), `mv-bench-${n}`, new Date());
    if (count !== SUBSCRIPTIONS) throw new Error(`fanned out to ${count} subscriptions`);
    await done;
  }

  // The same signed bodies over a plain keep-alive agent.
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  async function rawPosts(): Promise<void> {
    const n = ++round;
    const timestamp = new Date();
    const m = movementFor(n);
    const signed = subs.map((sub) => {
      const webhookId = buildWebhookId(`mv-bench-${n}`, sub.id);
      const body = JSON.stringify(buildWebhookPayload(m, timestamp));
      return { body, headers: signWithSecrets({ secrets: sub.secrets, id: webhookId, timestampSeconds: Math.floor(timestamp.getTime() / 1000), body, now: timestamp }) };
    });
    const start = performance.now();
    let next = 0;
    const post = (item: (typeof signed)[number]): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(item.body)), ...item.headers } }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end(item.body);
      });
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < signed.length) await post(signed[next++]!);
    }));
    return void (rawTimes.push((performance.now() - start) / 1000));
  }
  const rawTimes: number[] = [];

  await chainwatchFanOut(); // warm-up of both
  await rawPosts();
  rawTimes.length = 0;
  const fanOutTimes: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    gc();
    await rawPosts();
    gc();
    const start = performance.now();
    await chainwatchFanOut();
    fanOutTimes.push((performance.now() - start) / 1000);
  }
  const rate = (xs: readonly number[], f: (xs: readonly number[]) => number): number => SUBSCRIPTIONS / f(xs);
  console.log(`one movement to ${SUBSCRIPTIONS} subscriptions on a local receiver, ${ROUNDS} interleaved rounds (ratio: deliveries/s against raw keep-alive POSTs/s of the same signed bodies)`);
  console.table([
    { case: `raw keep-alive POSTs, ${CONCURRENCY} at a time (baseline)`, best_s: best(rawTimes).toFixed(3), median_s: median(rawTimes).toFixed(3), median_per_s: rate(rawTimes, median).toFixed(0), best_vs_raw: '1.00', median_vs_raw: '1.00' },
    {
      case: 'chainwatch fanOut -> BullMQ -> SSRF-checked POST (target >= 0.5x)',
      best_s: best(fanOutTimes).toFixed(3), median_s: median(fanOutTimes).toFixed(3), median_per_s: rate(fanOutTimes, median).toFixed(0),
      best_vs_raw: (rate(fanOutTimes, best) / rate(rawTimes, best)).toFixed(2), median_vs_raw: (rate(fanOutTimes, median) / rate(rawTimes, median)).toFixed(2),
    },
  ]);
  agent.destroy();
  await engine.close();
} finally {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  server.closeAllConnections();
  server.close();
}
