import { readFileSync } from 'node:fs';
import { Block } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { scanBlockTransactions } from '../../../src/core/btc/scan-block-transactions.js';

const HASH = '000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae';
const raw = readFileSync(new URL(`../../fixtures/btc/mainnet_block_${HASH}.raw`, import.meta.url));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('scanBlockTransactions on real mainnet block 702,861', () => {
  const reference = Block.fromBuffer(raw).transactions!;
  const scanned = scanBlockTransactions(raw, 80, 'block 702861');

  it('reads every transaction exactly as bitcoinjs-lib does', () => {
    expect(scanned.txs).toHaveLength(reference.length);
    for (let t = 0; t < reference.length; t++) {
      const ref = reference[t]!;
      const tx = scanned.txs[t]!;
      expect(tx.txid).toBe(ref.getId());
      expect(tx.coinbase).toBe(t === 0);
      expect(tx.outs.map((o) => [o.scriptHex, o.value])).toEqual(ref.outs.map((o) => [hex(o.script), o.value]));
      expect(tx.ins.map((i) => i.outpoint)).toEqual(ref.ins.map((i) => (t === 0 ? '' : `${hex(Buffer.from(i.hash).reverse())}:${i.index}`)));
      expect(tx.ins.map((i) => hex(i.script ?? new Uint8Array()))).toEqual(ref.ins.map((i) => hex(i.script)));
      expect(tx.ins.map((i) => (i.witness ?? []).map(hex))).toEqual(ref.ins.map((i) => i.witness.map(hex)));
    }
  });

  it('rejects a truncated block and trailing bytes as corrupt', () => {
    expect(() => scanBlockTransactions(raw.subarray(0, raw.length - 10), 80, 'block 702861')).toThrow(/truncated or malformed/);
    expect(() => scanBlockTransactions(Buffer.concat([raw, Buffer.from([0])]), 80, 'block 702861')).toThrow(/unexpected bytes/);
  });

  it('rejects an absurd transaction count without allocating for it', () => {
    const bogus = Buffer.concat([raw.subarray(0, 80), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x7f]), raw.subarray(83, 200)]);
    expect(() => scanBlockTransactions(bogus, 80, 'block x')).toThrow(/transaction count/);
  });
});
