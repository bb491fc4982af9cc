/**
 * Parse + match of a real 1.38 MB mainnet block (702,861, 2,500 txs) against
 * a bare bitcoinjs-lib Block.fromBuffer of the same bytes, and with a
 * 1,000,000-address watchlist versus 10 addresses.
 * Run: npx tsx bench/btc-parse-match.bench.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Block, networks, payments } from 'bitcoinjs-lib';
import { matchBitcoinTransactions } from '../src/core/btc/match-bitcoin-transactions.js';
import { parseBitcoinBlock } from '../src/core/btc/parse-bitcoin-block.js';
import type { WatchlistRef } from '../src/core/movement.js';
import type { WatchlistIndex } from '../src/core/watchlist.js';

const HASH = '000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae';
const raw = readFileSync(fileURLToPath(new URL(`../test/fixtures/btc/mainnet_block_${HASH}.raw`, import.meta.url)));
const network = networks.bitcoin;
const chain = 'bitcoin';

function indexOf(scripts: readonly string[]): WatchlistIndex {
  const ref: WatchlistRef = { address: 'x', label: 'bench', incident: 'bench', source: 'https://example.org', tags: [] };
  const map = new Map<string, readonly WatchlistRef[]>(scripts.map((s) => [s, [ref]]));
  return { version: 'bench', lookup: (c, k) => (c === chain ? map.get(k) : undefined), keysFor: () => new Set(map.keys()), size: map.size };
}

// 10 scripts that really appear in the block, plus synthetic ones that do not.
const block = Block.fromBuffer(raw);
const real = [...new Set(block.transactions!.slice(1, 200).map((t) => Buffer.from(t.outs[0]!.script).toString('hex')))].slice(0, 10);
const synthetic: string[] = [];
for (let i = 0; synthetic.length < 1_000_000 - real.length; i++) {
  const hash = Buffer.alloc(20);
  hash.writeUInt32BE(i, 0);
  hash.writeUInt32BE(0xc0ffee, 16);
  synthetic.push(Buffer.from(payments.p2wpkh({ hash, network }).output!).toString('hex'));
}
const small = indexOf(real);
const large = indexOf([...real, ...synthetic]);

const bare = (): unknown => Block.fromBuffer(raw);
const parseAndMatch = (index: WatchlistIndex) => (): unknown => {
  const parsed = parseBitcoinBlock(raw, { height: 702_861, hash: HASH });
  // As the poller does: every input's outpoint key (for the store), then match.
  const keys: string[] = [];
  for (const tx of parsed.txs) if (!tx.coinbase) for (const input of tx.ins) keys.push(input.outpoint);
  return matchBitcoinTransactions({ chain, network, txs: parsed.txs, index, remembered: new Map(), block: { number: 702_861, hash: HASH }, confirmations: 1 });
};

const cases: [string, () => unknown][] = [
  ['bare Block.fromBuffer', bare],
  ['parse+verify (hash, merkle root), no match', () => parseBitcoinBlock(raw, { height: 702_861, hash: HASH })],
  ['parse+verify+match, 10 addresses', parseAndMatch(small)],
  ['parse+verify+match, 1,000,000 addresses', parseAndMatch(large)],
];
const rounds = 30;
const samples = new Map<string, number[]>(cases.map(([n]) => [n, []]));
for (const [, fn] of cases) for (let i = 0; i < 5; i++) fn(); // warm up
for (let r = 0; r < rounds; r++) {
  // Interleaved, so machine noise hits every case alike.
  for (const [name, fn] of cases) {
    const start = process.hrtime.bigint();
    fn();
    samples.get(name)!.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Minimum: the least disturbed run, the better estimate on a shared, busy machine.
const best = (xs: number[]): number => Math.min(...xs);
const base = best(samples.get('bare Block.fromBuffer')!);
const ten = best(samples.get('parse+verify+match, 10 addresses')!);
const matchCount = (parseAndMatch(small)() as { movements: unknown[] }).movements.length;
console.log(`block 702,861: ${raw.length} bytes, ${block.transactions!.length} txs; ${matchCount} movements with the 10-address list; ${rounds} interleaved rounds`);
console.table(
  cases.map(([name]) => {
    const xs = samples.get(name)!;
    return { case: name, best_ms: best(xs).toFixed(2), median_ms: median(xs).toFixed(2), best_vs_bare: (best(xs) / base).toFixed(2), best_vs_10_addresses: (best(xs) / ten).toFixed(2) };
  }),
);
