/**
 * Issue #7 defect 4: the mempool watcher kept every txid it saw for 14 days,
 * so unrelated mempool traffic grew Redis without bound. Only alerted txids
 * that are still in the mempool are kept. Regtest server (both backends),
 * real Redis.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { createBitcoinPoller, type BitcoinPoller } from '../../src/app/btc-poller.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import type { Movement } from '../../src/core/movement.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { watchlistOf } from '../unit/btc/watchlist-of.js';

const CHAIN = 'btcreg';
const UNRELATED = 80;

describe.each(['bitcoin-core-rpc', 'esplora'] as const)('mempool watcher state in Redis over %s', (backendKind) => {
  let chain: RegtestChain;
  let server: RegtestServer;
  let redis: Redis;
  let prefix: string;
  let metrics: Metrics;
  let watched: RegtestWallet[];
  const pollers: BitcoinPoller[] = [];

  beforeEach(async () => {
    chain = createRegtestChain({ initialBlocks: 3 });
    server = await startRegtestServer(chain);
    prefix = uniqueRedisPrefix('mempool');
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    metrics = createMetrics();
    watched = [];
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
    await server.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  function makePoller(extra: { maxMempoolSeenTxids?: number } = {}): BitcoinPoller {
    const poller = createBitcoinPoller({
      ...extra,
      chain: {
        id: CHAIN,
        kind: 'bitcoin',
        network: 'regtest',
        ...(backendKind === 'bitcoin-core-rpc' ? { rpcUrl: server.rpcUrl } : { esploraUrl: server.esploraUrl }),
        confirmations: 1,
        pollIntervalMs: 50,
        startBlock: chain.height() + 1,
        mempool: true,
        seedOnStart: false,
        rpcTimeoutMs: 5_000,
        enabled: true,
      },
      currentWatchlist: () => watchlistOf(CHAIN, watched.map((w) => ({ address: w.address, scriptHex: w.scriptHex }))),
      cursorStore: createRedisCursorStore(redis, prefix),
      outpointStore: createRedisOutpointStore(redis, prefix),
      sink: { publish: () => Promise.resolve() },
      logger: pino({ level: 'silent' }),
      metrics,
    });
    pollers.push(poller);
    return poller;
  }

  async function keysOfPrefix(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys.sort();
  }

  const seenKey = () => `${prefix}:btc:${CHAIN}:mempool-seen`;
  const outpointsKey = () => `${prefix}:btc:${CHAIN}:outpoints`;

  it('keeps only the alerted txids of unrelated-heavy mempool traffic, and forgets them once mined', async () => {
    const poller = makePoller();
    const targets = [chain.newWallet('p2wpkh'), chain.newWallet('p2tr')];
    watched.push(...targets);
    const strangers = Array.from({ length: 8 }, () => chain.newWallet('p2wpkh'));
    const unrelated: string[] = [];
    for (let i = 0; i < UNRELATED; i++) unrelated.push(chain.send(chain.faucet, [{ to: strangers[i % strangers.length]!, amount: 10_000n + BigInt(i) }]));
    const matched = targets.map((w, i) => chain.send(chain.faucet, [{ to: w, amount: 500_000n + BigInt(i) }]));
    expect(chain.mempoolTxids()).toHaveLength(UNRELATED + matched.length);

    const movements: Movement[] = [...(await poller.mempool!.pollOnce())];
    expect(new Set(movements.map((m) => m.txHash))).toEqual(new Set(matched));

    // What the test sent: one remembered txid per alerted transaction, one outpoint per output paying a
    // watched address; nothing for the unrelated transactions.
    expect(await keysOfPrefix()).toEqual([outpointsKey(), seenKey()].sort());
    expect(await redis.zcard(seenKey())).toBe(matched.length);
    expect((await redis.zrange(seenKey(), 0, -1)).sort()).toEqual([...matched].sort());
    expect(await redis.hlen(outpointsKey())).toBe(matched.length);
    expect(await metrics.registry.getSingleMetricAsString('chainwatch_btc_mempool_seen_txids')).toContain(`chainwatch_btc_mempool_seen_txids{chain="${CHAIN}"} ${matched.length}`);

    // Dedupe still holds: the same process and a restarted one alert nothing again.
    expect(await poller.mempool!.pollOnce()).toHaveLength(0);
    expect(await makePoller().mempool!.pollOnce()).toHaveLength(0);

    // Mined: they left the mempool, so nothing about them is kept for the mempool any more.
    chain.mine();
    expect(chain.mempoolTxids()).toHaveLength(0);
    expect(await poller.mempool!.pollOnce()).toHaveLength(0);
    expect(await redis.zcard(seenKey())).toBe(0);
    expect(await keysOfPrefix()).toEqual([outpointsKey()]);
  });

  it('bounds the remembered txids by maxMempoolSeenTxids under a flood of matching transactions', async () => {
    const target = chain.newWallet('p2wpkh');
    watched.push(target);
    const floods = Array.from({ length: 12 }, (_, i) => chain.send(chain.faucet, [{ to: target, amount: 1_000n + BigInt(i) }]));
    const poller = makePoller({ maxMempoolSeenTxids: 5 });
    expect(await poller.mempool!.pollOnce()).toHaveLength(floods.length);
    expect(await redis.zcard(seenKey())).toBe(5);
  });
});
