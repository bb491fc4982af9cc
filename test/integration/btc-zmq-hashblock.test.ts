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

// Issue #13: chains.<id>.zmqUrl. A ZeroMQ publisher stands in for Bitcoin Core's -zmqpubhashblock; the poll
// interval is an hour, so only a hashblock notification can make the poller see a new block.
const CHAIN = 'btcreg';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('Bitcoin poller with chains.<id>.zmqUrl', () => {
  it('alerts a block announced by a ZeroMQ hashblock notification, also after the publisher restarted', async () => {
    const chain = createRegtestChain({ initialBlocks: 3 });
    const server: RegtestServer = await startRegtestServer(chain);
    cleanups.push(() => server.close());
    const prefix = uniqueRedisPrefix('btc-zmq');
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => {
      redis.disconnect();
      await deleteRedisPrefix(prefix);
    });
    // A free port can be taken by another test between the probe and the bind: probe again then.
    let zmqUrl = '';
    let publisher = new Publisher({ linger: 0 });
    for (let attempt = 1; zmqUrl === ''; attempt++) {
      const url = `tcp://127.0.0.1:${await findFreePort()}`;
      try {
        await publisher.bind(url);
        zmqUrl = url;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
    cleanups.push(async () => publisher.close());

    const wallet = chain.newWallet('p2wpkh');
    const published: Movement[] = [];
    const poller: BitcoinPoller = createBitcoinPoller({
      chain: { id: CHAIN, kind: 'bitcoin', network: 'regtest', rpcUrl: server.rpcUrl, zmqUrl, confirmations: 1, pollIntervalMs: 3_600_000, startBlock: chain.height() + 1, mempool: false, seedOnStart: false, rpcTimeoutMs: 5_000, enabled: true },
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
});
