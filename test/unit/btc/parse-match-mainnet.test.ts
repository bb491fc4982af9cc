import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Block, address, networks, payments, type Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { buildBitcoinAddress } from '../../../src/core/btc/build-bitcoin-address.js';
import { matchBitcoinTransactions } from '../../../src/core/btc/match-bitcoin-transactions.js';
import type { RememberedOutpoint } from '../../../src/core/btc/outpoint-store.js';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { RetryableError } from '../../../src/core/errors.js';
import { watchlistOf } from './watchlist-of.js';

const HASH = '000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae';
const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/btc/${name}`, import.meta.url));
const raw = readFileSync(fixture(`mainnet_block_${HASH}.raw`));
const chain = 'bitcoin';
const network = networks.bitcoin;

// Independent view of the same block: bitcoinjs' own txids (re-serialised) and its payments classifiers.
const reference = Block.fromBuffer(raw);
const refTxs = reference.transactions!;
const refIds = refTxs.map((t) => t.getId());
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const rhex = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');

function typeOf(script: Uint8Array): 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | undefined {
  for (const [name, make] of [['p2pkh', payments.p2pkh], ['p2sh', payments.p2sh], ['p2wpkh', payments.p2wpkh], ['p2wsh', payments.p2wsh]] as const) {
    try {
      make({ output: script, network });
      return name;
    } catch {
      // not this template
    }
  }
  return undefined;
}

/** First output address of a type, found with bitcoinjs' payments (not our code). */
function firstAddressOfType(type: string): string {
  for (const tx of refTxs.slice(1)) for (const o of tx.outs) if (typeOf(o.script) === type) return address.fromOutputScript(o.script, network);
  throw new Error(`no ${type} output in the fixture block`);
}

/** Every (tx, vouts, sum) paying `addr`, computed by walking the reference decode. */
function paymentsTo(addr: string): { txid: string; vout: number[]; amount: bigint }[] {
  const script = hex(address.toOutputScript(addr, network));
  const found: { txid: string; vout: number[]; amount: bigint }[] = [];
  refTxs.forEach((tx, i) => {
    const vout = tx.outs.flatMap((o, n) => (hex(o.script) === script ? [n] : []));
    if (vout.length > 0) found.push({ txid: refIds[i]!, vout, amount: vout.reduce((s, n) => s + tx.outs[n]!.value, 0n) });
  });
  return found;
}

const watch = (addrs: readonly string[]) => watchlistOf(chain, addrs.map((a) => ({ address: a, scriptHex: hex(address.toOutputScript(a, network)) })));

describe('parseBitcoinBlock on mainnet block 702,861 (rust-bitcoin fixture)', () => {
  const block = parseBitcoinBlock(raw, { height: 702_861, hash: HASH });

  it('checks the hash, keeps the parent hash and every txid matches bitcoinjs re-serialisation', () => {
    expect(block.header).toEqual({ number: 702_861, hash: HASH, parentHash: rhex(reference.prevHash!) });
    expect(block.txs).toHaveLength(2500);
    expect(block.txs.map((t) => t.txid)).toEqual(refIds);
    expect(block.txs[0]!.coinbase).toBe(true);
    expect(block.txs.slice(1).every((t) => !t.coinbase)).toBe(true);
    expect(block.txs[7]!.ins.map((i) => i.outpoint)).toEqual(refTxs[7]!.ins.map((i) => `${rhex(i.hash)}:${i.index}`));
  });

  it('builds the same address as bitcoinjs fromOutputScript for every standard output', () => {
    let checked = 0;
    for (const tx of refTxs) {
      for (const o of tx.outs) {
        if (typeOf(o.script) === undefined) continue;
        expect(buildBitcoinAddress(hex(o.script), network)).toBe(address.fromOutputScript(o.script, network));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('rejects a block whose bytes were altered or that is not the one asked for, as a retryable error', () => {
    const corrupt = Buffer.from(raw);
    corrupt[raw.length - 100] = corrupt[raw.length - 100]! ^ 0x01;
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(RetryableError);
        return (err as RetryableError).code;
      }
      return undefined;
    };
    // The last tx is non-witness at that offset or its witness: either the merkle root or the parse fails.
    const lastIsWitness = refTxs[refTxs.length - 1]!.hasWitnesses();
    if (!lastIsWitness) expect(codeOf(() => parseBitcoinBlock(corrupt, { height: 702_861, hash: HASH }))).toBe('BTC_BLOCK_CORRUPT');
    const midTx = Buffer.from(raw);
    midTx[200] = midTx[200]! ^ 0x01; // inside the coinbase, non-witness part
    expect(codeOf(() => parseBitcoinBlock(midTx, { height: 702_861, hash: HASH }))).toBe('BTC_BLOCK_CORRUPT');
    expect(codeOf(() => parseBitcoinBlock(raw, { height: 702_861, hash: '00'.repeat(32) }))).toBe('BTC_BLOCK_CORRUPT');
    expect(codeOf(() => parseBitcoinBlock(raw.subarray(0, raw.length - 10), { height: 702_861, hash: HASH }))).toBe('BTC_BLOCK_CORRUPT');
    expect(codeOf(() => parseBitcoinBlock(Buffer.from('not a block'), { height: 702_861, hash: HASH }))).toBe('BTC_BLOCK_CORRUPT');
  });

  it('finds every payment to watched P2PKH, P2SH, P2WPKH and P2WSH addresses, and nothing else', () => {
    const addrs = ['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh'].map(firstAddressOfType);
    const { movements, created } = matchBitcoinTransactions({ chain, network, txs: block.txs, index: watch(addrs), remembered: new Map(), block: { number: 702_861, hash: HASH }, confirmations: 3 });
    const expected = addrs.flatMap((a) => paymentsTo(a).map((p) => ({ ...p, address: a })));
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(movements.map((m) => ({ txid: m.txHash, vout: m.vout, amount: m.amount, address: m.watchedAddress, direction: m.direction })).sort(byTxid)).toEqual(
      expected.map((e) => ({ txid: e.txid, vout: e.vout, amount: e.amount, address: e.address, direction: 'in' })).sort(byTxid),
    );
    for (const m of movements) {
      expect(m).toMatchObject({ chain, kind: 'btc', blockNumber: 702_861, blockHash: HASH, logIndex: null, confirmations: 3, asset: { contract: null, symbol: 'BTC', decimals: 8 }, to: [m.watchedAddress] });
      expect(m.id).toBe(`bitcoin-${m.txHash}-vout${m.vout![0]}-${m.watchedAddress.toLowerCase()}`);
      expect(m.watchlist[0]!.address).toBe(m.watchedAddress);
    }
    expect(created.length).toBe(expected.reduce((s, e) => s + e.vout.length, 0));
    // `from`: the payers the inputs reveal, decoded here with bitcoinjs' payment decoders.
    for (const m of movements) {
      const tx = refTxs[refIds.indexOf(m.txHash)]!;
      const payers = tx.ins.map((input) => {
        try {
          if (input.witness.length === 2 && input.script.length === 0) return payments.p2wpkh({ witness: input.witness, network }).address;
          if (input.witness.length === 0) return payments.p2pkh({ input: input.script, network }).address;
          const p2sh = payments.p2sh({ input: input.script, witness: input.witness, network });
          return typeOf(p2sh.redeem!.output!) === 'p2wpkh' ? p2sh.address : null;
        } catch {
          return null;
        }
      });
      expect(m.from).toEqual([...new Set(payers.filter((a): a is string => typeof a === 'string'))]);
    }
    expect(movements.some((m) => m.from.length > 0)).toBe(true);
  });

  it('finds a spend of an output created earlier in the same block, in memory', () => {
    // Find (with the reference decode) a tx spending an addressable output of an earlier tx of this block.
    const position = new Map(refIds.map((id, i) => [id, i] as const));
    let pair: { parent: number; child: number; vout: number; addr: string } | undefined;
    for (let c = 1; c < refTxs.length && !pair; c++) {
      for (const input of refTxs[c]!.ins) {
        const p = position.get(rhex(input.hash));
        const script = p === undefined ? undefined : refTxs[p]!.outs[input.index]!.script;
        if (p !== undefined && script && typeOf(script)) {
          pair = { parent: p, child: c, vout: input.index, addr: address.fromOutputScript(script, network) };
          break;
        }
      }
    }
    expect(pair).toBeDefined();
    const { parent, child, addr } = pair!;
    const { movements } = matchBitcoinTransactions({ chain, network, txs: block.txs, index: watch([addr]), remembered: new Map(), block: { number: 702_861, hash: HASH }, confirmations: 1 });
    const script = hex(address.toOutputScript(addr, network));
    const childTx: Transaction = refTxs[child]!;
    const spentVins = childTx.ins.flatMap((input, n) => {
      const p = position.get(rhex(input.hash));
      return p !== undefined && p < child && hex(refTxs[p]!.outs[input.index]!.script) === script ? [n] : [];
    });
    const spend = movements.find((m) => m.txHash === refIds[child] && m.vin);
    expect(spend).toBeDefined();
    expect(spend!.vin).toEqual(spentVins);
    expect(spend!.amount).toBe(spentVins.reduce((s, n) => s + refTxs[position.get(rhex(childTx.ins[n]!.hash))!]!.outs[childTx.ins[n]!.index]!.value, 0n));
    expect(spend!.outputs).toEqual(childTx.outs.map((o, vout) => ({ vout, address: typeOf(o.script) ? address.fromOutputScript(o.script, network) : buildBitcoinAddress(hex(o.script), network), amount: o.value })));
    expect(movements.some((m) => m.txHash === refIds[parent] && m.direction === 'in' && m.vout!.includes(pair!.vout))).toBe(true);
  });

  it('finds a spend of a remembered outpoint, with fee, outputs and the watched address as sender', () => {
    // Choose a one-input, non-coinbase tx; pretend chainwatch remembered its prevout as paying a watched address.
    const k = refTxs.findIndex((t, i) => i > 0 && t.ins.length === 1 && t.outs.every((o) => typeOf(o.script)));
    const tx = refTxs[k]!;
    const watched = payments.p2wpkh({ hash: Buffer.alloc(20, 0x11), network });
    const outSum = tx.outs.reduce((s, o) => s + o.value, 0n);
    const prevout = `${rhex(tx.ins[0]!.hash)}:${tx.ins[0]!.index}`;
    const remembered = new Map<string, RememberedOutpoint>([
      [prevout, { txid: rhex(tx.ins[0]!.hash), vout: tx.ins[0]!.index, value: outSum + 12_345n, matchKey: hex(watched.output!), address: watched.address! }],
    ]);
    const { movements } = matchBitcoinTransactions({ chain, network, txs: block.txs, index: watch([watched.address!]), remembered, block: { number: 702_861, hash: HASH }, confirmations: 1 });
    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({
      id: `bitcoin-${refIds[k]}-vin0-${watched.address}`,
      direction: 'out',
      txHash: refIds[k],
      vin: [0],
      amount: outSum + 12_345n,
      fee: 12_345n,
      from: [watched.address],
      to: [...new Set(tx.outs.map((o) => address.fromOutputScript(o.script, network)))],
      outputs: tx.outs.map((o, vout) => ({ vout, address: address.fromOutputScript(o.script, network), amount: o.value })),
    });
  });

  it('gives the same movements whatever unrelated addresses the watchlist also holds', () => {
    const addr = firstAddressOfType('p2wpkh');
    const base = matchBitcoinTransactions({ chain, network, txs: block.txs, index: watch([addr]), remembered: new Map(), block: null, confirmations: 0 });
    // Synthetic key hashes (runs of one byte): no real output pays them.
    const noise = Array.from({ length: 2000 }, (_, i) => payments.p2wpkh({ hash: Buffer.alloc(20, i % 251).fill(i >> 8, 0, 1), network }).address!);
    const noisy = matchBitcoinTransactions({ chain, network, txs: block.txs, index: watch([addr, ...noise]), remembered: new Map(), block: null, confirmations: 0 });
    expect(noisy.movements).toEqual(base.movements);
    expect(base.movements.every((m) => m.blockNumber === null && m.blockHash === null && m.confirmations === 0)).toBe(true);
  });
});

describe('parseBitcoinBlock on Bitcoin Core test blocks (bitcoinjs-lib fixture)', () => {
  const blocks = JSON.parse(readFileSync(fixture('core-blocks.json'), 'utf8')) as { id: string; transactions: number; hex: string }[];
  it.each(blocks.map((b, i) => [i, b] as const))('block #%i parses with its id and transaction count', (_, b) => {
    const parsed = parseBitcoinBlock(Buffer.from(b.hex, 'hex'), { height: 1, hash: b.id });
    expect(parsed.header.hash).toBe(b.id);
    expect(parsed.txs).toHaveLength(b.transactions);
    expect(parsed.txs.map((t) => t.txid)).toEqual(Block.fromHex(b.hex).transactions!.map((t) => t.getId()));
  });
});

function byTxid(a: { txid: string; address: string }, b: { txid: string; address: string }): number {
  const ka = `${a.txid}/${a.address}`;
  const kb = `${b.txid}/${b.address}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
