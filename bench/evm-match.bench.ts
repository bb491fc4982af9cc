/**
 * EVM matching cost (issue #2): run with `npx tsx bench/evm-match.bench.ts`.
 * Uses mainnet block 18,000,000 and its receipts (test/fixtures/evm). Prints
 * ratios, not absolute thresholds: the machine is shared.
 * 1. match cost per block with a 10-entry vs a 1,000,000-entry watchlist
 *    (should be ~1: matching does one set lookup per address seen);
 * 2. normalise + match vs JSON.parse of the same raw responses.
 */
import { readFileSync } from 'node:fs';
import { normalizeEvmBlock } from '../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../src/core/evm/normalize-evm-receipts.js';
import { matchEvmBlock } from '../src/core/evm/match-evm-block.js';
import type { EvmBlockData } from '../src/core/evm/evm-block-data.js';
import type { WatchlistRef } from '../src/core/movement.js';
import type { WatchlistIndex } from '../src/core/watchlist.js';

const CHAIN = 'ethereum';
const fixture = (p: string): string => readFileSync(new URL(`../test/fixtures/evm/rpc-tests/${p}`, import.meta.url), 'utf8');
const rawBlockText = JSON.stringify((JSON.parse(fixture('eth_getBlockByNumber/test_08.json')) as { response: unknown }[])[0]!.response);
const rawReceiptsText = JSON.stringify((JSON.parse(fixture('eth_getBlockReceipts/test_02.json')) as { response: unknown }[])[0]!.response);

function buildIndex(size: number, realAddresses: readonly string[]): WatchlistIndex {
  const map = new Map<string, WatchlistRef[]>();
  const ref = (a: string): WatchlistRef[] => [{ address: a, label: 'bench', incident: 'bench', source: 'https://example.org', tags: [] }];
  for (const a of realAddresses) map.set(a, ref(a));
  for (let i = 0; map.size < size; i++) {
    const a = `0x${(i + 1).toString(16).padStart(40, 'a')}`;
    map.set(a, ref(a));
  }
  return { version: String(size), size: map.size, lookup: (c, k) => (c === CHAIN ? map.get(k) : undefined), keysFor: () => new Set(map.keys()) };
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

const matchSmall = timeNs(() => matchEvmBlock(block, ctx(small)), 200);
const matchBig = timeNs(() => matchEvmBlock(block, ctx(big)), 200);
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
