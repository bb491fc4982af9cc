/**
 * Issue #7: chain data an attacker can write must never stall an EVM chain or
 * mislabel an amount. Real hardhat node, real Redis cursor store, the real
 * poller; a node:http proxy in front of hardhat plays a flaky provider.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { JsonRpcProvider, getAddress, parseEther, parseUnits, type BaseContract, type JsonRpcSigner } from 'ethers';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createLogger, type Logger } from '../../src/app/logger.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { DECIMALS_SELECTOR } from '../../src/core/evm/decode-token-metadata.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import type { Movement } from '../../src/core/movement.js';
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
  signers = await Promise.all([0, 1, 2, 3, 4].map((i) => provider.getSigner(i)));
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  redis?.disconnect();
  await node?.stop();
});

beforeEach(async () => {
  prefix = uniqueRedisPrefix('evm-hostile');
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

afterEach(async () => {
  await provider.send('evm_revert', [snapshot]);
  await deleteRedisPrefix(prefix);
});

const watchlistOf = (...addresses: string[]): WatchlistIndex => evmWatchlistOf(CHAIN, ...addresses);

/** A pino logger whose lines land in `lines` (parsed), to assert on what an operator reads. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter((l) => l.trim() !== '')) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

function makePoller(watchlist: WatchlistIndex, startBlock: number, extra: { rpcUrl?: string; logger?: Logger; maxLookupAttempts?: number } = {}) {
  const sink = collectingSink();
  const metrics = createMetrics();
  const chain: EvmChainConfig = {
    id: CHAIN, kind: 'evm', rpcUrls: [extra.rpcUrl ?? node.rpcUrl], confirmations: 1, pollIntervalMs: 50, startBlock,
    explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 10, rpcTimeoutMs: 60_000, enabled: true,
  };
  const poller = createEvmPoller({
    chain,
    currentWatchlist: () => watchlist,
    cursorStore: createRedisCursorStore(redis, prefix),
    sink,
    logger: extra.logger ?? createLogger({ level: 'silent' }),
    metrics,
    rpc: { baseBackoffMs: 5, maxBackoffMs: 20 },
    ...(extra.maxLookupAttempts !== undefined ? { maxLookupAttempts: extra.maxLookupAttempts } : {}),
  });
  return { poller, sink, metrics };
}

/**
 * Steps the poller (as its loop would, failed steps included) until it has caught up with the head.
 * Returns how many steps failed on the way. Throws if it does not catch up within `maxSteps`.
 */
async function pollToHead(poller: EvmPoller, maxSteps = 30): Promise<number> {
  let failures = 0;
  for (let i = 0; i < maxSteps; i++) {
    try {
      const step = await poller.pollOnce();
      if (step.processed === 0 && !step.reorged && poller.position?.head.number === step.headNumber) return failures;
    } catch {
      failures++;
    }
  }
  throw new Error(`poller did not catch up within ${maxSteps} steps (${failures} failed)`);
}

const nextBlock = async (): Promise<number> => Number(await provider.send('eth_blockNumber', [])) + 1;
const headNumber = async (): Promise<number> => Number(await provider.send('eth_blockNumber', []));
const call = async (contract: BaseContract, signer: JsonRpcSigner, method: string, ...args: unknown[]): Promise<string> => {
  const tx = (await contract.connect(signer).getFunction(method)(...args)) as { wait(): Promise<unknown>; hash: string };
  await tx.wait();
  return tx.hash;
};

async function counter(metrics: Metrics, labels: { chain: string; lookup: string; reason: string }): Promise<number> {
  const m = await metrics.lookupGaps.get();
  return m.values
    .filter((v) => v.labels.chain === labels.chain && v.labels.lookup === labels.lookup && v.labels.reason === labels.reason)
    .reduce((s, v) => s + v.value, 0);
}

interface FlakyRpc {
  readonly url: string;
  /** eth_call / eth_getTransactionReceipt requests answered with an error. */
  failed: number;
  close(): Promise<void>;
}

/**
 * A JSON-RPC proxy in front of hardhat that answers "limit exceeded" (-32005, transient) to every
 * decimals() eth_call of one contract and every eth_getTransactionReceipt of one transaction, and
 * forwards everything else: one lookup that never succeeds, on an otherwise healthy node.
 */
async function startFlakyRpc(target: string, fail: { decimalsOf?: string; receiptOf?: string }): Promise<FlakyRpc> {
  const state = { failed: 0 };
  const failing = (req: { method?: string; params?: unknown[] }): boolean => {
    const p0 = req.params?.[0] as { to?: string; data?: string } | string | undefined;
    if (req.method === 'eth_call' && typeof p0 === 'object' && fail.decimalsOf !== undefined) {
      return p0.to?.toLowerCase() === fail.decimalsOf.toLowerCase() && p0.data === DECIMALS_SELECTOR;
    }
    return req.method === 'eth_getTransactionReceipt' && typeof p0 === 'string' && fail.receiptOf !== undefined && p0.toLowerCase() === fail.receiptOf.toLowerCase();
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const parsedReq = JSON.parse(body) as unknown;
        const answer: unknown = await upstream.json();
        const requests = (Array.isArray(parsedReq) ? parsedReq : [parsedReq]) as { id: number; method?: string; params?: unknown[] }[];
        const responses = (Array.isArray(answer) ? answer : [answer]) as { id: number }[];
        const out = responses.map((r) => {
          const request = requests.find((q) => q.id === r.id);
          if (!request || !failing(request)) return r;
          state.failed++;
          return { jsonrpc: '2.0', id: r.id, error: { code: -32005, message: 'limit exceeded' } };
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(answer) ? out : out[0]));
      })().catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get failed() {
      return state.failed;
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('EVM poller against hostile chain data (issue #7)', () => {
  it('a token whose decimals() burns all gas is alerted as UNKNOWN in raw units, flagged, and the chain goes on to a later real transfer', async () => {
    const [deployer, attacker, watched, victim] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const hostile = await deployContract(attacker, 'HostileToken');
    const token = await deployContract(deployer, 'TestToken', ['Tether Test', 'USDT', 6]);
    const start = await nextBlock();
    const forged = await call(hostile, attacker, 'forge', victim.address, watched.address, 123_456_789n);
    const real = await call(token, deployer, 'mint', watched.address, parseUnits('2.5', 6));
    const { logger, lines } = capturingLogger();
    const { poller, sink, metrics } = makePoller(watchlistOf(watched.address), start, { logger });
    await pollToHead(poller);

    expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash])).toEqual([
      ['erc20', 'in', forged],
      ['erc20', 'in', real],
    ]);
    const [evil, usdt] = sink.movements as [Movement, Movement];
    expect(evil.asset).toEqual({ contract: await hostile.getAddress(), symbol: 'UNKNOWN', decimals: 0, rawUnits: true });
    expect(evil.amount).toBe(123_456_789n);
    expect(usdt.asset).toEqual({ contract: await token.getAddress(), symbol: 'USDT', decimals: 6 });
    expect(poller.position?.head.number).toBe(await headNumber());
    expect(await counter(metrics, { chain: CHAIN, lookup: 'token_metadata', reason: 'execution_failed' })).toBe(1);
    const gap = lines.find((l) => l['lookup'] === 'token-metadata');
    expect(gap).toMatchObject({ chain: CHAIN, subject: (await hostile.getAddress()).toLowerCase(), reason: 'execution-failed' });
  }, 120_000);

  it('a forged Transfer(from = watched) in a transaction the watched wallet did not send carries txFrom, the real sender', async () => {
    const [, attacker, watched, victim] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const hostile = await deployContract(attacker, 'HostileToken');
    const start = await nextBlock();
    const forged = await call(hostile, attacker, 'forge', watched.address, victim.address, 1n);
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    expect(sink.movements).toHaveLength(1);
    expect(sink.movements[0]).toMatchObject({ kind: 'erc20', direction: 'out', txHash: forged, from: getAddress(watched.address), txFrom: getAddress(attacker.address) });
  }, 120_000);

  it('a hybrid (ERC-404-style) token: ERC-20 legs with the contract\'s decimals, ERC-721 legs with their token ids', async () => {
    const [deployer, seller, watched] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const hybrid = await deployContract(deployer, 'HybridToken');
    const start = await nextBlock();
    const moved = await call(hybrid, seller, 'move', seller.address, watched.address, parseEther('1.5'), 77n);
    const { poller, sink } = makePoller(watchlistOf(watched.address), start);
    await pollToHead(poller);

    const contract = await hybrid.getAddress();
    expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash, m.amount, m.tokenId, m.asset])).toEqual([
      ['erc721', 'in', moved, 1n, 77n, { contract, symbol: 'HYB', decimals: 0 }],
      ['erc20', 'in', moved, parseEther('1.5'), null, { contract, symbol: 'HYB', decimals: 18 }],
    ]);
  }, 120_000);

  it('a lookup failing transiently every time (decimals() of one token, the receipt of one transaction) holds the block only a bounded number of steps, then the gap is logged and counted', async () => {
    const [deployer, watched, other] = signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
    const token = await deployContract(deployer, 'TestToken', ['Test USD', 'tUSD', 6]);
    const start = await nextBlock();
    const minted = await call(token, deployer, 'mint', watched.address, 5_000_000n);
    const sent = await watched.sendTransaction({ to: other.address, value: parseEther('0.5') });
    await sent.wait();
    const later = await other.sendTransaction({ to: watched.address, value: 7n });
    await later.wait();
    const flaky = await startFlakyRpc(node.rpcUrl, { decimalsOf: await token.getAddress(), receiptOf: sent.hash });
    try {
      const { logger, lines } = capturingLogger();
      const { poller, sink, metrics } = makePoller(watchlistOf(watched.address), start, { rpcUrl: flaky.url, logger, maxLookupAttempts: 3 });
      const failedSteps = await pollToHead(poller);

      expect(failedSteps).toBeGreaterThanOrEqual(2);
      expect(flaky.failed).toBeGreaterThanOrEqual(4);
      expect(poller.position?.head.number).toBe(await headNumber());
      expect(sink.movements.map((m) => [m.kind, m.direction, m.txHash, m.amount])).toEqual([
        ['erc20', 'in', minted, 5_000_000n],
        ['native', 'out', sent.hash, parseEther('0.5')],
        ['native', 'in', later.hash, 7n],
      ]);
      // Alerted with what is known: the token as UNKNOWN in raw units (never a guessed scale).
      expect(sink.movements[0]!.asset).toEqual({ contract: await token.getAddress(), symbol: 'UNKNOWN', decimals: 0, rawUnits: true });
      expect(await counter(metrics, { chain: CHAIN, lookup: 'token_metadata', reason: 'retries_exhausted' })).toBe(1);
      expect(await counter(metrics, { chain: CHAIN, lookup: 'tx_status', reason: 'retries_exhausted' })).toBe(1);
      const gaps = lines.filter((l) => l['reason'] === 'retries-exhausted');
      expect(gaps.map((l) => [l['lookup'], l['subject']])).toEqual(expect.arrayContaining([
        ['token-metadata', (await token.getAddress()).toLowerCase()],
        ['tx-status', sent.hash],
      ]));
    } finally {
      await flaky.close();
    }
  }, 120_000);
});
