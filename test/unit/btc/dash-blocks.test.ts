/**
 * Dash through the UTXO engine: X11 block hashes and DIP2 special transactions, on a real mainnet block
 * (electrumx's recording with the node's getblock answer) and electrumx's DIP2 vectors with its own decode.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hash256 } from '../../../src/core/btc/hash256.js';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { parseBitcoinTransaction } from '../../../src/core/btc/parse-bitcoin-transaction.js';
import { utxoBlockRules } from '../../../src/core/btc/utxo-chain.js';
import { x11HeaderHash } from '../../../src/core/btc/x11-header-hash.js';
import { RetryableError } from '../../../src/core/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const rules = utxoBlockRules('dash');

interface NodeBlock {
  readonly hash: string;
  readonly height: number;
  readonly size: number;
  readonly merkleroot: string;
  readonly previousblockhash: string;
  readonly tx: readonly string[];
  readonly block: string;
}
interface DecodedTx {
  readonly name: string;
  readonly hex: string;
  readonly version: number;
  readonly type: number;
  readonly extraPayloadBytes: number;
  readonly inputs: number;
  readonly outputs: readonly { readonly value: number; readonly script: string }[];
}
const rec = JSON.parse(readFileSync(fixture('dash/dash_mainnet_844898.json'), 'utf8')) as NodeBlock;
const vectors = (JSON.parse(readFileSync(fixture('dash/dip2-transactions.json'), 'utf8')) as { transactions: DecodedTx[] }).transactions;
const displayTxid = (raw: Uint8Array): string => Buffer.from(hash256(raw)).reverse().toString('hex');

function corruptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RetryableError ? err.code : `not retryable: ${String(err)}`;
  }
  return undefined;
}

describe('Dash mainnet block 844898 (recorded with the node\'s getblock answer)', () => {
  const raw = Buffer.from(rec.block, 'hex');

  it('is named by the X11 hash of its header, which the node reports', () => {
    expect(x11HeaderHash(raw.subarray(0, 80))).toBe(rec.hash);
    // Not the double SHA-256 the Bitcoin rules would check: the same bytes fail there.
    expect(corruptCode(() => parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, utxoBlockRules('bitcoin')))).toBe('BTC_BLOCK_CORRUPT');
  });

  it('parses to exactly the node\'s transaction ids and merkle root', () => {
    expect(raw.length).toBe(rec.size);
    const block = parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, rules);
    expect(block.header.hash).toBe(rec.hash);
    expect(block.txs.map((t) => t.txid)).toEqual(rec.tx);
    expect(block.txs[0]!.coinbase).toBe(true);
    expect(Buffer.from(raw.subarray(36, 68)).reverse().toString('hex')).toBe(rec.merkleroot);
  });

  it('is an error, never a partial result, when a byte is missing or added or the hash is another block\'s', () => {
    expect(corruptCode(() => parseBitcoinBlock(raw.subarray(0, raw.length - 1), { height: rec.height, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(corruptCode(() => parseBitcoinBlock(Buffer.concat([raw, Buffer.from([0])]), { height: rec.height, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(corruptCode(() => parseBitcoinBlock(raw, { height: rec.height, hash: rec.previousblockhash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe.each(vectors.map((v) => [v.name, v] as const))('DIP2 vector %s (decoded by electrumx)', (_name, v) => {
  const raw = Buffer.from(v.hex, 'hex');

  it('is read to its last byte, with electrumx\'s outputs, and its txid covers the extra payload', () => {
    // The txid is the double SHA-256 of the whole serialisation, payload included (DIP2).
    const txid = displayTxid(raw);
    const tx = parseBitcoinTransaction(raw, txid, rules);
    expect(tx.txid).toBe(txid);
    expect(tx.ins).toHaveLength(v.inputs);
    expect(tx.outs.map((o) => ({ value: Number(o.value), script: o.scriptHex }))).toEqual(v.outputs);
  });

});

describe.each(vectors.filter((v) => v.extraPayloadBytes > 0).map((v) => [v.name, v] as const))('DIP2 special transaction %s', (_name, v) => {
  const raw = Buffer.from(v.hex, 'hex');

  it('fails, as corrupt, with its payload cut short or grown', () => {
    const txid = displayTxid(raw);
    expect(corruptCode(() => parseBitcoinTransaction(raw.subarray(0, raw.length - 1), txid, rules))).toBe('BTC_TX_CORRUPT');
    expect(corruptCode(() => parseBitcoinTransaction(Buffer.concat([raw, Buffer.from([0])]), txid, rules))).toBe('BTC_TX_CORRUPT');
    // Bitcoin rules do not know the payload: the same bytes are not one transaction there.
    expect(corruptCode(() => parseBitcoinTransaction(raw, txid, utxoBlockRules('bitcoin-sv')))).toBe('BTC_TX_CORRUPT');
  });
});

describe('a Dash block of DIP2 transactions', () => {
  // Assembled: the mainnet header above with the merkle root of electrumx's vectors (a DIP4 coinbase first), so
  // its hash is recomputed with X11 (checked against the node above); the transactions are the real vectors.
  const pick = (name: string): Buffer => Buffer.from(vectors.find((v) => v.name === name)!.hex, 'hex');
  const txs = [pick('CB_TX'), pick('PRO_REG_TX'), pick('V2_TX'), pick('UNKNOWN_SPEC_TX'), pick('PRO_UP_SERV_TX')];
  const header = Buffer.from(Buffer.from(rec.block, 'hex').subarray(0, 80));
  let level = txs.map((t) => hash256(t));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hash256(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  level[0]!.copy(header, 36);
  const block = Buffer.concat([header, Buffer.from([txs.length]), ...txs]);
  const hash = x11HeaderHash(header);

  it('parses every transaction, payloads skipped, under the merkle root', () => {
    const parsed = parseBitcoinBlock(block, { height: 1, hash }, rules);
    expect(parsed.txs.map((t) => t.txid)).toEqual(txs.map(displayTxid));
    expect(parsed.txs.map((t) => t.coinbase)).toEqual([true, false, false, false, false]);
  });

  it('rejects the block when one payload length is off by one', () => {
    const tampered = Buffer.from(block);
    // CB_TX ends with its 38-byte payload, prefixed by its length byte 0x26.
    const at = 80 + 1 + txs[0]!.length - 39;
    expect(tampered[at]).toBe(0x26);
    tampered[at] = 0x25;
    expect(corruptCode(() => parseBitcoinBlock(tampered, { height: 1, hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });
});
