/**
 * chainwatch's EVM poller catching up over a range of busy blocks, side by side
 * with the raw fetch any indexer has to do for the same blocks, against a real
 * local hardhat node. Run: node --import tsx --expose-gc bench/evm-poll-vs-raw-fetch.bench.ts
 * (BENCH_BLOCKS, BENCH_TXS_PER_BLOCK, BENCH_ROUNDS override the defaults 300, 20, 3.)
 *
 * Build: a TestToken is deployed and minted to the 20 dev accounts, then, with
 * automine off, each block gets BENCH_TXS_PER_BLOCK transactions (one per
 * sender: 40% ERC-20 transfers, the rest ETH transfers) sealed by evm_mine.
 *
 * Baseline (raw): batched eth_getBlockByNumber(n, true) for maxBlocksPerBatch
 * blocks, then batched eth_getLogs({blockHash}) for them, with plain fetch and
 * JSON.parse: hardhat has no eth_getBlockReceipts and no callTracer, so this is
 * exactly the data the poller needs from this node and the least any indexer
 * must fetch. The poller adds per step: eth_blockNumber, normalising and
 * checking every block/transaction/log, parent-hash continuity, matching against
 * a 1,000-address watchlist, receipts of matched transactions, token metadata
 * (cached), cursor save (in memory here) and publishing (no-op sink here).
 * A third row runs the poller with none of the traffic's accounts watched, to
 * separate its fixed cost from the lookups each detected movement triggers.
 * Prints ratios, no absolute thresholds: the machine is shared.
 */
import { JsonRpcProvider, Interface, getAddress } from 'ethers';
import { createEvmPoller } from '../src/app/evm-poller.js';
import { createLogger } from '../src/app/logger.js';
import { createMetrics } from '../src/app/metrics.js';
import type { EvmChainConfig } from '../src/config/schema.js';
import { buildWatchlistIndex } from '../src/core/build-watchlist-index.js';
import type { ChainCursor, CursorStore, MovementSink } from '../src/core/ports.js';
import type { WatchlistEntry } from '../src/core/watchlist.js';
import { deployContract, loadDevContractArtifact } from '../src/devchain/deploy-contract.js';
import { startLocalEvmChain } from '../src/devchain/start-local-evm-chain.js';

const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 300);
const TXS_PER_BLOCK = Math.min(20, Number(process.env['BENCH_TXS_PER_BLOCK'] ?? 20));
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BATCH = 10; // maxBlocksPerBatch, the config default; the raw fetch uses the same batch size
const CHAIN = 'devchain';
const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const node = await startLocalEvmChain();
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

  const from = Number(await rpc('eth_blockNumber')) + 1;
  await send(accounts.map((a) => ({ from: a, to: tokenAddress, data: erc20.encodeFunctionData('mint', [a, 10n ** 24n]), gas: hex(100_000) })));
  await rpc('evm_mine');
  for (let b = 0; b < BLOCKS - 1; b++) {
    const txs = [];
    for (let j = 0; j < TXS_PER_BLOCK; j++) {
      const sender = accounts[(b + j) % accounts.length]!;
      const to = accounts[(b + j + 7) % accounts.length]!;
      txs.push(
        j % 5 < 2
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
  console.log(`built blocks ${from}..${to} (${BLOCKS} blocks, ${TXS_PER_BLOCK} txs each, 40% ERC-20 transfers) in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`);

  // --- (a) the raw fetch ---
  async function rawFetch(): Promise<{ txs: number; logs: number }> {
    let txs = 0;
    let logs = 0;
    for (let n = from; n <= to; n += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, to - n + 1) }, (_, i) => n + i);
      const blocks = (await rpcBatch(numbers.map((k) => ({ method: 'eth_getBlockByNumber', params: [hex(k), true] })))) as { hash: string; transactions: unknown[] }[];
      const blockLogs = (await rpcBatch(blocks.map((b) => ({ method: 'eth_getLogs', params: [{ blockHash: b.hash }] })))) as unknown[][];
      for (const b of blocks) txs += b.transactions.length;
      for (const l of blockLogs) logs += l.length;
    }
    return { txs, logs };
  }

  // --- (b) the poller, over the same range ---
  // 1,000 watched addresses: 3 dev accounts that send and receive in every few blocks, the rest unrelated.
  const watched = [accounts[3]!, accounts[11]!, accounts[17]!];
  const entries: WatchlistEntry[] = [];
  for (let i = 0; i < 1_000; i++) {
    const matchKey = i < watched.length ? watched[i]! : `0x${(i + 1).toString(16).padStart(8, '0')}${'ab'.repeat(16)}`;
    entries.push({ chain: CHAIN, address: getAddress(matchKey), matchKey, label: `bench wallet ${i}`, incident: 'bench-2025', source: 'https://example.org/bench', tags: ['bench'], enabled: true, file: 'bench.yaml', line: i + 3 });
  }
  const index = buildWatchlistIndex(entries);
  // The same list with the 3 traffic accounts replaced by unrelated ones: splits the poller's own
  // cost from the per-movement lookups (receipts of matched transactions, token metadata).
  const quietIndex = buildWatchlistIndex(entries.map((e, i) => (i < watched.length ? { ...e, matchKey: `0x${'cd'.repeat(19)}0${i}` } : e)));
  const chainConfig: EvmChainConfig = { id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, pollIntervalMs: 1000, startBlock: from, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: BATCH, rpcTimeoutMs: 30_000, enabled: true };
  const logger = createLogger({ level: 'silent' });
  const metrics = createMetrics();

  async function pollerCatchUp(watchlist = index): Promise<{ movements: number; steps: number }> {
    const cursors = new Map<string, ChainCursor>();
    const cursorStore: CursorStore = { load: async (c) => cursors.get(c), save: async (c, cursor) => void cursors.set(c, cursor) };
    let movements = 0;
    const sink: MovementSink = { publish: async (m) => void (movements += m.length) };
    const poller = createEvmPoller({ chain: chainConfig, currentWatchlist: () => watchlist, cursorStore, sink, logger, metrics });
    let steps = 0;
    while (poller.position?.head.number !== to) {
      await poller.pollOnce();
      if (++steps > BLOCKS) throw new Error('the poller did not catch up');
    }
    return { movements, steps };
  }

  const raw = await rawFetch();
  const polled = await pollerCatchUp(); // also the warm-up of both
  if (raw.txs !== BLOCKS * TXS_PER_BLOCK) throw new Error(`raw fetch saw ${raw.txs} transactions`);
  if (polled.movements === 0) throw new Error('the poller found no movements of the watched accounts');
  console.log(`range holds ${raw.txs} txs and ${raw.logs} logs; the poller reports ${polled.movements} movements of the ${watched.length} watched accounts in ${polled.steps} steps (watchlist of ${index.size} addresses)`);

  // --- interleaved rounds ---
  const RAW = `raw fetch: batched getBlockByNumber(n, true) + getLogs({blockHash}), ${BATCH}/batch (baseline)`;
  const cases = [
    [RAW, rawFetch],
    [`createEvmPoller: pollOnce() until caught up, maxBlocksPerBatch ${BATCH}`, () => pollerCatchUp(index)],
    ['createEvmPoller, same but no watched address in the traffic', () => pollerCatchUp(quietIndex)],
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
  const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const best = (xs: readonly number[]): number => Math.min(...xs);
  const base = samples.get(RAW)!;
  console.log(`\ncatching up over ${BLOCKS} blocks, ${ROUNDS} interleaved rounds (rate ratio: poller blocks/s / raw blocks/s; 1.00 = as fast as the bare fetch)`);
  console.table(
    [...samples].map(([name, xs]) => ({
      case: name,
      best_s: best(xs).toFixed(2),
      median_s: median(xs).toFixed(2),
      best_blocks_per_s: (BLOCKS / best(xs)).toFixed(0),
      median_blocks_per_s: (BLOCKS / median(xs)).toFixed(0),
      best_rate_vs_raw: (best(base) / best(xs)).toFixed(2),
      median_rate_vs_raw: (median(base) / median(xs)).toFixed(2),
    })),
  );
} finally {
  await node.stop();
}
