import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { JsonRpcProvider, getAddress, parseEther, type BaseContract, type JsonRpcSigner } from 'ethers';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import type { Movement } from '../../src/core/movement.js';
import type { CursorStore } from '../../src/core/ports.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { collectingSink } from '../helpers/collecting-sink.js';
import { evmWatchlistOf } from '../helpers/evm-watchlist.js';


const CHAIN = 'devchain';
let node: LocalEvmChain;
let provider: JsonRpcProvider;
let redis: Redis;
let prefix: string;
let snapshot: string;
let signers: JsonRpcSigner[];

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  signers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => provider.getSigner(i)));
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  redis?.disconnect();
  await node?.stop();
});

beforeEach(async () => {
  prefix = uniqueRedisPrefix('evm');
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

afterEach(async () => {
  await provider.send('evm_revert', [snapshot]);
  await deleteRedisPrefix(prefix);
});

const watchlistOf = (...addresses: string[]): WatchlistIndex => evmWatchlistOf(CHAIN, ...addresses);

function chainConfig(startBlock: number, rpcUrls = [node.rpcUrl]): EvmChainConfig {
  return { id: CHAIN, kind: 'evm', rpcUrls, confirmations: 1, pollIntervalMs: 50, startBlock, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 10, rpcTimeoutMs: 5000, enabled: true };
}

interface Harness {
  poller: EvmPoller;
  sink: ReturnType<typeof collectingSink>;
  metrics: Metrics;
  cursorStore: CursorStore;
}

function makePoller(watchlist: WatchlistIndex, startBlock: number, extra: { rpcUrls?: string[]; sink?: ReturnType<typeof collectingSink>; metrics?: Metrics } = {}): Harness {
  const sink = extra.sink ?? collectingSink();
  const metrics = extra.metrics ?? createMetrics();
  const cursorStore = createRedisCursorStore(redis, prefix);
  const poller = createEvmPoller({
    chain: chainConfig(startBlock, extra.rpcUrls),
    currentWatchlist: () => watchlist,
    cursorStore,
    sink,
    logger: createLogger({ level: 'silent' }),
    metrics,
    rpc: { baseBackoffMs: 5, maxBackoffMs: 20 },
  });
  return { poller, sink, metrics, cursorStore };
}

/** Polls step by step until the poller has caught up with the head. */
async function pollToHead(poller: EvmPoller): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const step = await poller.pollOnce();
    if (step.processed === 0 && !step.reorged && poller.position?.head.number === step.headNumber) return;
  }
  throw new Error('poller did not catch up');
}

// Straight to the node: ethers caches getBlockNumber briefly, which goes stale across evm_revert.
const nextBlock = async (): Promise<number> => Number(await provider.send('eth_blockNumber', [])) + 1;
const call = async (contract: BaseContract, signer: JsonRpcSigner, method: string, ...args: unknown[]) => {
  const tx = (await contract.connect(signer).getFunction(method)(...args)) as { wait(): Promise<unknown>; hash: string };
  await tx.wait();
  return tx.hash;
};

async function gauge(metrics: Metrics, name: 'tracesAvailable' | 'reorgs' | 'rpcErrors' | 'blocksProcessed'): Promise<number> {
  const m = await metrics[name].get();
  return m.values.find((v) => v.labels['chain'] === CHAIN)?.value ?? 0;
}

describe('EVM poller against a hardhat node', () => {
  it('reports native value sent out of and into a watched address, with EIP-55 addresses and the native asset', async () => {
    const [watched, victim, exchange] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const start = await nextBlock();
    const out = await watched.sendTransaction({ to: exchange.address, value: parseEther('1.5') });
    await out.wait();
    const inbound = await victim.sendTransaction({ to: watched.address, value: parseEther('2') });
    await inbound.wait();
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    expect(sink.movements).toHaveLength(2);
    const [m1, m2] = sink.movements as [Movement, Movement];
    expect(m1).toMatchObject({
      chain: CHAIN, kind: 'native', direction: 'out', txHash: out.hash, from: getAddress(watched.address), to: getAddress(exchange.address),
      amount: parseEther('1.5'), tokenId: null, logIndex: null, asset: { contract: null, symbol: 'ETH', decimals: 18 },
      watchedAddress: watched.address.toLowerCase(), blockNumber: start,
    });
    expect(m1.id).toBe(`${CHAIN}-${out.hash}-native-${watched.address.toLowerCase()}`);
    expect(m1.watchlist[0]?.incident).toBe('test-hack-2024');
    expect(m1.confirmations).toBe(2); // one more block (the inbound transfer) was mined on top
    expect(m2).toMatchObject({ kind: 'native', direction: 'in', txHash: inbound.hash, from: getAddress(victim.address), amount: parseEther('2'), confirmations: 1 });
  });

  it('finds ERC-20 transfers where the watched address appears only in the Transfer log, with the token symbol and decimals', async () => {
    const [deployer, watched, spender, exchange] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const token = await deployContract(deployer, 'TestToken', ['Tether Test', 'USDT', 6]);
    const tokenAddress = await token.getAddress();
    await call(token, watched, 'approve', spender.address, 10n ** 30n);
    const start = await nextBlock();
    const mint = await call(token, deployer, 'mint', watched.address, 5_000_000n);
    const pull = await call(token, spender, 'transferFrom', watched.address, exchange.address, 1_250_000n);
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash, m.amount])).toEqual([
      ['erc20', 'in', mint, 5_000_000n],
      ['erc20', 'out', pull, 1_250_000n],
    ]);
    const out = sink.movements[1]!;
    expect(out).toMatchObject({ from: getAddress(watched.address), to: getAddress(exchange.address), asset: { contract: tokenAddress, symbol: 'USDT', decimals: 6 }, tokenId: null });
    expect(out.logIndex).toBe(0);
    expect(out.id).toBe(`${CHAIN}-${pull}-txlog0-${watched.address.toLowerCase()}`);
  });

  it('reports an approve with no value sent by a watched address as activity, and nothing for unrelated traffic', async () => {
    const [deployer, watched, stranger, other] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const token = await deployContract(deployer, 'TestToken', ['Test', 'TT', 18]);
    const start = await nextBlock();
    const approve = await call(token, watched, 'approve', other.address, 1n);
    await call(token, deployer, 'mint', stranger.address, 10n);
    await call(token, stranger, 'transfer', other.address, 5n);
    await (await stranger.sendTransaction({ to: other.address, value: 1n })).wait();
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    expect(sink.movements).toHaveLength(1);
    expect(sink.movements[0]).toMatchObject({ kind: 'activity', direction: 'out', txHash: approve, amount: 0n, from: getAddress(watched.address), to: await token.getAddress() });
    expect(sink.movements[0]!.id).toBe(`${CHAIN}-${approve}-activity-${watched.address.toLowerCase()}`);
  });

  it('finds ERC-721 transfers (tokenId from the 4th topic) without activity for the sending watched address', async () => {
    const [deployer, watched, buyer] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const nft = await deployContract(deployer, 'TestNft');
    const start = await nextBlock();
    const mint = await call(nft, deployer, 'mint', watched.address, 42n);
    const sale = await call(nft, watched, 'transferFrom', watched.address, buyer.address, 42n);
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash, m.tokenId, m.amount])).toEqual([
      ['erc721', 'in', mint, 42n, 1n],
      ['erc721', 'out', sale, 42n, 1n],
    ]);
    expect(sink.movements[1]!.asset).toEqual({ contract: await nft.getAddress(), symbol: 'TNFT', decimals: 0 });
  });

  it('finds ERC-1155 single and batch transfers, one movement per batch item', async () => {
    const [deployer, watched, fence] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const multi = await deployContract(deployer, 'TestMultiToken');
    await call(multi, deployer, 'mint', watched.address, 1n, 100n);
    await call(multi, deployer, 'mint', watched.address, 2n, 200n);
    const start = await nextBlock();
    const single = await call(multi, watched, 'safeTransferFrom', watched.address, fence.address, 1n, 10n, '0x');
    const batch = await call(multi, watched, 'safeBatchTransferFrom', watched.address, fence.address, [1n, 2n], [20n, 30n], '0x');
    const { poller, sink } = makePoller(watchlistOf(fence.address), start);
    await pollToHead(poller);

    expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash, m.tokenId, m.amount, m.logIndex])).toEqual([
      ['erc1155', 'in', single, 1n, 10n, 0],
      ['erc1155', 'in', batch, 1n, 20n, 0],
      ['erc1155', 'in', batch, 2n, 30n, 0],
    ]);
    const w = fence.address.toLowerCase();
    expect(sink.movements.map((m) => m.id)).toEqual([`${CHAIN}-${single}-txlog0-${w}`, `${CHAIN}-${batch}-txlog0-0-${w}`, `${CHAIN}-${batch}-txlog0-1-${w}`]);
    expect(sink.movements[0]!.asset).toEqual({ contract: await multi.getAddress(), symbol: 'ERC1155', decimals: 0 });
  });

  it('reports a reverted value transfer from a watched address as activity, not as moved value', async () => {
    const [deployer, watched] = signers as [JsonRpcSigner, JsonRpcSigner];
    const splitter = await deployContract(deployer, 'Splitter');
    const start = await nextBlock();
    // split([]) requires a non-empty list: the transaction is mined but reverts.
    const data = splitter.interface.encodeFunctionData('split', [[]]);
    // Hardhat mines the failing transaction and answers the send with an error.
    await provider.send('eth_sendTransaction', [{ from: watched.address, to: await splitter.getAddress(), value: '0xde0b6b3a7640000', data, gas: '0x30000' }]).catch(() => undefined);
    const mined = (await provider.send('eth_getBlockByNumber', [`0x${start.toString(16)}`, false])) as { transactions: string[] };
    const hash = mined.transactions[0]!;
    const receipt = (await provider.send('eth_getTransactionReceipt', [hash])) as { status: string };
    expect(receipt.status).toBe('0x0');
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    expect(sink.movements).toHaveLength(1);
    expect(sink.movements[0]).toMatchObject({ kind: 'activity', direction: 'out', amount: 0n, blockNumber: start, txHash: hash });
  });

  it('without call traces (hardhat has none) reports traces unavailable with the gauge at 0 and still finds the top-level transfer', async () => {
    const [deployer, watched, a, b] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const splitter = await deployContract(deployer, 'Splitter');
    const start = await nextBlock();
    const split = await call(splitter, watched, 'split', [a.address, b.address], { value: 1000n });
    const { poller, sink, metrics } = makePoller(watchlistOf(watched.address, a.address), start);
    await pollToHead(poller);

    expect(poller.source.traceMode).toBe('none');
    expect(await gauge(metrics, 'tracesAvailable')).toBe(0);
    // The internal 500 wei to `a` needs traces; the watched sender's top-level value is found.
    expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash, m.amount])).toEqual([['native', 'out', split, 1000n]]);
  });

  it('reports a self transfer once, and both sides when both are watched', async () => {
    const [w1, w2] = signers as [JsonRpcSigner, JsonRpcSigner];
    const start = await nextBlock();
    const self = await w1.sendTransaction({ to: w1.address, value: 7n });
    await self.wait();
    const both = await w1.sendTransaction({ to: w2.address, value: 9n });
    await both.wait();
    const { poller, sink } = makePoller(watchlistOf(w1.address, w2.address), start);
    await pollToHead(poller);

    expect(sink.movements.map((m) => [m.direction, m.txHash, m.watchedAddress, m.amount])).toEqual([
      ['self', self.hash, w1.address.toLowerCase(), 7n],
      ['out', both.hash, w1.address.toLowerCase(), 9n],
      ['in', both.hash, w2.address.toLowerCase(), 9n],
    ]);
  });
});

describe('EVM poller: durability', () => {
  it('a new poller on the same Redis cursor resumes after blocks mined while stopped, with no gap and no repeat', async () => {
    const [watched, other] = signers as [JsonRpcSigner, JsonRpcSigner];
    const watchlist = watchlistOf(watched.address);
    const start = await nextBlock();
    const sent: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const tx = await other.sendTransaction({ to: watched.address, value: BigInt(i) });
      await tx.wait();
      sent.push(tx.hash);
    }
    const first = makePoller(watchlist, start);
    await pollToHead(first.poller);
    await first.poller.stop();
    for (let i = 4; i <= 7; i++) {
      const tx = await other.sendTransaction({ to: watched.address, value: BigInt(i) });
      await tx.wait();
      sent.push(tx.hash);
    }
    // startBlock is ignored once a cursor exists: the second poller continues from Redis.
    const second = makePoller(watchlist, start, { sink: first.sink });
    await pollToHead(second.poller);

    expect(first.sink.movements.map((m) => m.txHash)).toEqual(sent);
    expect(first.sink.movements.map((m) => m.amount)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(await gauge(second.metrics, 'blocksProcessed')).toBe(4);
  });

  it('rewinds a reorg, counts it, and finds the movements of the replacement blocks', async () => {
    const [watched, other, third] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const watchlist = watchlistOf(watched.address);
    const start = await nextBlock();
    const { poller, sink, metrics } = makePoller(watchlist, start);
    const fork = (await provider.send('evm_snapshot', [])) as string;
    const orphan = await other.sendTransaction({ to: watched.address, value: 111n });
    await orphan.wait();
    await pollToHead(poller);
    expect(sink.movements.map((m) => m.txHash)).toEqual([orphan.hash]);

    await provider.send('evm_revert', [fork]);
    const replacement = await third.sendTransaction({ to: watched.address, value: 222n });
    await replacement.wait();
    const later = await other.sendTransaction({ to: watched.address, value: 333n });
    await later.wait();
    const step = await poller.pollOnce();
    expect(step.reorged).toBe(true);
    expect(await gauge(metrics, 'reorgs')).toBe(1);
    await pollToHead(poller);

    expect(sink.movements.map((m) => [m.txHash, m.amount])).toEqual([
      [orphan.hash, 111n],
      [replacement.hash, 222n],
      [later.hash, 333n],
    ]);
    expect(poller.position?.head.hash).toBe((await provider.getBlock('latest'))?.hash);
  });
});
