/**
 * chainwatch's EVM poller catching up over a range of full blocks, side by side
 * with the raw fetch any indexer has to do for the same blocks, against a real
 * local hardhat node (issue #13 targets 1 and 6).
 * Run: node --import tsx --expose-gc bench/evm-poll-vs-raw-fetch.bench.ts
 * (BENCH_BLOCKS, BENCH_TXS_PER_BLOCK, BENCH_ROUNDS override the defaults 300, 150, 3.)
 *
 * Build: a TestToken is deployed and minted to the 20 dev accounts, then, with
 * automine off, each block gets BENCH_TXS_PER_BLOCK transactions (the 20
 * senders take turns; half ERC-20 transfers, half ETH transfers) sealed by
 * evm_mine. 30 % of the transactions pay one of 10 "watched" recipients (half
 * of those in ETH, half in tokens); the rest pay fresh addresses.
 *
 * Baseline (raw): batched eth_getBlockByNumber(n, true) for maxBlocksPerBatch
 * blocks, then batched eth_getLogs({blockHash}) for them, with plain fetch and
 * JSON.parse, one batch after the other: hardhat has no eth_getBlockReceipts and
 * no callTracer, so this is exactly the data the poller needs from this node and
 * the least any indexer must fetch. The poller adds per step: eth_blockNumber,
 * normalising and checking every block/transaction/log, parent-hash continuity,
 * matching against a 1,000-address watchlist, the status (receipt) of every
 * matched ETH transfer, token metadata (cached), cursor save and publishing.
 *
 * 1) target 1: the running loop (start()) until caught up (in-memory cursor, counting sink),
 *    once with no watched traffic and once with the 30 % watched; plus the
 *    naive approach (ethers getBlock(n, true) + one receipt per transaction) on
 *    a slice of the range, for contrast.
 * 2) target 6: catch-up after downtime: the real start() loop with the Redis
 *    cursor store and the BullMQ movement sink, starting from a cursor BLOCKS
 *    blocks behind the head, timed until it is back at the head.
 * The node's per-request console log is turned off (hardhat_setLoggingEnabled false): hardhat
 * otherwise prints every JSON-RPC call, which doubled its cost of each small call (a receipt:
 * ~0.25 ms with the log, ~0.12 ms without; a full block is unchanged), so the 30 % case measured
 * hardhat's logger more than the node's serving rate. Production nodes do not log per call.
 * BENCH_NODE_LOG=1 keeps the log (the figures before this change).
 * Prints ratios, no absolute thresholds: the machine is shared.
 */
import { JsonRpcProvider, Interface, Wallet, getAddress } from 'ethers';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createEvmPoller } from '../src/app/evm-poller.js';
import { createLogger } from '../src/app/logger.js';
import { createMetrics } from '../src/app/metrics.js';
import type { EvmChainConfig } from '../src/config/schema.js';
import { buildWatchlistIndex } from '../src/core/build-watchlist-index.js';
import type { ChainCursor, CursorStore, MovementSink } from '../src/core/ports.js';
import type { WatchlistEntry } from '../src/core/watchlist.js';
import { createMovementSink } from '../src/adapters/redis/create-movement-sink.js';
import { createRedisCursorStore } from '../src/adapters/redis/cursor-store.js';
import { deployContract, loadDevContractArtifact } from '../src/devchain/deploy-contract.js';
import { startLocalEvmChain } from '../src/devchain/start-local-evm-chain.js';
import { deleteKeysMatching } from '../src/adapters/redis/delete-keys-matching.js';

const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 300);
const TXS_PER_BLOCK = Number(process.env['BENCH_TXS_PER_BLOCK'] ?? 150);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const NAIVE_BLOCKS = Math.min(BLOCKS, 20);
const BATCH = 10; // maxBlocksPerBatch, the config default; the raw fetch uses the same batch size
const CHAIN = 'devchain';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: readonly number[]): number => Math.min(...xs);

const node = await startLocalEvmChain();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefix = `cwbench-evm-${randomBytes(4).toString('hex')}`;
try {
  let nextId = 1;
  /** One JSON-RPC batch over plain fetch; results in call order, errors thrown. */
  async function rpcBatch(calls: readonly { method: string; params: readonly unknown[] }[]): Promise<unknown[]> {
    const ids = calls.map(() => nextId++);
    const res = await fetch(node.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params }))),
    });
    const replies = JSON.parse(await res.text()) as { id: number; result?: unknown; error?: { message: string } }[];
    const byId = new Map(replies.map((r) => [r.id, r]));
    return ids.map((id, i) => {
      const r = byId.get(id);
      if (r === undefined || r.error !== undefined) throw new Error(`${calls[i]!.method} failed: ${r?.error?.message ?? 'no reply'}`);
      return r.result;
    });
  }
  const rpc = async (method: string, params: readonly unknown[] = []): Promise<unknown> => (await rpcBatch([{ method, params }]))[0];

  if (process.env['BENCH_NODE_LOG'] !== '1') await rpc('hardhat_setLoggingEnabled', [false]);
  // --- build the traffic ---
  const buildStart = performance.now();
  const provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  const token = await deployContract(await provider.getSigner(0), 'TestToken', ['Bench Token', 'BNC', 18]);
  const tokenAddress = (await token.getAddress()).toLowerCase();
  provider.destroy();
  const erc20 = new Interface(loadDevContractArtifact('TestToken').abi);
  const accounts = ((await rpc('eth_accounts')) as string[]).map((a) => a.toLowerCase()).slice(0, 20);
  const nonces = await Promise.all(accounts.map(async (a) => Number(await rpc('eth_getTransactionCount', [a, 'pending']))));
  await rpc('evm_setAutomine', [false]);
  const send = (calls: { from: string; to: string; data?: string; value?: string; gas: string }[]): Promise<unknown[]> =>
    rpcBatch(calls.map((tx) => ({ method: 'eth_sendTransaction', params: [{ ...tx, nonce: hex(nonces[accounts.indexOf(tx.from)]!++) }] })));
  const watchedRecipients = Array.from({ length: 10 }, () => Wallet.createRandom().address.toLowerCase());
  const unrelated = (b: number, j: number): string => `0x${'ee'.repeat(12)}${(b * 1000 + j).toString(16).padStart(16, '0')}`;

  const from = Number(await rpc('eth_blockNumber')) + 1;
  await send(accounts.map((a) => ({ from: a, to: tokenAddress, data: erc20.encodeFunctionData('mint', [a, 10n ** 24n]), gas: hex(100_000) })));
  await rpc('evm_mine');
  let watchedTxs = 0;
  for (let b = 0; b < BLOCKS - 1; b++) {
    const txs = [];
    for (let j = 0; j < TXS_PER_BLOCK; j++) {
      const sender = accounts[(b + j) % accounts.length]!;
      // 6 in 20 (30 %) pay a watched recipient; even j are ERC-20 transfers, odd j ETH transfers.
      const watched = j % 20 < 6;
      if (watched) watchedTxs++;
      const to = watched ? watchedRecipients[(b + j) % watchedRecipients.length]! : unrelated(b, j);
      txs.push(
        j % 2 === 0
          ? { from: sender, to: tokenAddress, data: erc20.encodeFunctionData('transfer', [to, 10n ** 18n + BigInt(b)]), gas: hex(100_000) }
          : { from: sender, to, value: hex(10n ** 15n + BigInt(b)), gas: hex(21_000) },
      );
    }
    await send(txs);
    await rpc('evm_mine');
  }
  await rpc('evm_setAutomine', [true]);
  const to = Number(await rpc('eth_blockNumber'));
  if (to - from + 1 !== BLOCKS) throw new Error(`built ${to - from + 1} blocks, wanted ${BLOCKS}`);
  console.log(`built blocks ${from}..${to} (${BLOCKS} blocks, ${TXS_PER_BLOCK} txs each, half ERC-20 transfers, ${((100 * watchedTxs) / ((BLOCKS - 1) * TXS_PER_BLOCK)).toFixed(0)} % paying a watched address) in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`);

  // --- the raw fetch (baseline) ---
  async function rawFetch(first = from, last = to): Promise<{ txs: number; logs: number }> {
    let txs = 0;
    let logs = 0;
    for (let n = first; n <= last; n += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, last - n + 1) }, (_, i) => n + i);
      const blocks = (await rpcBatch(numbers.map((k) => ({ method: 'eth_getBlockByNumber', params: [hex(k), true] })))) as { hash: string; transactions: unknown[] }[];
      const blockLogs = (await rpcBatch(blocks.map((b) => ({ method: 'eth_getLogs', params: [{ blockHash: b.hash }] })))) as unknown[][];
      for (const b of blocks) txs += b.transactions.length;
      for (const l of blockLogs) logs += l.length;
    }
    return { txs, logs };
  }

  // --- the naive approach: ethers formatting every block and a receipt per transaction ---
  async function naiveFetch(): Promise<number> {
    const naive = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
    let receipts = 0;
    try {
      for (let n = from; n < from + NAIVE_BLOCKS; n++) {
        const block = await naive.getBlock(n, true);
        const got = await Promise.all(block!.prefetchedTransactions.map((tx) => naive.getTransactionReceipt(tx.hash)));
        receipts += got.length;
      }
    } finally {
      naive.destroy();
    }
    return receipts;
  }

  // --- the poller ---
  const entries: WatchlistEntry[] = [];
  for (let i = 0; i < 1_000; i++) {
    const matchKey = i < watchedRecipients.length ? watchedRecipients[i]! : `0x${(i + 1).toString(16).padStart(8, '0')}${'ab'.repeat(16)}`;
    entries.push({ chain: CHAIN, address: getAddress(matchKey), matchKey, label: `bench wallet ${i}`, incident: 'bench-2025', source: 'https://example.org/bench', tags: ['bench'], enabled: true, file: 'bench.yaml', line: i + 3 });
  }
  const index = buildWatchlistIndex(entries);
  // The same list with the watched recipients replaced by unrelated addresses: no watched traffic.
  const quietIndex = buildWatchlistIndex(entries.map((e, i) => (i < watchedRecipients.length ? { ...e, matchKey: `0x${'cd'.repeat(19)}0${i}` } : e)));
  const chainConfig: EvmChainConfig = { id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, pollIntervalMs: 1000, startBlock: from, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: BATCH, rpcTimeoutMs: 30_000, enabled: true };
  const logger = createLogger({ level: 'silent' });
  const metrics = createMetrics();

  async function pollerCatchUp(watchlist = index): Promise<{ movements: number; steps: number }> {
    const cursors = new Map<string, ChainCursor>();
    const cursorStore: CursorStore = { load: async (c) => cursors.get(c), save: async (c, cursor) => void cursors.set(c, cursor) };
    let movements = 0;
    const sink: MovementSink = { publish: async (m) => void (movements += m.length) };
    let steps = 0;
    const poller = createEvmPoller({ chain: chainConfig, currentWatchlist: () => watchlist, beforeStep: async () => void steps++, cursorStore, sink, logger, metrics });
    await runUntilCaughtUp(poller);
    return { movements, steps };
  }

  /** The running loop (start(): pipelined) until the poller's cursor is at the last block. */
  async function runUntilCaughtUp(poller: ReturnType<typeof createEvmPoller>): Promise<void> {
    poller.start();
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (poller.position?.head.number === to) resolve();
        else if (poller.status().consecutiveFailures > 0) reject(new Error(`the poller failed: ${poller.status().lastErrorCode ?? ''}`));
        else setTimeout(check, 1);
      };
      check();
    });
    await poller.stop();
  }

  /** Target 6: the running loop (start()) with Redis cursor and queue, from a cursor BLOCKS behind the head. */
  let downtimeRun = 0;
  async function catchUpAfterDowntime(): Promise<number> {
    const runPrefix = `${prefix}-${downtimeRun++}`;
    const cursorStore = createRedisCursorStore(redis, runPrefix);
    const [parent] = (await rpcBatch([{ method: 'eth_getBlockByNumber', params: [hex(from - 1), false] }])) as { hash: string }[];
    await cursorStore.save(CHAIN, { head: { number: from - 1, hash: parent!.hash }, recent: [{ number: from - 1, hash: parent!.hash }] });
    const sink = createMovementSink(redis, runPrefix);
    const poller = createEvmPoller({ chain: chainConfig, currentWatchlist: () => index, cursorStore, sink, logger, metrics });
    const start = performance.now();
    await runUntilCaughtUp(poller);
    const seconds = (performance.now() - start) / 1000;
    await sink.close();
    return seconds;
  }

  const raw = await rawFetch();
  const polled = await pollerCatchUp(); // also the warm-up of both
  if (raw.txs !== (BLOCKS - 1) * TXS_PER_BLOCK + accounts.length) throw new Error(`raw fetch saw ${raw.txs} transactions`);
  if (polled.movements === 0) throw new Error('the poller found no movements of the watched accounts');
  console.log(`range holds ${raw.txs} txs and ${raw.logs} logs; the poller reports ${polled.movements} movements of the ${watchedRecipients.length} watched recipients in ${polled.steps} steps (watchlist of ${index.size} addresses)`);

  function table(samples: ReadonlyMap<string, number[]>, baseName: string, blocksOf: (name: string) => number): void {
    const base = samples.get(baseName)!;
    const baseRate = (f: (xs: number[]) => number): number => BLOCKS / f(base);
    console.table(
      [...samples].map(([name, xs]) => ({
        case: name,
        best_s: best(xs).toFixed(2),
        median_s: median(xs).toFixed(2),
        median_blocks_per_s: (blocksOf(name) / median(xs)).toFixed(0),
        best_rate_vs_raw: (blocksOf(name) / best(xs) / baseRate(best)).toFixed(2),
        median_rate_vs_raw: (blocksOf(name) / median(xs) / baseRate(median)).toFixed(2),
      })),
    );
  }

  // --- 1) target 1: interleaved rounds ---
  const RAW = `raw fetch: batched getBlockByNumber(n, true) + getLogs({blockHash}), ${BATCH}/batch (baseline)`;
  const QUIET = `poller, no watched traffic (target >= 0.9x)`;
  const BUSY = `poller, 30 % of txs pay a watched address (target >= 0.7x)`;
  const NAIVE = `naive: ethers getBlock(n, true) + a receipt per tx (first ${NAIVE_BLOCKS} blocks)`;
  const cases = [
    [RAW, () => rawFetch()],
    [QUIET, () => pollerCatchUp(quietIndex)],
    [BUSY, () => pollerCatchUp(index)],
    [NAIVE, () => naiveFetch()],
  ] as const;
  const samples = new Map<string, number[]>(cases.map(([n]) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of cases) {
      gc();
      const start = performance.now();
      await fn();
      samples.get(name)!.push((performance.now() - start) / 1000);
    }
  }
  console.log(`\n1) catching up over ${BLOCKS} blocks of ${TXS_PER_BLOCK} txs, ${ROUNDS} interleaved rounds (rate ratio: blocks/s against the raw fetch's blocks/s; 1.00 = as fast as the bare fetch)`);
  table(samples, RAW, (name) => (name === NAIVE ? NAIVE_BLOCKS : BLOCKS));

  // --- 2) target 6: catch-up after downtime ---
  const DOWN = `poller down while ${BLOCKS} blocks were mined: start() back to the head (Redis cursor + queue, 30 % watched)`;
  const downSamples = new Map<string, number[]>([[RAW, []], [DOWN, []]]);
  for (let r = 0; r < ROUNDS; r++) {
    gc();
    let start = performance.now();
    await rawFetch();
    downSamples.get(RAW)!.push((performance.now() - start) / 1000);
    gc();
    start = performance.now();
    downSamples.get(DOWN)!.push(await catchUpAfterDowntime());
  }
  console.log(`\n2) catch-up after downtime over ${BLOCKS} blocks, ${ROUNDS} interleaved rounds (same ratio)`);
  table(downSamples, RAW, () => BLOCKS);
} finally {
  await node.stop();
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
}
