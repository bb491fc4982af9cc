/**
 * Bitcoin Gold through the UTXO engine: every raw block has the 140-byte Equihash header plus solution; from
 * the fork (491,407) the hash covers all of it, below it Bitcoin's 80 bytes. Real mainnet blocks recorded by
 * electrumx with the node's getblock answer (hash, txids, merkle root).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
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
const nodeBlock = (name: string): NodeBlock => JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/bitcoin-gold/${name}`, import.meta.url)), 'utf8')) as NodeBlock;
const rules = utxoBlockRules('bitcoin-gold');

function corruptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RetryableError ? err.code : `not retryable: ${String(err)}`;
  }
  return undefined;
}

describe.each([
  ['499912 (after the fork: Equihash(200,9) solution)', 'bitcoingold_mainnet_499912.json'],
  ['80000 (inherited from Bitcoin, served in the 140-byte layout)', 'bitcoingold_mainnet_80000.json'],
] as const)('Bitcoin Gold mainnet block %s', (_what, file) => {
  const rec = nodeBlock(file);
  const raw = Buffer.from(rec.block, 'hex');
  const expected = { height: rec.height, hash: rec.hash };

  it('parses to exactly the node\'s hash, parent, transaction ids and merkle root', () => {
    const block = parseBitcoinBlock(raw, expected, rules);
    expect(block.header).toEqual({ number: rec.height, hash: rec.hash, parentHash: rec.previousblockhash });
    expect(block.txs.map((t) => t.txid)).toEqual(rec.tx);
    expect(block.txs[0]!.coinbase).toBe(true);
    expect(Buffer.from(raw.subarray(36, 68)).reverse().toString('hex')).toBe(rec.merkleroot);
  });

  it('is an error, never a partial result, when a byte is missing or added', () => {
    expect(corruptCode(() => parseBitcoinBlock(raw.subarray(0, raw.length - 1), expected, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(corruptCode(() => parseBitcoinBlock(Buffer.concat([raw, Buffer.from([0])]), expected, rules))).toBe('BTC_BLOCK_CORRUPT');
  });

  it('cannot be read with Bitcoin\'s rules (the 140-byte header is not Bitcoin\'s)', () => {
    expect(corruptCode(() => parseBitcoinBlock(raw, expected, utxoBlockRules('bitcoin')))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe('the Equihash solution is part of the block hash', () => {
  const rec = nodeBlock('bitcoingold_mainnet_499912.json');
  const raw = Buffer.from(rec.block, 'hex');

  it('the solution is 1344 bytes after the 140-byte header, and changing one of its bytes changes the hash', () => {
    expect(raw.subarray(140, 143).toString('hex')).toBe('fd4005'); // compactSize 1344
    const tampered = Buffer.from(raw);
    tampered[143 + 700] = tampered[143 + 700]! ^ 0x01;
    expect(corruptCode(() => parseBitcoinBlock(tampered, { height: rec.height, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });

  it('a post-fork block presented at a pre-fork height fails its hash (the height decides the hash rule)', () => {
    expect(corruptCode(() => parseBitcoinBlock(raw, { height: 491_406, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });
});
