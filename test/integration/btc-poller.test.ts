import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { createBitcoinPoller, type BitcoinPoller } from '../../src/app/btc-poller.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import type { BitcoinChainConfig } from '../../src/config/schema.js';
import { RetryableError } from '../../src/core/errors.js';
import type { Movement } from '../../src/core/movement.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { watchlistOf } from '../unit/btc/watchlist-of.js';

const CHAIN = 'btcreg';

describe.each(['bitcoin-core-rpc', 'esplora'] as const)('Bitcoin poller on the regtest chain over %s', (backendKind) => {
  let chain: RegtestChain;
  let server: RegtestServer;
  let redis: Redis;
  let prefix: string;
  let published: Movement[];
  let logLines: string[];
  let metrics: Metrics;
  let watched: RegtestWallet[];
  const pollers: BitcoinPoller[] = [];

  beforeEach(async () => {
    chain = createRegtestChain({ initialBlocks: 3 });
    server = await startRegtestServer(chain);
    prefix = uniqueRedisPrefix('btc');
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    published = [];
    logLines = [];
    metrics = createMetrics();
    watched = [];
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
    await server.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  function config(overrides: Partial<BitcoinChainConfig> = {}): BitcoinChainConfig {
    return {
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
      ...overrides,
    };
  }

  function makePoller(overrides: Partial<BitcoinChainConfig> = {}): BitcoinPoller {
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    const poller = createBitcoinPoller({
      chain: config(overrides),
      currentWatchlist: () => watchlistOf(CHAIN, watched.map((w) => ({ address: w.address, scriptHex: w.scriptHex, label: w.label }))),
      cursorStore: createRedisCursorStore(redis, prefix),
      outpointStore: createRedisOutpointStore(redis, prefix),
      sink: { publish: async (ms) => void published.push(...ms) },
      logger,
      metrics,
    });
    pollers.push(poller);
    return poller;
  }

  async function drain(poller: BitcoinPoller): Promise<void> {
    for (;;) {
      const step = await poller.follower.pollOnce();
      if (step.processed === 0 && !step.reorged) return;
    }
  }

  const watch = (w: RegtestWallet): RegtestWallet => (watched.push(w), w);
  const logs = (): string => logLines.join('');

  it('alerts payments into watched P2WPKH, P2TR and P2SH 2-of-3 multisig addresses', async () => {
    const poller = makePoller();
    const [wpkh, tr, ms] = [watch(chain.newWallet('p2wpkh')), watch(chain.newWallet('p2tr')), watch(chain.newWallet('p2sh-multisig'))];
    const txid = chain.send(chain.faucet, [
      { to: wpkh, amount: 150_000_000n },
      { to: tr, amount: 70_000_000n },
      { to: ms, amount: 12_345_678n },
      { to: wpkh, amount: 1_000n },
    ]);
    const [hash] = chain.mine();
    await drain(poller);
    const summary = published.map((m) => [m.direction, m.watchedAddress, m.amount, m.vout]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['in', wpkh.address, 150_001_000n, [0, 3]],
        ['in', tr.address, 70_000_000n, [1]],
        ['in', ms.address, 12_345_678n, [2]],
      ]),
    );
    expect(published).toHaveLength(3);
    for (const m of published) {
      expect(m).toMatchObject({ chain: CHAIN, kind: 'btc', txHash: txid, blockNumber: chain.height(), blockHash: hash, confirmations: 1, logIndex: null, from: [chain.faucet.address], to: [m.watchedAddress] });
      expect(m.id).toBe(`${CHAIN}-${txid}-vout${m.vout![0]}-${m.watchedAddress.toLowerCase()}`);
    }
    expect(tr.address.startsWith('bcrt1p')).toBe(true);
    expect(ms.address.startsWith('2')).toBe(true);
  });

  it('alerts a spend out of a watched address with amount, fee and destination outputs; change back makes it self', async () => {
    const poller = makePoller();
    const tr = watch(chain.newWallet('p2tr'));
    const ms = watch(chain.newWallet('p2sh-multisig'));
    const outsider = chain.newWallet('p2wpkh', 'launderer');
    chain.send(chain.faucet, [{ to: tr, amount: 80_000_000n }, { to: ms, amount: 40_000_000n }]);
    chain.mine();
    await drain(poller);
    published.length = 0;

    const spend = chain.send(tr, [{ to: outsider, amount: 30_000_000n }], { fee: 5_000n, changeTo: chain.faucet });
    const selfSpend = chain.send(ms, [{ to: outsider, amount: 10_000_000n }], { fee: 7_000n });
    chain.mine();
    await drain(poller);
    const out = published.find((m) => m.txHash === spend)!;
    expect(out).toMatchObject({
      direction: 'out',
      watchedAddress: tr.address,
      amount: 80_000_000n,
      vin: [0],
      fee: 5_000n,
      from: [tr.address],
      to: [outsider.address, chain.faucet.address],
      outputs: [
        { vout: 0, address: outsider.address, amount: 30_000_000n },
        { vout: 1, address: chain.faucet.address, amount: 49_995_000n },
      ],
      id: `${CHAIN}-${spend}-vin0-${tr.address}`,
    });
    const self = published.filter((m) => m.txHash === selfSpend);
    expect(self).toHaveLength(1);
    expect(self[0]).toMatchObject({ direction: 'self', watchedAddress: ms.address, amount: 40_000_000n, fee: 7_000n, vin: [0], vout: [1] });
    expect(self[0]!.outputs).toEqual([
      { vout: 0, address: outsider.address, amount: 10_000_000n },
      { vout: 1, address: ms.address, amount: 29_993_000n },
    ]);
  });

  it('catches the first spend of a coin that predates watching once seeded', async () => {
    const old = chain.newWallet('p2wpkh', 'old-hack-wallet');
    const fundTx = chain.send(chain.faucet, [{ to: old, amount: 250_000_000n }]);
    chain.mine(2); // long before chainwatch watches the address
    watch(old);
    const poller = makePoller();
    expect(await poller.seed()).toBe(1);
    const spend = chain.send(old, [{ to: chain.newWallet('p2pkh'), amount: 100_000_000n }], { fee: 3_000n, changeTo: chain.faucet });
    chain.mine();
    await drain(poller);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ direction: 'out', txHash: spend, watchedAddress: old.address, amount: 250_000_000n, fee: 3_000n, vin: [0] });
    expect(logs()).toContain('seeded unspent outputs of watched addresses');
    expect(fundTx).toMatch(/^[0-9a-f]{64}$/);
  });

  it('seeds automatically on start when seedOnStart is set, then follows the chain', async () => {
    const old = watch(chain.newWallet('p2tr', 'old-taproot'));
    chain.send(chain.faucet, [{ to: old, amount: 9_000_000n }]);
    chain.mine();
    const poller = makePoller({ seedOnStart: true, startBlock: chain.height() + 1, mempool: false });
    poller.start();
    await waitFor(() => logs().includes('seeded unspent outputs'), { what: 'seeding at start' });
    const spend = chain.send(old, [{ to: chain.faucet, amount: 8_000_000n }], { fee: 1_000n });
    chain.mine();
    const alert = await waitFor(() => published.find((m) => m.txHash === spend), { what: 'spend alert' });
    expect(alert).toMatchObject({ direction: 'self' === alert.direction ? 'self' : 'out', amount: 9_000_000n, fee: 1_000n });
  });

  it('alerts a mempool transaction once with 0 confirmations, then again on confirmation with the same id', async () => {
    const poller = makePoller();
    const w = watch(chain.newWallet('p2wpkh'));
    const txid = chain.send(chain.faucet, [{ to: w, amount: 42_000_000n }]);
    const early = await poller.mempool!.pollOnce();
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ txHash: txid, confirmations: 0, blockNumber: null, blockHash: null, direction: 'in', amount: 42_000_000n });
    expect(await poller.mempool!.pollOnce()).toHaveLength(0);
    // A restarted process remembers (Redis) that it already alerted this txid.
    expect(await makePoller().mempool!.pollOnce()).toHaveLength(0);
    const [hash] = chain.mine();
    await drain(poller);
    const confirmed = published.filter((m) => m.confirmations >= 1);
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({ id: early[0]!.id, blockHash: hash, blockNumber: chain.height(), confirmations: 1 });
  });

  it('sees a mempool spend of a watched coin, and a child spending its unconfirmed parent', async () => {
    const poller = makePoller();
    const w = watch(chain.newWallet('p2wpkh'));
    const parent = chain.send(chain.faucet, [{ to: w, amount: 5_000_000n }]);
    const child = chain.send(w, [{ to: chain.faucet, amount: 4_000_000n }], { fee: 2_000n, changeTo: chain.faucet });
    const early = await poller.mempool!.pollOnce();
    expect(early.map((m) => [m.txHash, m.direction, m.amount])).toEqual([
      [parent, 'in', 5_000_000n],
      [child, 'out', 5_000_000n],
    ]);
    expect(early[1]!.fee).toBe(2_000n);
  });

  it('rewinds a reorg and alerts the payment in the replacing block', async () => {
    const poller = makePoller();
    const w = watch(chain.newWallet('p2wpkh'));
    chain.mine(); // the common ancestor, already processed
    const first = chain.send(chain.faucet, [{ to: w, amount: 1_000_000n }]);
    const [orphan] = chain.mine();
    await drain(poller);
    expect(published.map((m) => m.txHash)).toEqual([first]);
    chain.disconnect(1, { dropTransactions: true });
    const second = chain.send(chain.faucet, [{ to: w, amount: 2_000_000n }]);
    const [replacement] = chain.mine(2);
    await drain(poller);
    const after = published.slice(1);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ txHash: second, amount: 2_000_000n, blockHash: replacement, blockNumber: chain.height() - 1, confirmations: 2 });
    expect(replacement).not.toBe(orphan);
    expect(poller.follower.position?.head).toEqual({ number: chain.height(), hash: chain.tipHash() });
    expect(logs()).toContain('chain reorganisation: rewinding to the common ancestor');
    expect(await metrics.registry.getSingleMetricAsString('chainwatch_reorgs_total')).toContain(`chainwatch_reorgs_total{chain="${CHAIN}"} 1`);
  });

  it.each(['corrupt-block', 'garbage-block'] as const)('retries a %s and alerts it once the backend sends the real block', async (fault) => {
    const poller = makePoller();
    const w = watch(chain.newWallet('p2wpkh'));
    const txid = chain.send(chain.faucet, [{ to: w, amount: 3_000_000n }]);
    chain.mine();
    server.failNext(fault);
    const failure = await poller.follower.pollOnce().then(() => undefined, (err: unknown) => err);
    expect(failure).toBeInstanceOf(RetryableError);
    expect((failure as RetryableError).code).toBe('BTC_BLOCK_CORRUPT');
    expect(published).toHaveLength(0);
    expect(poller.follower.position).toBeUndefined(); // nothing skipped: the cursor did not move
    await drain(poller);
    expect(published.map((m) => m.txHash)).toEqual([txid]);
    expect(logs()).toMatch(/BTC_BLOCK_CORRUPT/);
  });

  it('retries an HTTP 500 inside the backend call and logs it without the credentials', async () => {
    const poller = makePoller();
    const w = watch(chain.newWallet('p2tr'));
    const txid = chain.send(chain.faucet, [{ to: w, amount: 3_000_000n }]);
    chain.mine();
    server.failNext('http500', 2);
    await drain(poller);
    expect(published.map((m) => m.txHash)).toEqual([txid]);
    expect(logs()).toContain('bitcoin backend call failed; retrying');
    expect(logs()).toContain('BTC_BACKEND_HTTP');
    expect(logs()).not.toContain(server.rpcPassword);
  });

  it('keeps polling while the backend is away and processes every block when it comes back', async () => {
    const poller = makePoller({ mempool: false });
    const w = watch(chain.newWallet('p2sh-multisig'));
    const txids = [chain.send(chain.faucet, [{ to: w, amount: 1_111_111n }])];
    chain.mine();
    txids.push(chain.send(chain.faucet, [{ to: w, amount: 2_222_222n }]));
    chain.mine();
    await server.goAway();
    poller.start();
    await waitFor(() => logs().includes('poll step failed; will retry the same blocks'), { what: 'a failed step to be logged' });
    expect(published).toHaveLength(0);
    await server.comeBack();
    await waitFor(() => published.length >= 2 || undefined, { what: 'both blocks after the backend came back' });
    expect(published.map((m) => [m.txHash, m.amount])).toEqual([
      [txids[0], 1_111_111n],
      [txids[1], 2_222_222n],
    ]);
    expect(logs()).toContain('BTC_BACKEND_UNAVAILABLE');
    expect(logs()).not.toContain(server.rpcPassword);
  });
});
