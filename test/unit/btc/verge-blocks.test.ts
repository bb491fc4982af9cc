/**
 * Verge through the UTXO engine: an 80-byte header named by its scrypt(1024,1,1) hash (Verge Core's
 * CBlockHeader::GetHash, whatever algorithm mined the block), transactions with nTime after the version,
 * and the block signature (vchBlockSig) after the last transaction. Real mainnet blocks recorded by
 * electrumx with the node's getblock answer (test/fixtures/verge/NOTES.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { parseBitcoinTransaction } from '../../../src/core/btc/parse-bitcoin-transaction.js';
import { scryptHeaderHash } from '../../../src/core/btc/scrypt-header-hash.js';
import { utxoBlockRules } from '../../../src/core/btc/utxo-chain.js';
import { RetryableError } from '../../../src/core/errors.js';

interface NodeBlock {
  readonly hash: string;
  readonly height: number;
  readonly size: number;
  readonly merkleroot: string;
  readonly previousblockhash: string;
  readonly tx: readonly string[];
  readonly block: string;
}
const nodeBlock = (name: string): NodeBlock => JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/verge/${name}`, import.meta.url)), 'utf8')) as NodeBlock;
const rules = utxoBlockRules('verge');

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RetryableError ? err.code : `not retryable: ${String(err)}`;
  }
  return undefined;
}

function target(raw: Buffer): bigint {
  const bits = raw.readUInt32LE(72);
  return BigInt(bits & 0x007fffff) << BigInt(8 * ((bits >>> 24) - 3));
}

describe('Verge mainnet block 1000 (kyuupichan/electrumx: coinbase with a 71-byte block signature)', () => {
  const rec = nodeBlock('verge_mainnet_1000.json');
  const raw = Buffer.from(rec.block, 'hex');

  it('parses to exactly the node\'s hash (scrypt of the header), parent, txid and size', () => {
    expect(raw.length).toBe(rec.size);
    const block = parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, rules);
    expect(block.header).toEqual({ number: rec.height, hash: rec.hash, parentHash: rec.previousblockhash });
    expect(block.txs.map((t) => t.txid)).toEqual(rec.tx);
    expect(block.txs[0]!.coinbase).toBe(true);
  });

  it('the block signature is read, not left over: without it the block is short, with Bitcoin\'s rules it is corrupt', () => {
    const expected = { height: rec.height, hash: rec.hash };
    expect(raw.subarray(raw.length - 72, raw.length - 71).toString('hex')).toBe('47'); // compactSize 71, then the DER signature
    expect(failure(() => parseBitcoinBlock(raw.subarray(0, raw.length - 72), expected, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(failure(() => parseBitcoinBlock(Buffer.concat([raw, Buffer.from([0])]), expected, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(failure(() => parseBitcoinBlock(raw, expected, utxoBlockRules('dogecoin')))).toBe('BTC_BLOCK_CORRUPT');
  });

  it('a transaction alone (mempool) is read with its nTime and without a block signature', () => {
    // The coinbase runs from after the header and the transaction count to the block signature (71 bytes and its length).
    const coinbase = raw.subarray(81, raw.length - 72);
    expect(parseBitcoinTransaction(coinbase, rec.tx[0]!, rules).txid).toBe(rec.tx[0]);
    expect(failure(() => parseBitcoinTransaction(coinbase, rec.tx[0]!, utxoBlockRules('dogecoin')))).toBe('BTC_TX_CORRUPT');
    expect(failure(() => parseBitcoinTransaction(raw.subarray(81), rec.tx[0]!, rules))).toBe('BTC_TX_CORRUPT');
  });
});

describe('Verge mainnet block 30000 (spesmilo/electrumx: 10 transactions)', () => {
  const rec = nodeBlock('verge_mainnet_30000.json');
  const raw = Buffer.from(rec.block, 'hex');
  const hash = scryptHeaderHash(raw.subarray(0, 80));

  it('every txid, the merkle root and the parent are the node\'s (nTime read and hashed in every transaction)', () => {
    expect(raw.length).toBe(rec.size);
    const block = parseBitcoinBlock(raw, { height: rec.height, hash }, rules);
    expect(block.txs.map((t) => t.txid)).toEqual(rec.tx);
    expect(block.header.parentHash).toBe(rec.previousblockhash);
    expect(Buffer.from(raw.subarray(36, 68)).reverse().toString('hex')).toBe(rec.merkleroot);
    // Transaction 1 pays two P2PKH outputs in base units of 10^-6 XVG.
    expect(block.txs[1]!.outs.map((o) => o.value)).toEqual([44_472_827_639n, 5_527_072_361n]);
  });

  it('its scrypt hash meets the header\'s target; the file\'s `hash` field is not that hash (see NOTES.md)', () => {
    expect(BigInt(`0x${hash}`) <= target(raw)).toBe(true);
    // Documented finding, kept as a test so it is not rediscovered: the recorded field cannot be reproduced
    // from these header bytes by Verge's GetHash (scrypt) nor by double SHA-256.
    expect(hash).not.toBe(rec.hash);
    expect(failure(() => parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });
});
