/**
 * Issue #10 `movement.reorged` on the Bitcoin follower (regtest server over Bitcoin Core RPC), through
 * the real queue, alerter and webhook receiver: the alert of a payment whose block is orphaned is
 * retracted once, and the payment mined again in the new branch is alerted under its own webhook-id.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMovementSink, type ClosableMovementSink } from '../../src/adapters/redis/create-movement-sink.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { MOVEMENTS_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { createRedisReorgLedger } from '../../src/adapters/redis/reorg-ledger.js';
import { startAlerter, type Alerter } from '../../src/app/alerter.js';
import { createBitcoinPoller, type BitcoinPoller } from '../../src/app/btc-poller.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { webhookSchema, type BitcoinChainConfig, type Settings } from '../../src/config/schema.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';
import { watchlistOf } from '../unit/btc/watchlist-of.js';

const CHAIN = 'btcreg';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const logger = createLogger({ level: 'silent' });
let chain: RegtestChain;
let server: RegtestServer;
let connection: Redis;
let prefix: string;
let hooks: WebhookCapture;
let alerter: Alerter;
let sink: ClosableMovementSink;
let watched: RegtestWallet;

function config(): BitcoinChainConfig {
  return { id: CHAIN, kind: 'bitcoin', network: 'regtest', rpcUrl: server.rpcUrl, confirmations: 1, pollIntervalMs: 50, startBlock: chain.height() + 1, mempool: false, seedOnStart: false, rpcTimeoutMs: 5_000, enabled: true };
}

function makePoller(): BitcoinPoller {
  return createBitcoinPoller({
    chain: config(),
    currentWatchlist: () => watchlistOf(CHAIN, [{ address: watched.address, scriptHex: watched.scriptHex, label: watched.label }]),
    cursorStore: createRedisCursorStore(connection, prefix),
    outpointStore: createRedisOutpointStore(connection, prefix),
    sink,
    reorgLedger: createRedisReorgLedger(connection, prefix),
    logger,
    metrics: createMetrics(),
  });
}

async function drain(poller: BitcoinPoller): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const step = await poller.follower.pollOnce();
    if (step.processed === 0 && !step.reorged) return;
  }
  throw new Error('poller did not catch up');
}

beforeAll(async () => {
  chain = createRegtestChain({ initialBlocks: 3 });
  server = await startRegtestServer(chain);
  prefix = uniqueRedisPrefix('btc-reorged');
  connection = await createRedisConnection(TEST_REDIS_URL);
  hooks = await startWebhookCapture(SECRET);
  watched = chain.newWallet('p2wpkh');
  const settings: Settings = {
    chains: new Map([[CHAIN, config()]]),
    email: undefined,
    webhooks: [webhookSchema.parse({ id: 'soc', url: hooks.url, secret: SECRET })],
    api: { port: 0, host: '127.0.0.1' },
    redis: { url: TEST_REDIS_URL, prefix },
    reloadIntervalMs: 2000,
  };
  alerter = await startAlerter({ settings, connection, logger, metrics: createMetrics(), backoffMs: 50 });
  sink = createMovementSink(connection, prefix);
}, 60_000);

afterAll(async () => {
  await alerter?.close();
  await sink?.close();
  await connection?.quit();
  await server?.close();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
});

describe('movement.reorged on Bitcoin', () => {
  it('retracts the alert of an orphaned block once and alerts the payment re-mined in the new branch under a new webhook-id', async () => {
    const poller = makePoller();
    chain.mine(); // the common ancestor, processed
    await drain(poller);
    const txid = chain.send(chain.faucet, [{ to: watched, amount: 1_000_000n }]);
    const [orphan] = chain.mine();
    await drain(poller);
    const detected = await waitFor(() => hooks.received.find((h) => h.body.type === 'movement.detected' && h.body.data['txHash'] === txid), { what: 'the detection' });
    expect(detected.body.data['blockHash']).toBe(orphan);

    // The block is orphaned; its transaction goes back to the mempool and is mined in the longer branch.
    chain.disconnect(1);
    const [replacement] = chain.mine(2);
    expect(replacement).not.toBe(orphan);
    await drain(poller);

    const reorged = await waitFor(() => hooks.received.find((h) => h.body.type === 'movement.reorged'), { what: 'the retraction' });
    const redetected = await waitFor(() => hooks.received.find((h) => h.body.type === 'movement.detected' && h.body.data['blockHash'] === replacement), { what: 'the re-detection' });
    const { reorg, ...original } = reorged.body.data;
    expect(original).toEqual(detected.body.data);
    expect(reorg).toMatchObject({ orphanedBlockHash: orphan });
    expect(reorged.headers['webhook-id']).toBe(String(detected.headers['webhook-id']).replace(/-soc$/, `-reorged-${orphan}-soc`));
    expect(redetected.body.data).toMatchObject({ id: detected.body.data['id'], txHash: txid, blockNumber: chain.height() - 1 });
    expect(redetected.headers['webhook-id']).toBe(String(detected.headers['webhook-id']).replace(/-soc$/, `-redetected-${replacement}-soc`));

    expect(hooks.received.map((h) => h.body.type).sort()).toEqual(['movement.detected', 'movement.detected', 'movement.reorged']);
    // A follower replaying the same blocks (cursor lost) queues nothing new.
    const queue = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
    try {
      const jobIds = async () => (await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed'])).map((j) => String(j.id)).sort();
      const before = await jobIds();
      expect(before).toHaveLength(3);
      await connection.set(`${prefix}:cursor:${CHAIN}`, JSON.stringify({ head: { number: chain.height() - 3, hash: chain.blockHash(chain.height() - 3)! }, recent: [{ number: chain.height() - 3, hash: chain.blockHash(chain.height() - 3)! }] }));
      await drain(makePoller());
      expect(await jobIds()).toEqual(before);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
