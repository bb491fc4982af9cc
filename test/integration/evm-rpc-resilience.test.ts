import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Interface, JsonRpcProvider, getAddress, type BaseContract, type JsonRpcSigner } from 'ethers';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { findFreePort } from '../../src/devchain/find-free-port.js';
import { deployContract, loadDevContractArtifact } from '../../src/devchain/deploy-contract.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createEvmRpcClient } from '../../src/adapters/evm-rpc/create-evm-rpc-client.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { RetryableError } from '../../src/core/errors.js';
import type { Movement, WatchlistRef } from '../../src/core/movement.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';


const CHAIN = 'devchain';
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
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  redis?.disconnect();
  await node?.stop();
});

beforeEach(async () => {
  prefix = uniqueRedisPrefix('evmrpc');
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await provider.send('evm_revert', [snapshot]);
  await deleteRedisPrefix(prefix);
});

type Reply = 'pass' | { status: number; body?: string; headers?: Record<string, string> };

/** A node:http JSON-RPC endpoint that answers each request as scripted (by request number, from 1), else forwards to hardhat. */
async function scriptedRpc(script: (n: number, body: string) => Reply): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push(body);
      const reply = script(requests.length, body);
      if (reply !== 'pass') {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body ?? '');
        return;
      }
      fetch(node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(await r.text());
        })
        .catch(() => res.destroy());
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/SECRETKEY123`, requests };
}

function watchlistOf(...addresses: string[]): WatchlistIndex {
  const map = new Map<string, WatchlistRef[]>(addresses.map((a) => [a.toLowerCase(), [{ address: getAddress(a), label: 'hacker', incident: 'test-hack', source: 'https://example.org/a', tags: [] }]]));
  return { version: 'v1', lookup: (chain, key) => (chain === CHAIN ? map.get(key) : undefined), keysFor: () => new Set(map.keys()), size: map.size };
}

function makePoller(rpcUrls: string[], startBlock: number, watched: string, rpc: { maxAttempts?: number } = {}) {
  const movements: Movement[] = [];
  const metrics = createMetrics();
  const poller = createEvmPoller({
    chain: { id: CHAIN, kind: 'evm', rpcUrls, confirmations: 1, pollIntervalMs: 50, startBlock, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 2, rpcTimeoutMs: 3000, enabled: true },
    currentWatchlist: () => watchlistOf(watched),
    cursorStore: createRedisCursorStore(redis, prefix),
    sink: { publish: async (m) => void movements.push(...m) },
    logger: createLogger({ level: 'silent' }),
    metrics,
    rpc: { baseBackoffMs: 5, maxBackoffMs: 20, ...rpc },
  });
  return { poller, movements, metrics };
}

/** Like the follower's loop: a failed step is retried (same blocks) until the poller has caught up. */
async function pollToHead(poller: EvmPoller): Promise<number> {
  let failures = 0;
  for (let i = 0; i < 200; i++) {
    try {
      const step = await poller.pollOnce();
      if (step.processed === 0 && !step.reorged && poller.position?.head.number === step.headNumber) return failures;
    } catch (err) {
      expect(err).toBeInstanceOf(RetryableError);
      failures++;
    }
  }
  throw new Error('poller did not catch up');
}

async function counter(metrics: Metrics, name: 'rpcErrors' | 'blocksProcessed'): Promise<number> {
  // Summed over every label set: RPC errors are counted by kind.
  return (await metrics[name].get()).values.filter((v) => v.labels['chain'] === CHAIN).reduce((sum, v) => sum + v.value, 0);
}

async function sendFive(): Promise<{ start: number; hashes: string[] }> {
  const [watched, other] = signers as [JsonRpcSigner, JsonRpcSigner];
  const start = Number(await provider.send('eth_blockNumber', [])) + 1;
  const hashes: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const tx = await other.sendTransaction({ to: watched.address, value: BigInt(i) });
    await tx.wait();
    hashes.push(tx.hash);
  }
  return { start, hashes };
}

describe('EVM RPC resilience', () => {
  it('fails over from a dead first URL to the good one and finds every movement', async () => {
    const dead = `http://127.0.0.1:${await findFreePort()}/v3/SECRETKEY123`;
    const { start, hashes } = await sendFive();
    const { poller, movements, metrics } = makePoller([dead, node.rpcUrl], start, signers[0]!.address);
    await pollToHead(poller);

    expect(movements.map((m) => m.txHash)).toEqual(hashes);
    expect(await counter(metrics, 'rpcErrors')).toBeGreaterThanOrEqual(1);
  });

  it('retries HTTP 500s, garbage bodies and truncated batches without skipping or repeating a block', async () => {
    const { start, hashes } = await sendFive();
    const bad: Record<number, Reply> = {
      2: { status: 500, body: 'upstream exploded' },
      3: { status: 500 },
      5: { status: 200, body: '<html>not json</html>' },
      8: { status: 200, body: '[{"jsonrpc":"2.0","id":1,"result":"0x1"}]' },
      11: { status: 200, body: '{"jsonrpc":"2.0","id":null,"error":{"code":-32005,"message":"batch too large"}}' },
      12: { status: 503 },
      13: { status: 503 },
    };
    const rpc = await scriptedRpc((n) => bad[n] ?? 'pass');
    const { poller, movements, metrics } = makePoller([rpc.url], start, signers[0]!.address, { maxAttempts: 2 });
    const failedSteps = await pollToHead(poller);

    expect(movements.map((m) => [m.txHash, m.amount])).toEqual(hashes.map((h, i) => [h, BigInt(i + 1)]));
    expect(await counter(metrics, 'blocksProcessed')).toBe(5);
    expect(await counter(metrics, 'rpcErrors')).toBeGreaterThanOrEqual(7);
    expect(failedSteps).toBeGreaterThanOrEqual(1);
  });

  it('leaves a node whose JSON-RPC answers are well-formed but hold garbage for the next URL', async () => {
    const { start, hashes } = await sendFive();
    const liar = await scriptedRpc((_n, body) => {
      const calls = JSON.parse(body) as { id: number; method: string }[];
      if (!calls.some((c) => c.method === 'eth_getBlockByNumber')) return 'pass';
      return { status: 200, body: JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: { number: 'garbage', hash: '0x12' } }))) };
    });
    const { poller, movements } = makePoller([liar.url, node.rpcUrl], start, signers[0]!.address);
    const failedSteps = await pollToHead(poller);

    expect(failedSteps).toBe(1);
    expect(movements.map((m) => m.txHash)).toEqual(hashes);
  });

  it('treats a node that ignores the callTracer (struct logs) as having no traces', async () => {
    const { start, hashes } = await sendFive();
    // Like an Erigon/geth that ignores the tracer option: the real shape of a default-tracer answer.
    const rpc = await scriptedRpc((_n, body) => {
      const calls = JSON.parse(body) as { id: number; method: string }[];
      if (!calls.some((c) => c.method === 'debug_traceBlockByNumber')) return 'pass';
      return { status: 200, body: JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: [{ result: { failed: false, gas: 21000, returnValue: '0x', structLogs: [] }, txHash: hashes[0] }] }))) };
    });
    const { poller, movements, metrics } = makePoller([rpc.url], start, signers[0]!.address);
    await pollToHead(poller);

    expect(poller.source.traceMode).toBe('none');
    expect((await metrics.tracesAvailable.get()).values[0]?.value).toBe(0);
    expect(movements).toHaveLength(5);
  });
});

interface RawTx { hash: string; from: string; to: string | null; value: string; input: string }

/**
 * Hardhat 2 has no call traces, so this endpoint adds them: it answers
 * debug_traceBlockByNumber (callTracer) or trace_block (parity) by decoding the
 * block's Splitter.split() calls, and forwards everything else to hardhat.
 * The other trace method answers "method not found", like a real node.
 */
async function tracingRpc(mode: 'callTracer' | 'parity' | 'none', splitter: string, options: { blockReceipts?: boolean; methods?: string[]; prunedUpTo?: number } = {}): Promise<string> {
  const iface = new Interface(loadDevContractArtifact('Splitter').abi);
  const children = (tx: RawTx): { to: string; value: bigint }[] => {
    if (tx.to?.toLowerCase() !== splitter.toLowerCase()) return [];
    const [to] = iface.decodeFunctionData('split', tx.input) as unknown as [string[]];
    return to.map((a) => ({ to: a.toLowerCase(), value: BigInt(tx.value) / BigInt(to.length) }));
  };
  const traceOf = async (method: string, params: unknown[]): Promise<unknown> => {
    const r = await fetch(node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: [params[0], true] }) });
    const block = ((await r.json()) as { result: { hash: string; number: string; transactions: RawTx[] } }).result;
    if (method === 'debug_traceBlockByNumber') {
      return block.transactions.map((tx) => ({
        txHash: tx.hash,
        result: { type: 'CALL', from: tx.from, to: tx.to, value: tx.value, calls: children(tx).map((c) => ({ type: 'CALL', from: splitter.toLowerCase(), to: c.to, value: `0x${c.value.toString(16)}` })) },
      }));
    }
    return block.transactions.flatMap((tx, position) => [
      { type: 'call', action: { callType: 'call', from: tx.from, to: tx.to, value: tx.value }, traceAddress: [], blockHash: block.hash, transactionHash: tx.hash, transactionPosition: position, subtraces: children(tx).length },
      ...children(tx).map((c, i) => ({ type: 'call', action: { callType: 'call', from: splitter.toLowerCase(), to: c.to, value: `0x${c.value.toString(16)}` }, traceAddress: [i], blockHash: block.hash, transactionHash: tx.hash, transactionPosition: position, subtraces: 0 })),
    ]);
  };
  const served = mode === 'callTracer' ? 'debug_traceBlockByNumber' : mode === 'parity' ? 'trace_block' : 'none';
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const r = await fetch(node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return ((await r.json()) as { result: unknown }).result;
  };
  // eth_getBlockReceipts as geth/erigon offer it, assembled from hardhat's per-transaction receipts.
  const blockReceipts = async (n: string): Promise<unknown> => {
    const block = (await rpc('eth_getBlockByNumber', [n, false])) as { transactions: string[] };
    return Promise.all(block.transactions.map((h) => rpc('eth_getTransactionReceipt', [h])));
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const calls = JSON.parse(body) as { id: number; method: string; params: unknown[] }[];
      options.methods?.push(...calls.map((c) => c.method));
      Promise.all(calls.map(async (c) => {
        if (c.method === 'eth_getBlockReceipts' && options.blockReceipts) return { jsonrpc: '2.0', id: c.id, result: await blockReceipts(c.params[0] as string) };
        // A non-archive geth asked to trace a block whose state it pruned.
        if (c.method === served && options.prunedUpTo !== undefined && Number(c.params[0]) <= options.prunedUpTo) {
          return { jsonrpc: '2.0', id: c.id, error: { code: -32000, message: 'required historical state unavailable (reexec=128)' } };
        }
        if (c.method === served) return { jsonrpc: '2.0', id: c.id, result: await traceOf(c.method, c.params) };
        if (c.method === 'debug_traceBlockByNumber' || c.method === 'trace_block') return { jsonrpc: '2.0', id: c.id, error: { code: -32601, message: `the method ${c.method} does not exist/is not available` } };
        const r = await fetch(node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c) });
        return await r.json();
      }))
        .then((answers) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answers));
        })
        .catch(() => res.destroy());
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('EVM poller: internal transfers from call traces', () => {
  it.each(['callTracer', 'parity'] as const)('finds ETH forwarded inside a contract call to a watched address (%s), gauge at 1', async (mode) => {
    const [deployer, sender, a, b] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const splitter: BaseContract = await deployContract(deployer, 'Splitter');
    const splitterAddress = await splitter.getAddress();
    const start = Number(await provider.send('eth_blockNumber', [])) + 1;
    const tx = (await splitter.connect(sender).getFunction('split')([a.address, b.address], { value: 1000n })) as { hash: string; wait(): Promise<unknown> };
    await tx.wait();
    const url = await tracingRpc(mode, splitterAddress);
    const { poller, movements, metrics } = makePoller([url], start, b.address);
    await pollToHead(poller);

    expect(poller.source.traceMode).toBe(mode);
    expect((await metrics.tracesAvailable.get()).values[0]?.value).toBe(1);
    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({
      kind: 'internal', direction: 'in', txHash: tx.hash, tracePosition: '1', from: splitterAddress, to: getAddress(b.address), amount: 500n,
      asset: { contract: null, symbol: 'ETH', decimals: 18 }, id: `${CHAIN}-${tx.hash}-trace1-${b.address.toLowerCase()}`,
    });
  });
});

describe('EVM poller: pruned (non-archive) tracing node', () => {
  it('catching up over blocks whose state was pruned goes on without their internal transfers, and says so', async () => {
    const [deployer, , a] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const splitter: BaseContract = await deployContract(deployer, 'Splitter');
    const start = Number(await provider.send('eth_blockNumber', [])) + 1;
    const pay = await deployer.sendTransaction({ to: a.address, value: 7n });
    await pay.wait();
    const head = Number(await provider.send('eth_blockNumber', []));
    const url = await tracingRpc('callTracer', await splitter.getAddress(), { prunedUpTo: head });
    const { poller, movements, metrics } = makePoller([url], start, a.address);
    await pollToHead(poller);

    expect(poller.source.traceMode).toBe('callTracer');
    expect(movements.map((m) => [m.kind, m.txHash])).toEqual([['native', pay.hash]]);
    expect((await metrics.traceGaps.get()).values[0]?.value).toBe(head - start + 1);
  });
});

describe('EVM poller: node with eth_getBlockReceipts', () => {
  it('takes logs and statuses from block receipts: no eth_getLogs, no per-transaction receipts, a reverted transfer is activity', async () => {
    const [deployer, watched, other] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const token = await deployContract(deployer, 'TestToken', ['Test', 'TT', 18]);
    const splitter = await deployContract(deployer, 'Splitter');
    const start = Number(await provider.send('eth_blockNumber', [])) + 1;
    const mint = (await token.connect(deployer).getFunction('mint')(watched.address, 5n)) as { hash: string; wait(): Promise<unknown> };
    await mint.wait();
    await provider.send('eth_sendTransaction', [{ from: watched.address, to: await splitter.getAddress(), value: '0x10', data: splitter.interface.encodeFunctionData('split', [[]]), gas: '0x30000' }]).catch(() => undefined);
    const paid = await other.sendTransaction({ to: watched.address, value: 3n });
    await paid.wait();
    const methods: string[] = [];
    const url = await tracingRpc('none', await splitter.getAddress(), { blockReceipts: true, methods });
    const { poller, movements } = makePoller([url], start, watched.address);
    await pollToHead(poller);

    expect(poller.source.blockReceipts).toBe(true);
    expect(movements.map((m) => [m.kind, m.direction, m.amount])).toEqual([
      ['erc20', 'in', 5n],
      ['activity', 'out', 0n],
      ['native', 'in', 3n],
    ]);
    expect(movements[0]!.txHash).toBe(mint.hash);
    expect(methods).not.toContain('eth_getLogs');
    expect(methods).not.toContain('eth_getTransactionReceipt');
  });
});

describe('EVM JSON-RPC client', () => {
  it('sends many calls in one HTTP request and returns results in order', async () => {
    await provider.send('evm_mine', []);
    await provider.send('evm_mine', []);
    const rpc = await scriptedRpc(() => 'pass');
    const client = createEvmRpcClient({ chain: CHAIN, urls: [rpc.url], timeoutMs: 3000 });
    const outcomes = await client.batch([0, 1, 2].map((n) => ({ method: 'eth_getBlockByNumber', params: [`0x${n}`, false] })));

    expect(rpc.requests).toHaveLength(1);
    expect(outcomes.map((o) => (o.ok ? (o.result as { number: string }).number : o.error.code))).toEqual(['0x0', '0x1', '0x2']);
  });

  it('honours Retry-After on HTTP 429', async () => {
    const rpc = await scriptedRpc((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : 'pass'));
    const slept: number[] = [];
    const client = createEvmRpcClient({ chain: CHAIN, urls: [rpc.url], timeoutMs: 3000, sleep: async (ms) => void slept.push(ms) });
    const head = await client.call('eth_blockNumber', []);

    expect(typeof head).toBe('string');
    expect(slept).toEqual([2000]);
  });

  it('never puts the URL path (API key) into errors or failure reports', async () => {
    const rpc = await scriptedRpc(() => ({ status: 502 }));
    const reported: string[] = [];
    const client = createEvmRpcClient({
      chain: CHAIN, urls: [rpc.url], timeoutMs: 3000, maxAttempts: 3, sleep: async () => undefined,
      onAttemptFailed: ({ url, error }) => void reported.push(url, error.message),
    });
    const err: Error = await client.call('eth_blockNumber', []).then(() => new Error('no error'), (e: unknown) => e as Error);

    expect(err).toBeInstanceOf(RetryableError);
    const all = [err.message, String((err.cause as Error | undefined)?.message), ...reported].join('\n');
    expect(all).toContain('127.0.0.1');
    expect(all).not.toContain('SECRETKEY123');
    expect(all).not.toContain('/v3/');
  });

  it('reports JSON-RPC errors per call so the caller can tell a missing method from a failure', async () => {
    const client = createEvmRpcClient({ chain: CHAIN, urls: [node.rpcUrl], timeoutMs: 3000 });
    const [receipts, head] = await client.batch([{ method: 'eth_getBlockReceipts', params: ['0x0'] }, { method: 'eth_blockNumber', params: [] }]);

    expect(receipts).toMatchObject({ ok: false, error: { code: -32004 } });
    expect(head?.ok).toBe(true);
    await expect(client.call('eth_getBlockReceipts', ['0x0'])).rejects.toMatchObject({ name: 'PermanentError', code: 'RPC_METHOD_UNAVAILABLE' });
  });
});
