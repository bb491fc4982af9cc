import { Redis } from 'ioredis';
import { Publisher } from 'zeromq';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { createBitcoinPoller, type BitcoinPoller } from '../../src/app/btc-poller.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { findFreePort } from '../../src/devchain/find-free-port.js';
import type { Movement } from '../../src/core/movement.js';
import { createRegtestChain, startRegtestServer, type RegtestServer } from '../../src/devchain/regtest/index.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { watchlistOf } from '../unit/btc/watchlist-of.js';

// Issue #13: chains.<id>.zmqUrl. A ZeroMQ publisher stands in for Bitcoin Core's -zmqpubhashblock and
// -zmqpubrawtx; the poll interval is an hour, so only a notification can make the poller see a block or a
// new mempool transaction.
const CHAIN = 'btcreg';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A ZeroMQ publisher on a free port (a port can be taken by another test between the probe and the bind: probe again then). */
async function bindPublisher(): Promise<{ publisher: Publisher; zmqUrl: string }> {
  const publisher = new Publisher({ linger: 0 });
  for (let attempt = 1; ; attempt++) {
    const url = `tcp://127.0.0.1:${await findFreePort()}`;
    try {
      await publisher.bind(url);
      return { publisher, zmqUrl: url };
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/**
 * A regtest node, real Redis under a fresh prefix, a ZeroMQ publisher and a poller of one watched wallet
 * that polls once an hour: only a notification makes it see anything. The publisher is the caller's to close.
 */
async function startWatching(name: string, mempool: boolean) {
  const chain = createRegtestChain({ initialBlocks: 3 });
  const server: RegtestServer = await startRegtestServer(chain);
  cleanups.push(() => server.close());
  const prefix = uniqueRedisPrefix(name);
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanups.push(async () => {
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });
  const { publisher, zmqUrl } = await bindPublisher();
  const wallet = chain.newWallet('p2wpkh');
  const published: Movement[] = [];
  const poller: BitcoinPoller = createBitcoinPoller({
    chain: { id: CHAIN, kind: 'bitcoin', network: 'regtest', rpcUrl: server.rpcUrl, zmqUrl, confirmations: 1, pollIntervalMs: 3_600_000, startBlock: chain.height() + 1, mempool, seedOnStart: false, rpcTimeoutMs: 5_000, enabled: true },
    currentWatchlist: () => watchlistOf(CHAIN, [{ address: wallet.address, scriptHex: wallet.scriptHex, label: wallet.label }]),
    cursorStore: createRedisCursorStore(redis, prefix),
    outpointStore: createRedisOutpointStore(redis, prefix),
    sink: { publish: async (ms) => void published.push(...ms) },
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });
  poller.start();
  cleanups.push(() => poller.stop());
  await waitFor(() => poller.follower.status().lastStepOkAt !== null, { what: 'the first step' });
  return { chain, publisher, zmqUrl, wallet, published, poller };
}

describe('Bitcoin poller with chains.<id>.zmqUrl', () => {
  it('alerts a block announced by a ZeroMQ hashblock notification, also after the publisher restarted', async () => {
    const started = await startWatching('btc-zmq', false);
    const { chain, zmqUrl, wallet, published } = started;
    let publisher = started.publisher;
    cleanups.push(async () => publisher.close());

    /** Mines a block paying the watched wallet and announces it until the poller alerts it (a new subscriber misses early messages). */
    const mineAndAnnounce = async (amount: bigint): Promise<Movement> => {
      const txid = chain.send(chain.faucet, [{ to: wallet, amount }]);
      const [hash] = chain.mine();
      return waitFor(async () => {
        await publisher.send(['hashblock', Buffer.from(hash!, 'hex'), Buffer.alloc(4)]);
        return waitFor(() => published.find((m) => m.txHash === txid), { timeoutMs: 500 }).catch(() => undefined);
      }, { what: `the movement of block ${hash}`, timeoutMs: 20_000 });
    };

    expect(await mineAndAnnounce(150_000_000n)).toMatchObject({ chain: CHAIN, direction: 'in', watchedAddress: wallet.address, amount: 150_000_000n });

    // The node restarts (publisher gone and back on the same endpoint): libzmq reconnects by itself.
    await publisher.unbind(zmqUrl);
    publisher.close();
    publisher = new Publisher({ linger: 0 });
    // libzmq releases the endpoint asynchronously after unbind/close: the same endpoint may need a moment.
    await waitFor(() => publisher.bind(zmqUrl).then(() => true, () => undefined), { what: `binding ${zmqUrl} again`, timeoutMs: 10_000 });
    expect(await mineAndAnnounce(2_000n)).toMatchObject({ direction: 'in', watchedAddress: wallet.address, amount: 2_000n });
    expect(published).toHaveLength(2);
  }, 60_000);

  it('alerts a mempool transaction announced by rawtx from the node\'s own copy, once; forged announcements alert nothing', async () => {
    const { chain, publisher, wallet, published, poller } = await startWatching('btc-zmq-rawtx', true);
    cleanups.push(async () => publisher.close());
    // The first mempool poll runs at start (an empty mempool); from here on only rawtx can show a transaction.
    await poller.mempool!.pollOnce();

    let sequence = 0;
    const rawtx = (raw: Uint8Array): [string, Buffer, Buffer] => {
      const seq = Buffer.alloc(4);
      seq.writeUInt32LE(sequence++);
      return ['rawtx', Buffer.from(raw), seq];
    };
    /** Announces `raws` (forgeries first) until the movement of `txid` is published (a new subscriber misses early messages). */
    const announceUntilAlerted = (raws: readonly Uint8Array[], txid: string): Promise<Movement> =>
      waitFor(async () => {
        for (const raw of raws) await publisher.send(rawtx(raw));
        return waitFor(() => published.find((m) => m.txHash === txid), { timeoutMs: 500 }).catch(() => undefined);
      }, { what: `the mempool movement of ${txid}`, timeoutMs: 20_000 });

    // A real mempool transaction paying the watched wallet: alerted as an early warning (not mined).
    const paid = chain.send(chain.faucet, [{ to: wallet, amount: 70_000_000n }]);
    const first = await announceUntilAlerted([chain.rawTransaction(paid)!, chain.rawTransaction(paid)!], paid);
    expect(first).toMatchObject({ chain: CHAIN, direction: 'in', watchedAddress: wallet.address, amount: 70_000_000n, blockNumber: null });

    // Forgeries: a transaction the node dropped (never in its mempool now) and a real one with its amount
    // changed (another txid, unknown to the node). Each would pay the watched wallet if believed.
    const dropped = chain.send(chain.faucet, [{ to: wallet, amount: 5_000n }]);
    const droppedRaw = chain.rawTransaction(dropped)!;
    chain.dropFromMempool(dropped);
    const honest = chain.send(chain.faucet, [{ to: wallet, amount: 9_000n }]);
    const mangled = Buffer.from(chain.rawTransaction(honest)!);
    const amountAt = mangled.indexOf(Buffer.from('2823000000000000', 'hex')); // 9,000 sat, little-endian
    expect(amountAt).toBeGreaterThan(0);
    mangled.writeBigUInt64LE(900_000_000n, amountAt);
    // The honest transaction is announced after the forgeries, so once it is alerted they were handled too.
    await announceUntilAlerted([droppedRaw, mangled, chain.rawTransaction(honest)!], honest);
    expect(published.filter((m) => m.txHash === dropped)).toEqual([]);
    expect(published.filter((m) => m.amount === 900_000_000n)).toEqual([]);

    // Announced again (before a new one, so it was handled once that one is alerted) and polled: each
    // transaction stays alerted once.
    const later = chain.send(chain.faucet, [{ to: wallet, amount: 11_000n }]);
    await announceUntilAlerted([chain.rawTransaction(paid)!, chain.rawTransaction(later)!], later);
    expect(await poller.mempool!.pollOnce()).toEqual([]);
    expect(published.map((m) => m.txHash).sort()).toEqual([paid, honest, later].sort());
  }, 60_000);
});
