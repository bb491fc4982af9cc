import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisOutpointStore } from '../../src/adapters/redis/outpoint-store.js';
import { createBitcoinPoller, type BitcoinPoller } from '../../src/app/btc-poller.js';
import { createFollowStage, type FollowStage } from '../../src/app/follow-stage.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { createWatchlistOverlaySync } from '../../src/app/watchlist-overlay-sync.js';
import { followSchema } from '../../src/config/follow-schema.js';
import type { BitcoinChainConfig } from '../../src/config/schema.js';
import { EMPTY_LABEL_BOOK } from '../../src/core/labels/address-label.js';
import type { Movement } from '../../src/core/movement.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { watchlistOf } from '../unit/btc/watchlist-of.js';

/** Issue #11 on the Bitcoin regtest chain (real signed transactions and blocks): peel chains and the per-transaction cap. */
const CHAIN = 'btcreg';
const BTC = 100_000_000n;

describe('follow the money on Bitcoin regtest', () => {
  let chain: RegtestChain;
  let server: RegtestServer;
  let redis: Redis;
  let prefix: string;
  const pollers: BitcoinPoller[] = [];

  beforeEach(async () => {
    chain = createRegtestChain({ initialBlocks: 3 });
    server = await startRegtestServer(chain);
    prefix = uniqueRedisPrefix('followbtc');
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
    await server.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });

  function makeStack(listed: RegtestWallet, follow: Record<string, unknown>): { poller: BitcoinPoller; stage: FollowStage; published: Movement[]; metrics: Metrics } {
    const config: BitcoinChainConfig = { id: CHAIN, kind: 'bitcoin', network: 'regtest', rpcUrl: server.rpcUrl, confirmations: 1, pollIntervalMs: 50, startBlock: chain.height() + 1, mempool: false, seedOnStart: false, rpcTimeoutMs: 5_000, enabled: true };
    const logger = createLogger({ level: 'silent' });
    const metrics = createMetrics();
    const base = watchlistOf(CHAIN, [{ address: listed.address, scriptHex: listed.scriptHex, label: 'Exploiter 1' }]);
    const overlaySync = createWatchlistOverlaySync({ redis, prefix, chains: [CHAIN], logger });
    const currentWatchlist = (): WatchlistIndex => overlaySync.combine(base);
    const stage = createFollowStage({ config: followSchema.parse({ minAmount: { BTC: '0.05' }, ...follow }), chains: new Map([[CHAIN, config]]), redis, prefix, labels: EMPTY_LABEL_BOOK, overlay: overlaySync.overlay, currentWatchlist, logger, metrics });
    const published: Movement[] = [];
    const poller = createBitcoinPoller({
      chain: config, currentWatchlist, beforeStep: () => Promise.all([overlaySync.refresh(), stage.refresh()]),
      cursorStore: createRedisCursorStore(redis, prefix), outpointStore: createRedisOutpointStore(redis, prefix),
      sink: { publish: async (ms) => void published.push(...ms) }, logger, metrics, follow: stage,
    });
    pollers.push(poller);
    return { poller, stage, published, metrics };
  }

  /** The listed wallet receives the stolen coins while watched, so its outputs are remembered and their spends matched. */
  async function fund(poller: BitcoinPoller, listed: RegtestWallet): Promise<void> {
    chain.send(chain.faucet, [{ to: listed, amount: 10n * BTC }]);
    chain.mine();
    await drain(poller);
  }

  async function drain(poller: BitcoinPoller): Promise<void> {
    for (;;) {
      const step = await poller.follower.pollOnce();
      if (step.processed === 0 && !step.reorged) return;
    }
  }

  it('follows a peel chain of 20 steps to its end within a hop budget of 2; the peeled-off outputs are hops of their own', async () => {
    const listed = chain.newWallet('p2wpkh', 'exploiter');
    const { poller, stage, published } = makeStack(listed, { maxHops: 2 });
    await fund(poller, listed);
    const walk: RegtestWallet[] = [listed];
    const peels: RegtestWallet[] = [];
    const txids: string[] = [];
    for (let step = 0; step < 20; step++) {
      const next = chain.newWallet(step % 2 === 0 ? 'p2tr' : 'p2wpkh');
      const peel = chain.newWallet('p2wpkh');
      // One input, two outputs: 0.1 BTC peeled off, the rest moves on to a fresh address.
      txids.push(chain.send(walk[step]!, [{ to: peel, amount: BTC / 10n }], { fee: 2_000n, changeTo: next }));
      chain.mine();
      await drain(poller);
      walk.push(next);
      peels.push(peel);
    }
    const end = walk[20]!;
    const last = await stage.store.getEntry(CHAIN, end.scriptHex);
    expect(last).toMatchObject({ status: 'active', hop: 1, peelSteps: 20, provenance: { rule: 'peel-chain', txHash: txids[19], parentAddress: walk[19]!.address } });
    expect(last!.path).toEqual(walk.map((w) => w.address));
    // Every step was alerted live, each from the entry the previous step made.
    for (let step = 1; step < 20; step++) {
      const spend = published.find((m) => m.txHash === txids[step] && m.watchedAddress === walk[step]!.address);
      expect(spend?.watchlist[0]).toMatchObject({ hop: 1, via: { address: walk[step - 1]!.address, txHash: txids[step - 1] } });
    }
    // The peeled outputs: hop 1 off the listed wallet, hop 2 off the chain.
    expect(await stage.store.getEntry(CHAIN, peels[0]!.scriptHex)).toMatchObject({ hop: 1, provenance: { rule: 'min-amount' } });
    expect(await stage.store.getEntry(CHAIN, peels[7]!.scriptHex)).toMatchObject({ hop: 2, provenance: { rule: 'min-amount' } });

    // A peeled output moving on is alerted at hop 2; its recipient would be hop 3 > maxHops: not followed.
    const beyond = chain.newWallet('p2wpkh');
    // Three outputs: not a peel step, so the recipient would be a hop of its own.
    const onward = chain.send(peels[7]!, [{ to: beyond, amount: BTC / 20n }, { to: chain.newWallet('p2wpkh'), amount: BTC / 50n }], { fee: 1_000n });
    chain.mine();
    await drain(poller);
    expect(published.find((m) => m.txHash === onward)?.watchlist[0]).toMatchObject({ hop: 2 });
    expect(await stage.store.getEntry(CHAIN, beyond.scriptHex)).toBeUndefined();
  }, 60_000);

  it('follows a peel step by its own budget: past maxPeelSteps the continuation spends a hop', async () => {
    const listed = chain.newWallet('p2wpkh');
    const { poller, stage } = makeStack(listed, { maxHops: 2, maxPeelSteps: 1 });
    await fund(poller, listed);
    const w1 = chain.newWallet('p2wpkh');
    const w2 = chain.newWallet('p2wpkh');
    chain.send(listed, [{ to: chain.newWallet('p2wpkh'), amount: BTC / 10n }], { changeTo: w1 });
    chain.mine();
    await drain(poller);
    chain.send(w1, [{ to: chain.newWallet('p2wpkh'), amount: BTC / 10n }], { changeTo: w2 });
    chain.mine();
    await drain(poller);
    expect(await stage.store.getEntry(CHAIN, w1.scriptHex)).toMatchObject({ hop: 1, peelSteps: 1, provenance: { rule: 'peel-chain' } });
    expect(await stage.store.getEntry(CHAIN, w2.scriptHex)).toMatchObject({ hop: 2, peelSteps: 0, provenance: { rule: 'min-amount' } });
  });

  it('follows a hop inside one block: the new entry\'s spend later in the block is matched and alerted', async () => {
    const listed = chain.newWallet('p2wpkh');
    const { poller, stage, published } = makeStack(listed, {});
    await fund(poller, listed);
    const [a, b, c] = [chain.newWallet('p2tr'), chain.newWallet('p2wpkh'), chain.newWallet('p2wpkh')];
    const first = chain.send(listed, [{ to: a, amount: 4n * BTC }, { to: b, amount: 1n * BTC }]);
    // Spends the output `first` created, in the same block (three outputs: a split, not a peel step).
    const second = chain.send(a, [{ to: c, amount: 3n * BTC }, { to: chain.newWallet('p2wpkh'), amount: BTC / 2n }]);
    const [hash] = chain.mine();
    await drain(poller);
    const spend = published.filter((m) => m.txHash === second);
    expect(spend.map((m) => [m.direction, m.watchedAddress, m.blockHash])).toEqual([['self', a.address, hash]]);
    expect(spend[0]!.watchlist[0]).toMatchObject({ hop: 1, via: { address: listed.address, txHash: first }, path: [listed.address, a.address] });
    expect(await stage.store.getEntry(CHAIN, c.scriptHex)).toMatchObject({ hop: 2, provenance: { txHash: second, parentAddress: a.address } });
    // Its own receipt in the creating transaction is the parent's alert, not a second one.
    expect(published.filter((m) => m.txHash === first).map((m) => m.watchedAddress)).toEqual([listed.address]);
  });

  it('creates at most follow.maxPerTransaction entries from one transaction, the largest first, and counts the cap', async () => {
    const listed = chain.newWallet('p2wpkh');
    const { poller, stage, metrics } = makeStack(listed, { maxPerTransaction: 2 });
    await fund(poller, listed);
    const [small, large, middle] = [chain.newWallet('p2wpkh'), chain.newWallet('p2wpkh'), chain.newWallet('p2wpkh')];
    chain.send(listed, [{ to: small, amount: 1n * BTC }, { to: large, amount: 3n * BTC }, { to: middle, amount: 2n * BTC }]);
    chain.mine();
    await drain(poller);
    const { entries } = await stage.store.listEntries({ incident: 'test-hack-2024' });
    expect(entries.map((e) => e.address).sort()).toEqual([large.address, middle.address].sort());
    const caps = await metrics.registry.getSingleMetric('chainwatch_follow_caps_total')!.get();
    expect(caps.values.find((v) => v.labels['cap'] === 'per-transaction')?.value).toBe(1);
  });
});
