/**
 * EVM matching cost (issue #2): run with `npx tsx bench/evm-match.bench.ts`.
 * Uses mainnet block 18,000,000 and its receipts (test/fixtures/evm). Prints
 * ratios, not absolute thresholds: the machine is shared.
 * 1. match cost per block with a 10-entry vs a 1,000,000-entry watchlist, both the
 *    compact index chainwatch builds (should be ~1: one lookup per address seen),
 *    measured in interleaved rounds so drift in machine load hits both alike;
 * 2. normalise + match vs JSON.parse of the same raw responses.
 */
import { readFileSync } from 'node:fs';
import { normalizeEvmBlock } from '../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../src/core/evm/normalize-evm-receipts.js';
import { matchEvmBlock } from '../src/core/evm/match-evm-block.js';
import type { EvmBlockData } from '../src/core/evm/evm-block-data.js';
import { buildWatchlistIndex } from '../src/core/build-watchlist-index.js';
import type { WatchlistEntry, WatchlistIndex } from '../src/core/watchlist.js';

const CHAIN = 'ethereum';
const fixture = (p: string): string => readFileSync(new URL(`../test/fixtures/evm/rpc-tests/${p}`, import.meta.url), 'utf8');
const rawBlockText = JSON.stringify((JSON.parse(fixture('eth_getBlockByNumber/test_08.json')) as { response: unknown }[])[0]!.response);
const rawReceiptsText = JSON.stringify((JSON.parse(fixture('eth_getBlockReceipts/test_02.json')) as { response: unknown }[])[0]!.response);

/** The compact index the loader builds (buildWatchlistIndex), over the real addresses and synthetic ones. */
function buildIndex(size: number, realAddresses: readonly string[]): WatchlistIndex {
  const entry = (address: string, i: number): WatchlistEntry => ({ chain: CHAIN, address, matchKey: address, label: `bench ${i}`, incident: 'bench', source: 'https://example.org', tags: [], removed: undefined, enabled: true, file: 'bench.yaml', line: i + 1 });
  const entries = realAddresses.map(entry);
  for (let i = 0; entries.length < size; i++) entries.push(entry(`0x${(i + 1).toString(16).padStart(40, 'a')}`, entries.length));
  return buildWatchlistIndex(entries);
}

function parseAndNormalize(): EvmBlockData {
  const block = (JSON.parse(rawBlockText) as { result: unknown }).result;
  const receipts = (JSON.parse(rawReceiptsText) as { result: unknown }).result;
  const b = normalizeEvmBlock(block);
  const r = normalizeEvmReceipts(receipts, b.header);
  return { ...b, logs: r.logs, internalTransfers: null, txStatus: r.txStatus };
}

/** Median ns per call over `rounds` rounds of `inner` calls, after a warm-up. */
function timeNs(fn: () => unknown, inner: number, rounds = 15): number {
  for (let i = 0; i < inner * 3; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / inner);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const block = parseAndNormalize();
// A few real senders are watched in both lists, so both do the same matching work.
const real = [...new Set(block.transactions.slice(0, 5).map((t) => t.from))];
const small = buildIndex(10, real);
const big = buildIndex(1_000_000, real);
const ctx = (index: WatchlistIndex) => ({ chain: CHAIN, index, headNumber: 18_000_000, nativeSymbol: 'ETH' });
const found = matchEvmBlock(block, ctx(small)).length;
if (matchEvmBlock(block, ctx(big)).length !== found) throw new Error('watchlists of different size found different movements');

/** Both sizes in alternating rounds (median ns per call of each). */
function timeBothNs(a: () => unknown, b: () => unknown, inner: number, rounds = 21): [number, number] {
  for (let i = 0; i < inner * 3; i++) {
    a();
    b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [fn, out] of [[a, sa], [b, sb]] as const) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < inner; i++) fn();
      out.push(Number(process.hrtime.bigint() - t0) / inner);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(sa), median(sb)];
}
const [matchSmall, matchBig] = timeBothNs(() => matchEvmBlock(block, ctx(small)), () => matchEvmBlock(block, ctx(big)), 200);
const jsonParse = timeNs(() => [JSON.parse(rawBlockText) as unknown, JSON.parse(rawReceiptsText) as unknown], 20);
const parsedBlock = (JSON.parse(rawBlockText) as { result: unknown }).result;
const parsedReceipts = (JSON.parse(rawReceiptsText) as { result: unknown }).result;
// The normalisers never mutate their input, so the parsed objects can be reused.
const normalizeMatchOnly = timeNs(() => {
  const b = normalizeEvmBlock(parsedBlock);
  const r = normalizeEvmReceipts(parsedReceipts, b.header);
  return matchEvmBlock({ ...b, logs: r.logs, internalTransfers: null, txStatus: r.txStatus }, ctx(big));
}, 20);

const us = (ns: number): string => (ns / 1000).toFixed(1);
console.log(`mainnet block 18,000,000: ${block.transactions.length} txs, ${block.logs.length} logs, ${found} movements for the watched senders`);
console.table([
  { measure: 'match, watchlist 10', 'µs/block': us(matchSmall) },
  { measure: 'match, watchlist 1,000,000', 'µs/block': us(matchBig) },
  { measure: 'JSON.parse of raw block + receipts', 'µs/block': us(jsonParse) },
  { measure: 'normalise + match (after JSON.parse)', 'µs/block': us(normalizeMatchOnly) },
]);
console.table([
  { ratio: 'match 1,000,000 / match 10 (watchlist size)', value: (matchBig / matchSmall).toFixed(2) },
  { ratio: 'normalise+match / JSON.parse', value: (normalizeMatchOnly / jsonParse).toFixed(2) },
]);
