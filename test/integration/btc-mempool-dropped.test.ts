/**
 * Issue #10 `movement.dropped`: a Bitcoin mempool early warning whose
 * transaction leaves the mempool without confirming (replaced, expired) for
 * `mempoolDropAfterMs` is announced once as `movement.dropped` (same movement,
 * its own job id); one that is mined is settled and never announced. Regtest
 * chain served over Esplora, real Redis for the stores, an injected clock.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEarlyWarningStore } from '../../src/adapters/redis/early-warning-store.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { createBitcoinPoller, type BitcoinPoller } from '../../src/app/btc-poller.js';
import { createMetrics } from '../../src/app/metrics.js';
import type { BitcoinChainConfig } from '../../src/config/schema.js';
import type { Movement } from '../../src/core/movement.js';
import { movementJobId } from '../../src/core/movement-job.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { watchlistOf } from '../unit/btc/watchlist-of.js';

const CHAIN = 'btcreg';
const DROP_AFTER_MS = 60_000;

let chain: RegtestChain;
let server: RegtestServer;
let redis: Redis;
let prefix: string;
let published: Movement[];
let clock: number;
let poller: BitcoinPoller;
let watched: RegtestWallet;

beforeEach(async () => {
  chain = createRegtestChain({ initialBlocks: 3 });
  server = await startRegtestServer(chain);
  prefix = uniqueRedisPrefix('dropped');
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  published = [];
  clock = 1_000_000;
  watched = chain.newWallet('p2wpkh', 'hack-wallet');
  const config: BitcoinChainConfig = {
    id: CHAIN, kind: 'bitcoin', network: 'regtest', esploraUrl: server.esploraUrl, confirmations: 1, pollIntervalMs: 50,
    startBlock: chain.height() + 1, mempool: true, mempoolDropAfterMs: DROP_AFTER_MS, seedOnStart: false, rpcTimeoutMs: 5_000, enabled: true,
  };
  poller = createBitcoinPoller({
    chain: config,
    currentWatchlist: () => watchlistOf(CHAIN, [{ address: watched.address, scriptHex: watched.scriptHex, label: watched.label }]),
    cursorStore: createRedisCursorStore(redis, prefix),
    outpointStore: createRedisOutpointStore(redis, prefix),
    earlyWarnings: createEarlyWarningStore(redis, prefix),
    sink: { publish: async (ms) => void published.push(...ms) },
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    now: () => clock,
  });
});

afterEach(async () => {
  await server.close();
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

async function drain(): Promise<void> {
  for (;;) {
    const step = await poller.follower.pollOnce();
    if (step.processed === 0 && !step.reorged) return;
  }
}

const dropped = (): Movement[] => published.filter((m) => m.event === 'movement.dropped');

describe('movement.dropped', () => {
  it('announces once an early warning whose transaction left the mempool unmined for mempoolDropAfterMs', async () => {
    const txid = chain.send(chain.faucet, [{ to: watched, amount: 25_000_000n }]);
    const [warning] = await poller.mempool!.pollOnce();
    expect(warning).toMatchObject({ txHash: txid, confirmations: 0 });

    chain.dropFromMempool(txid); // replaced by a fee bump, or evicted
    clock += DROP_AFTER_MS / 2;
    await poller.mempool!.pollOnce();
    expect(dropped()).toEqual([]);

    clock += DROP_AFTER_MS;
    await poller.mempool!.pollOnce();
    expect(dropped()).toHaveLength(1);
    const [event] = dropped();
    expect(event).toMatchObject({ id: warning!.id, txHash: txid, confirmations: 0, blockNumber: null, amount: 25_000_000n, event: 'movement.dropped' });
    expect(movementJobId(event!)).toBe(`${warning!.id}-dropped`);

    clock += DROP_AFTER_MS * 10;
    await poller.mempool!.pollOnce();
    expect(dropped()).toHaveLength(1); // never twice
    expect(await redis.hlen(`${prefix}:btc:${CHAIN}:early-warnings`)).toBe(0);
  });

  it('a mined early warning is settled, never announced dropped; one still in the mempool waits', async () => {
    const mined = chain.send(chain.faucet, [{ to: watched, amount: 10_000_000n }]);
    await poller.mempool!.pollOnce();
    chain.mine();
    await drain();
    expect(published.some((m) => m.txHash === mined && m.confirmations >= 1)).toBe(true);

    const waiting = chain.send(chain.faucet, [{ to: watched, amount: 5_000_000n }]);
    await poller.mempool!.pollOnce();
    clock += DROP_AFTER_MS * 5;
    await poller.mempool!.pollOnce(); // still in the mempool: only its last sighting moves on
    clock += DROP_AFTER_MS / 2;
    await poller.mempool!.pollOnce();
    expect(dropped()).toEqual([]);
    expect(published.filter((m) => m.txHash === waiting)).toHaveLength(1);
  });
});
