import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { JsonRpcProvider, Wallet, getAddress, parseEther, type HDNodeWallet, type JsonRpcSigner, type BaseContract } from 'ethers';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createEvmCodeChecker } from '../../src/adapters/evm-rpc/create-evm-code-checker.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { createFollowStage, type FollowStage } from '../../src/app/follow-stage.js';
import { createWatchlistOverlaySync } from '../../src/app/watchlist-overlay-sync.js';
import { followSchema } from '../../src/config/follow-schema.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import { buildWebhookPayload } from '../../src/core/alert/build-webhook-payload.js';
import { renderEmail } from '../../src/core/alert/render-email.js';
import type { AddressLabel, LabelBook } from '../../src/core/labels/address-label.js';
import type { Movement } from '../../src/core/movement.js';
import { parseMovementJob, serializeMovement } from '../../src/core/movement-job.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { collectingSink } from '../helpers/collecting-sink.js';
import { spawnChainwatch } from '../helpers/spawn-chainwatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { evmWatchlistOf } from '../helpers/evm-watchlist.js';

/**
 * Issue #11 on a real hardhat node and a real Redis: a listed wallet's funds are
 * followed hop by hop, matched from the next transaction (same block included),
 * stopped at labelled exchanges and contracts, never started by forged logs,
 * shared through Redis with a restarted or second poller, and capped.
 */
const CHAIN = 'devchain';
let node: LocalEvmChain;
let provider: JsonRpcProvider;
let signers: JsonRpcSigner[];
let snapshot: string;
let prefix: string;
const connections: Redis[] = [];

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  signers = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => provider.getSigner(i)));
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

beforeEach(async () => {
  prefix = uniqueRedisPrefix('follow');
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

afterEach(async () => {
  await provider.send('evm_setAutomine', [true]);
  await provider.send('evm_revert', [snapshot]);
  for (const r of connections.splice(0)) r.disconnect();
  await deleteRedisPrefix(prefix);
});

const nextBlock = async (): Promise<number> => Number(await provider.send('eth_blockNumber', [])) + 1;

function chainConfig(startBlock: number): EvmChainConfig {
  return { id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, pollIntervalMs: 50, startBlock, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 10, rpcTimeoutMs: 5000, enabled: true };
}

function bookOf(labels: readonly AddressLabel[]): LabelBook {
  const map = new Map(labels.map((l) => [`${l.chain}|${l.address.toLowerCase()}`, l] as const));
  return { size: map.size, lookup: (chain, key) => map.get(`${chain}|${key}`) };
}

interface Stack {
  poller: EvmPoller;
  follow: FollowStage;
  sink: ReturnType<typeof collectingSink>;
  metrics: Metrics;
  currentWatchlist: () => WatchlistIndex;
  refresh: () => Promise<unknown>;
  capEmails: string[];
}

/** One poller process as run-chainwatch wires it: its own Redis connection, overlay sync and follow stage. */
function makeStack(base: WatchlistIndex, startBlock: number, follow: Record<string, unknown> = {}, labels: LabelBook = bookOf([])): Stack {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  connections.push(redis);
  const logger = createLogger({ level: 'silent' });
  const metrics = createMetrics();
  const overlaySync = createWatchlistOverlaySync({ redis, prefix, chains: [CHAIN], logger });
  const currentWatchlist = (): WatchlistIndex => overlaySync.combine(base);
  const chain = chainConfig(startBlock);
  const checker = createEvmCodeChecker({ chain: CHAIN, rpcUrls: [node.rpcUrl] });
  const capEmails: string[] = [];
  const stage = createFollowStage({
    config: followSchema.parse({ maxHops: 2, minAmount: { ETH: '1', USDT: '5000', POISON: '1' }, ...follow }),
    chains: new Map([[CHAIN, chain]]),
    redis,
    prefix,
    labels,
    overlay: overlaySync.overlay,
    currentWatchlist,
    contractsAmong: (_chain, keys) => checker.contractsAmong(keys),
    logger,
    metrics,
    notifyOperator: async (m) => void capEmails.push(`${m.subject}\n${m.text}`),
  });
  const sink = collectingSink();
  const refresh = (): Promise<unknown> => Promise.all([overlaySync.refresh(), stage.refresh()]);
  const poller = createEvmPoller({ chain, currentWatchlist, beforeStep: refresh, cursorStore: createRedisCursorStore(redis, prefix), sink, logger, metrics, rpc: { baseBackoffMs: 5, maxBackoffMs: 20 }, follow: stage });
  return { poller, follow: stage, sink, metrics, currentWatchlist, refresh, capEmails };
}

async function pollToHead(poller: EvmPoller): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const step = await poller.pollOnce();
    if (step.processed === 0 && !step.reorged && poller.position?.head.number === step.headNumber) return;
  }
  throw new Error('poller did not catch up');
}

/** A fresh wallet nobody lists (the thief's next hop). */
const fresh = (): HDNodeWallet => Wallet.createRandom().connect(provider);

async function send(from: JsonRpcSigner | HDNodeWallet, to: string, eth: string): Promise<string> {
  // The nonce straight from the node: ethers' cached count goes stale across evm_revert.
  const nonce = Number(await provider.send('eth_getTransactionCount', [from.address, 'pending']));
  const tx = await from.sendTransaction({ to, value: parseEther(eth), gasLimit: 21_000n, nonce });
  await tx.wait();
  return tx.hash;
}

const outOf = (ms: readonly Movement[], address: string): Movement[] => ms.filter((m) => m.watchedAddress === address.toLowerCase() && m.direction === 'out');

describe('follow the money on a hardhat chain', () => {
  it('follows splits hop by hop: alerts at hops 1 and 2 carry hop, via and path; the hop beyond maxHops is silent; dust creates nothing', async () => {
    const listed = signers[1]!;
    const [a, b, c, d, e, dust] = [fresh(), fresh(), fresh(), fresh(), fresh(), fresh()];
    const start = await nextBlock();
    const tx1 = await send(listed, a.address, '10');
    await send(listed, b.address, '10');
    const dustTx = await send(listed, dust.address, '0.5');
    const tx3 = await send(a, c.address, '4');
    const tx4 = await send(c, d.address, '2');
    await send(d, e.address, '1.5'); // d is hop 3 > maxHops 2: not watched, not alerted
    await send(dust, e.address, '0.2'); // below follow.minAmount: never followed
    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(stack.poller);

    const ms = stack.sink.movements;
    expect(outOf(ms, listed.address).map((m) => m.txHash)).toContain(dustTx);
    const hop1 = outOf(ms, a.address);
    expect(hop1).toHaveLength(1);
    expect(hop1[0]!.txHash).toBe(tx3);
    expect(hop1[0]!.watchlist[0]).toMatchObject({ hop: 1, incident: 'test-hack-2024', label: 'hacker 0', via: { address: getAddress(listed.address), txHash: tx1 }, path: [getAddress(listed.address), a.address] });
    const hop2 = outOf(ms, c.address);
    expect(hop2.map((m) => m.txHash)).toEqual([tx4]);
    expect(hop2[0]!.watchlist[0]).toMatchObject({ hop: 2, via: { address: a.address, txHash: tx3 }, path: [getAddress(listed.address), a.address, c.address] });
    expect(ms.filter((m) => m.watchedAddress === d.address.toLowerCase() || m.watchedAddress === dust.address.toLowerCase())).toEqual([]);

    // What a webhook receiver and an email reader see, after the queue's round trip.
    const queued = parseMovementJob(JSON.parse(JSON.stringify(serializeMovement(hop2[0]!))));
    const payload = buildWebhookPayload(queued, new Date('2026-01-01T00:00:00Z'));
    expect(payload.data.watchlist[0]).toEqual({
      address: c.address, label: 'hacker 0', incident: 'test-hack-2024', source: 'https://example.org/attribution', tags: ['followed'],
      hop: 2, via: { address: a.address, txHash: tx3 }, path: [getAddress(listed.address), a.address, c.address],
    });
    expect(buildWebhookPayload(outOf(ms, listed.address)[0]!, new Date()).data.watchlist[0]).toMatchObject({ hop: 0 });
    expect(buildWebhookPayload(outOf(ms, listed.address)[0]!, new Date()).data.watchlist[0]).not.toHaveProperty('path');
    const email = renderEmail(queued, { subjectPrefix: '[cw]' });
    expect(email.text).toContain(`Path:     hacker 0 → ${a.address.slice(0, 6)}…${a.address.slice(-4)} → ${c.address.slice(0, 6)}…${c.address.slice(-4)}, hop 2`);

    const { entries } = await stack.follow.store.listEntries({ incident: 'test-hack-2024' });
    expect(entries.map((x) => [x.address, x.hop, x.provenance.rule, x.provenance.amount]).sort()).toEqual(
      [
        [a.address, 1, 'min-amount', parseEther('10').toString()],
        [b.address, 1, 'min-amount', parseEther('10').toString()],
        [c.address, 2, 'min-amount', parseEther('4').toString()],
      ].sort(),
    );
    const totals = await stack.follow.store.incidentTotals('test-hack-2024');
    expect(totals.stolen).toEqual({ ETH: parseEther('20').toString() });
    // a sent 4 ETH on, c sent 2 ETH on (gas is not counted: the trail follows value).
    expect(totals.stillHeld).toEqual({ ETH: (parseEther('6') + parseEther('10') + parseEther('2')).toString() });
  });

  it('stops at a labelled exchange: alerted, not followed, counted in the totals and the trail', async () => {
    const listed = signers[1]!;
    const exchange = signers[5]!;
    const other = fresh();
    const start = await nextBlock();
    const toExchange = await send(listed, exchange.address, '5');
    await send(exchange, other.address, '3'); // the exchange's own business: not watched
    const labels = bookOf([{ chain: CHAIN, address: exchange.address, label: 'Binance 14', category: 'exchange', source: 'https://etherscan.io/address/0x28c6c06298d514db089934071355e5743bf21d60' }]);
    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start, {}, labels);
    await pollToHead(stack.poller);

    expect(outOf(stack.sink.movements, listed.address).map((m) => m.txHash)).toContain(toExchange);
    expect(stack.sink.movements.filter((m) => m.watchedAddress === exchange.address.toLowerCase())).toEqual([]);
    expect(await stack.follow.store.getEntry(CHAIN, exchange.address.toLowerCase())).toBeUndefined();
    const totals = await stack.follow.store.incidentTotals('test-hack-2024');
    expect(totals.toExchanges).toEqual([{ exchange: 'Binance 14', amounts: { ETH: parseEther('5').toString() } }]);
    const trail = await stack.follow.store.incidentTrail('test-hack-2024');
    expect(trail.nodes).toContainEqual(expect.objectContaining({ address: getAddress(exchange.address), hop: null, counterparty: { label: 'Binance 14', category: 'exchange', address: getAddress(exchange.address) } }));
  });

  it('does not follow into an unlabelled contract', async () => {
    const listed = signers[1]!;
    const splitter = await deployContract(signers[0]!, 'Splitter', []);
    const target = fresh();
    const start = await nextBlock();
    const tx = (await splitter.connect(listed).getFunction('split')([target.address], { value: parseEther('5') })) as { wait(): Promise<unknown>; hash: string };
    await tx.wait();
    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(stack.poller);
    expect(outOf(stack.sink.movements, listed.address).map((m) => m.txHash)).toContain(tx.hash);
    expect(await stack.follow.store.getEntry(CHAIN, (await splitter.getAddress()).toLowerCase())).toBeUndefined();
    expect(await stack.follow.store.getEntry(CHAIN, target.address.toLowerCase())).toBeUndefined();
  });

  it('marks a derived entry that forwards nearly all it received to one exchange as that exchange\'s deposit address and stops following it', async () => {
    const listed = signers[1]!;
    const exchange = signers[5]!;
    const deposit = fresh();
    const start = await nextBlock();
    await send(listed, deposit.address, '10');
    const forward = await send(deposit, exchange.address, '9.99');
    const labels = bookOf([{ chain: CHAIN, address: exchange.address, label: 'Kraken 4', category: 'exchange', source: 'https://example.org/kraken' }]);
    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start, {}, labels);
    await pollToHead(stack.poller);

    expect(outOf(stack.sink.movements, deposit.address).map((m) => m.txHash)).toEqual([forward]);
    const entry = await stack.follow.store.getEntry(CHAIN, deposit.address.toLowerCase());
    expect(entry).toMatchObject({ status: 'stopped' });
    expect(entry?.statusReason).toContain('exchange-deposit');
    expect(stack.follow.labelBook.lookup(CHAIN, deposit.address.toLowerCase())).toMatchObject({ category: 'exchange-deposit', label: 'Kraken 4 deposit address (heuristic)' });
    // No longer watched: its next move is silent.
    await send(deposit, fresh().address, '0.001');
    await pollToHead(stack.poller);
    expect(outOf(stack.sink.movements, deposit.address)).toHaveLength(1);
    expect(stack.currentWatchlist().lookup(CHAIN, deposit.address.toLowerCase())).toBeUndefined();
  });

  it('matches a hop inside the same block from the next transaction on', async () => {
    const listed = signers[1]!;
    // Hardhat refuses a pending transaction its sender cannot pay for yet, so the first hop is a funded account.
    const a = signers[4]!;
    const c = fresh();
    const start = await nextBlock();
    const aNonce = Number(await provider.send('eth_getTransactionCount', [a.address, 'pending']));
    await provider.send('evm_setAutomine', [false]);
    const fee = await provider.getFeeData();
    const first = await listed.sendTransaction({ to: a.address, value: parseEther('10'), gasLimit: 21_000n, maxFeePerGas: fee.maxFeePerGas! * 2n, maxPriorityFeePerGas: fee.maxPriorityFeePerGas! * 2n });
    const second = await a.sendTransaction({ to: c.address, value: parseEther('5'), gasLimit: 21_000n, nonce: aNonce, maxFeePerGas: fee.maxFeePerGas!, maxPriorityFeePerGas: fee.maxPriorityFeePerGas! });
    await provider.send('evm_mine', []);
    await provider.send('evm_setAutomine', [true]);
    const r1 = await provider.getTransactionReceipt(first.hash);
    const r2 = await provider.getTransactionReceipt(second.hash);
    expect(r1!.blockNumber).toBe(r2!.blockNumber);
    expect(r1!.index).toBeLessThan(r2!.index);

    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(stack.poller);
    const hop = outOf(stack.sink.movements, a.address);
    expect(hop.map((m) => [m.txHash, m.blockNumber])).toEqual([[second.hash, r1!.blockNumber]]);
    expect(hop[0]!.watchlist[0]).toMatchObject({ hop: 1, via: { txHash: first.hash }, path: [getAddress(listed.address), getAddress(a.address)] });
    expect(await stack.follow.store.getEntry(CHAIN, c.address.toLowerCase())).toMatchObject({ hop: 2, provenance: { txHash: second.hash } });
    // The creating transaction's own receipt by `a` is not re-alerted as a separate movement.
    expect(stack.sink.movements.filter((m) => m.watchedAddress === a.address.toLowerCase() && m.txHash === first.hash)).toEqual([]);

    // The same block processed again (a crash before the cursor was saved) with `a` already watched from Redis:
    // the same movements, no receipt of `a` in the creating transaction, no double count of its balance.
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    await redis.del(`${prefix}:cursor:${CHAIN}`);
    const again = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(again.poller);
    expect(again.sink.movements.map((m) => m.id).sort()).toEqual(stack.sink.movements.map((m) => m.id).sort());
    expect((await again.follow.store.getEntry(CHAIN, a.address.toLowerCase()))?.remaining).toBe((await stack.follow.store.getEntry(CHAIN, a.address.toLowerCase()))?.remaining);
  });

  it('never derives from a forged Transfer log; a transfer the watched wallet signed does', async () => {
    const listed = signers[1]!;
    const stranger = signers[3]!;
    const victim = fresh();
    const recipient = fresh();
    const poison = await deployContract(signers[0]!, 'PoisonToken', []);
    const token = await deployContract(signers[0]!, 'TestToken', ['Tether Test', 'USDT', 6]);
    await (await (token.connect(signers[0]!).getFunction('mint') as (to: string, v: bigint) => Promise<{ wait(): Promise<unknown> }>)(listed.address, 100_000_000_000n)).wait();
    const start = await nextBlock();
    const forged = await call(poison, stranger, 'forge', listed.address, victim.address, 10n ** 24n);
    const real = await call(token, listed, 'transfer', recipient.address, 6_000_000_000n);
    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(stack.poller);
    expect(stack.sink.movements.some((m) => m.txHash === forged)).toBe(true);
    expect(await stack.follow.store.getEntry(CHAIN, victim.address.toLowerCase())).toBeUndefined();
    expect(await stack.follow.store.getEntry(CHAIN, recipient.address.toLowerCase())).toMatchObject({ hop: 1, provenance: { txHash: real, asset: { symbol: 'USDT' }, amount: '6000000000' } });
  });

  it('keeps entries across a restart and shares them with a second poller process', async () => {
    const listed = signers[1]!;
    const a = fresh();
    const next = fresh();
    const start = await nextBlock();
    const tx1 = await send(listed, a.address, '10');
    const first = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(first.poller);
    expect(await first.follow.store.getEntry(CHAIN, a.address.toLowerCase())).toMatchObject({ hop: 1 });

    // A second process (and the first after a restart) starts from Redis alone.
    const second = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await second.refresh();
    expect(second.currentWatchlist().lookup(CHAIN, a.address.toLowerCase())).toEqual([expect.objectContaining({ hop: 1, via: { address: getAddress(listed.address), txHash: tx1 }, owner: 'derived:test-hack-2024' })]);
    const tx2 = await send(a, next.address, '3');
    await pollToHead(second.poller); // continues from the shared cursor
    expect(outOf(second.sink.movements, a.address).map((m) => [m.txHash, m.watchlist[0]?.hop])).toEqual([[tx2, 1]]);
    expect(await second.follow.store.getEntry(CHAIN, next.address.toLowerCase())).toMatchObject({ hop: 2, provenance: { parentAddress: a.address } });
  });

  it('a second poller process (`chainwatch start --role poller`) matches entries another process derived, from Redis alone', async () => {
    const listed = signers[1]!;
    const a = fresh();
    const next = fresh();
    const start = await nextBlock();
    await send(listed, a.address, '10');
    const first = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
    await pollToHead(first.poller);
    const tx2 = await send(a, next.address, '3');
    const dir = mkdtempSync(join(tmpdir(), 'chainwatch-follow-'));
    mkdirSync(join(dir, 'watchlists'));
    writeFileSync(join(dir, 'chainwatch.yaml'), stringify({
      chains: { [CHAIN]: { kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: start } },
      redis: { url: TEST_REDIS_URL, prefix }, subscriptions: {},
      follow: { enabled: true, maxHops: 2, minAmount: { ETH: '1' } },
    }));
    writeFileSync(join(dir, 'watchlists', 'test.yaml'), stringify({ entries: [{ chain: CHAIN, address: getAddress(listed.address), label: 'hacker 0', incident: 'test-hack-2024', source: 'https://example.org/attribution' }] }));
    const child = await spawnChainwatch(['--role', 'poller', '--port', '0', '--config', dir], { env: { REDIS_URL: TEST_REDIS_URL } });
    try {
      const derivedByChild = await waitFor(() => first.follow.store.getEntry(CHAIN, next.address.toLowerCase()), { what: 'the second process to follow the hop out of a derived entry' });
      expect(derivedByChild).toMatchObject({ hop: 2, provenance: { parentAddress: a.address, txHash: tx2 }, path: [getAddress(listed.address), a.address, next.address] });
    } finally {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('caps active entries per incident', async () => {
    const listed = signers[1]!;
    const [a, b] = [fresh(), fresh()];
    const start = await nextBlock();
    await send(listed, a.address, '10');
    await send(listed, b.address, '10');
    const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start, { maxPerIncident: 1 });
    await pollToHead(stack.poller);
    expect(await stack.follow.store.activeCount('test-hack-2024')).toBe(1);
    expect(await stack.follow.store.getEntry(CHAIN, b.address.toLowerCase())).toBeUndefined();
    expect(stack.capEmails.join('\n')).toContain('follow.maxPerIncident (1)');
  });
});

async function call(contract: BaseContract, signer: JsonRpcSigner, method: string, ...args: unknown[]): Promise<string> {
  const tx = (await contract.connect(signer).getFunction(method)(...args)) as { wait(): Promise<unknown>; hash: string };
  await tx.wait();
  return tx.hash;
}
