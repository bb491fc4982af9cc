/**
 * Nodes differ in what they offer; the EVM poller probes once per chain and uses
 * the best it has: eth_getBlockReceipts (covered in evm-rpc-resilience), one
 * range eth_getLogs per batch, eth_getLogs per block hash, or every
 * transaction's receipt where eth_getLogs is disabled; and Arbitrum's
 * arbtrace_block for pre-Nitro blocks. A real hardhat node behind a proxy that
 * refuses what the emulated node lacks. Each case asserts the movements found,
 * the methods used, the status object and the metric.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Interface, JsonRpcProvider, getAddress, type JsonRpcSigner } from 'ethers';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { RetryableError } from '../../src/core/errors.js';
import type { Movement, WatchlistRef } from '../../src/core/movement.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';
import { deployContract, loadDevContractArtifact } from '../../src/devchain/deploy-contract.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

const CHAIN = 'capchain';
let node: LocalEvmChain;
let provider: JsonRpcProvider;
let redis: Redis;
let prefix: string;
let snapshot: string;
let signers: JsonRpcSigner[];
const servers: Server[] = [];

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  signers = await Promise.all([0, 1, 2, 3].map((i) => provider.getSigner(i)));
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
}, 120_000);

afterAll(async () => {
  provider?.destroy();
  redis?.disconnect();
  await node?.stop();
});

beforeEach(async () => {
  prefix = uniqueRedisPrefix('evmcap');
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await provider.send('evm_revert', [snapshot]);
  await deleteRedisPrefix(prefix);
});

interface Call {
  readonly method: string;
  readonly params: unknown[];
}

/** Forwards to hardhat, except: `refuse` methods answer "method not found"; range eth_getLogs answers a provider's range limit when `noRanges`; arbtrace_block is served (parity format) for calls to `splitter`. */
async function emulatedNode(options: { refuse?: readonly string[]; noRanges?: boolean; splitter?: string; staleRanges?: number }): Promise<{ url: string; calls: Call[]; staleServed: () => number }> {
  const calls: Call[] = [];
  let stale = 0;
  const iface = new Interface(loadDevContractArtifact('Splitter').abi);
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const r = await fetch(node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return ((await r.json()) as { result: unknown }).result;
  };
  const arbtrace = async (n: unknown): Promise<unknown> => {
    const block = (await rpc('eth_getBlockByNumber', [n, true])) as { hash: string; transactions: { hash: string; from: string; to: string | null; value: string; input: string }[] };
    return block.transactions.flatMap((tx, position) => {
      const children = options.splitter !== undefined && tx.to?.toLowerCase() === options.splitter.toLowerCase()
        ? (iface.decodeFunctionData('split', tx.input) as unknown as [string[]])[0].map((to) => ({ to: to.toLowerCase(), value: BigInt(tx.value) / 2n }))
        : [];
      return [
        { type: 'call', action: { callType: 'call', from: tx.from, to: tx.to, value: tx.value }, traceAddress: [], blockHash: block.hash, transactionHash: tx.hash, transactionPosition: position, subtraces: children.length },
        ...children.map((c, i) => ({ type: 'call', action: { callType: 'call', from: options.splitter!.toLowerCase(), to: c.to, value: `0x${c.value.toString(16)}` }, traceAddress: [i], blockHash: block.hash, transactionHash: tx.hash, transactionPosition: position, subtraces: 0 })),
      ];
    });
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as (Call & { id: number }) | (Call & { id: number })[];
      const list = Array.isArray(parsed) ? parsed : [parsed];
      calls.push(...list.map((c) => ({ method: c.method, params: c.params })));
      Promise.all(
        list.map(async (c) => {
          const fail = (code: number, message: string): unknown => ({ jsonrpc: '2.0', id: c.id, error: { code, message } });
          if (c.method === 'eth_getBlockReceipts' || c.method === 'debug_traceBlockByNumber' || c.method === 'trace_block' || options.refuse?.includes(c.method)) {
            return fail(-32601, `the method ${c.method} does not exist/is not available`);
          }
          const filter = c.params[0] as { fromBlock?: string } | undefined;
          if (c.method === 'eth_getLogs' && options.noRanges && filter?.fromBlock !== undefined) return fail(-32005, 'query exceeds max block range 1');
          // A lagging backend behind a load balancer: the range answer misses the newest blocks' logs.
          if (c.method === 'eth_getLogs' && filter?.fromBlock !== undefined && stale < (options.staleRanges ?? 0)) {
            stale++;
            return { jsonrpc: '2.0', id: c.id, result: [] };
          }
          if (c.method === 'arbtrace_block') return { jsonrpc: '2.0', id: c.id, result: await arbtrace(c.params[0]) };
          return { jsonrpc: '2.0', id: c.id, result: await rpc(c.method, c.params) };
        }),
      )
        .then((answers) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0])))
        .catch(() => res.destroy());
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, staleServed: () => stale };
}

function watchlistOf(address: string): WatchlistIndex {
  const map = new Map<string, WatchlistRef[]>([[address.toLowerCase(), [{ address: getAddress(address), label: 'hacker', incident: 'test-hack', source: 'https://example.org/a', tags: [] }]]]);
  return { version: 'v1', lookup: (chain, key) => (chain === CHAIN ? map.get(key) : undefined), keysFor: () => new Set(map.keys()), size: map.size };
}

function makePoller(url: string, startBlock: number, watched: string, arbtraceBelowBlock?: number) {
  const movements: Movement[] = [];
  const metrics = createMetrics();
  const poller = createEvmPoller({
    chain: { id: CHAIN, kind: 'evm', rpcUrls: [url], confirmations: 1, pollIntervalMs: 50, startBlock, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 3, rpcTimeoutMs: 5000, enabled: true, ...(arbtraceBelowBlock !== undefined ? { arbtraceBelowBlock } : {}) },
    currentWatchlist: () => watchlistOf(watched),
    cursorStore: createRedisCursorStore(redis, prefix),
    sink: { publish: async (m) => void movements.push(...m) },
    logger: createLogger({ level: 'silent' }),
    metrics,
    rpc: { baseBackoffMs: 5, maxBackoffMs: 20 },
  });
  return { poller, movements, metrics };
}

async function pollToHead(poller: EvmPoller): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const step = await poller.pollOnce();
      if (step.processed === 0 && !step.reorged && poller.position?.head.number === step.headNumber) return;
    } catch (err) {
      expect(err).toBeInstanceOf(RetryableError);
    }
  }
  throw new Error('poller did not reach the head');
}

/** A token mint and a plain payment to `watched`, over several blocks. */
async function activity(watched: string): Promise<{ start: number; mint: string; pay: string }> {
  const [deployer, other] = signers as [JsonRpcSigner, JsonRpcSigner];
  const token = await deployContract(deployer, 'TestToken', ['Test', 'TT', 18]);
  const start = Number(await provider.send('eth_blockNumber', [])) + 1;
  const mint = (await token.connect(deployer).getFunction('mint')(watched, 5n)) as { hash: string; wait(): Promise<unknown> };
  await mint.wait();
  const pay = await other.sendTransaction({ to: watched, value: 3n });
  await pay.wait();
  return { start, mint: mint.hash, pay: pay.hash };
}

const logsModeGauge = async (metrics: ReturnType<typeof createMetrics>): Promise<string[]> =>
  (await metrics.evmLogsMode.get()).values.filter((v) => v.value === 1).map((v) => String(v.labels.mode));

describe('EVM node capabilities', { timeout: 120_000 }, () => {
  it.each([
    ['no eth_getBlockReceipts: one range eth_getLogs per batch', {}, 'rangeLogs'],
    ['ranges refused (provider block-range limit): eth_getLogs per block hash', { noRanges: true }, 'blockLogs'],
    ['eth_getLogs disabled (some public endpoints): every transaction receipt', { refuse: ['eth_getLogs'] }, 'txReceipts'],
  ] as const)('%s', async (_what, nodeOptions, expected) => {
    const watched = (signers[2] as JsonRpcSigner).address;
    const { start, mint, pay } = await activity(watched);
    const emulated = await emulatedNode(nodeOptions);
    const { poller, movements, metrics } = makePoller(emulated.url, start, watched);
    await pollToHead(poller);

    expect(movements.map((m) => [m.kind, m.direction, m.amount, m.txHash])).toEqual([
      ['erc20', 'in', 5n, mint],
      ['native', 'in', 3n, pay],
    ]);
    expect(poller.source.logsMode).toBe(expected);
    expect(poller.source.status()).toEqual({ chain: CHAIN, logs: expected, traces: 'none', arbtraceBelowBlock: undefined });
    expect(await logsModeGauge(metrics)).toEqual([expected]);
    const getLogs = emulated.calls.filter((c) => c.method === 'eth_getLogs').map((c) => c.params[0] as Record<string, unknown>);
    if (expected === 'rangeLogs') expect(getLogs.every((f) => 'fromBlock' in f && 'toBlock' in f)).toBe(true);
    if (expected === 'blockLogs') expect(getLogs.some((f) => 'blockHash' in f)).toBe(true);
    if (expected === 'txReceipts') expect(emulated.calls.some((c) => c.method === 'eth_getTransactionReceipt')).toBe(true);
  });

  it('a range answer missing logs that the blocks\' blooms promise is retried, never taken as empty blocks', async () => {
    const watched = (signers[2] as JsonRpcSigner).address;
    const { start, mint, pay } = await activity(watched);
    const emulated = await emulatedNode({ staleRanges: 2 });
    const { poller, movements } = makePoller(emulated.url, start, watched);
    await pollToHead(poller);

    expect(emulated.staleServed()).toBe(2);
    expect(movements.map((m) => [m.kind, m.txHash])).toEqual([
      ['erc20', mint],
      ['native', pay],
    ]);
  });

  it('Arbitrum pre-Nitro blocks are traced with arbtrace_block: an internal transfer to a watched address is found', async () => {
    const [deployer, sender, , b] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const splitter = await deployContract(deployer, 'Splitter');
    const splitterAddress = await splitter.getAddress();
    const start = Number(await provider.send('eth_blockNumber', [])) + 1;
    const tx = (await splitter.connect(sender).getFunction('split')([signers[2]!.address, b.address], { value: 1000n })) as { hash: string; wait(): Promise<unknown> };
    await tx.wait();
    const head = Number(await provider.send('eth_blockNumber', []));
    const emulated = await emulatedNode({ splitter: splitterAddress });
    const { poller, movements } = makePoller(emulated.url, start, b.address, head + 1);
    await pollToHead(poller);

    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({ kind: 'internal', direction: 'in', txHash: tx.hash, from: splitterAddress, to: getAddress(b.address), amount: 500n });
    expect(emulated.calls.some((c) => c.method === 'arbtrace_block')).toBe(true);
    expect(emulated.calls.some((c) => c.method === 'debug_traceBlockByNumber')).toBe(false);
    expect(poller.source.status().arbtraceBelowBlock).toBe(head + 1);
  });
});
