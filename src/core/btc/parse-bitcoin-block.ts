import { Block, type Transaction } from 'bitcoinjs-lib';
import { RetryableError } from '../errors.js';
import type { BitcoinBlock, BitcoinTx, BitcoinTxInput } from './bitcoin-block.js';
import { hash256Pair, type BinaryHash } from './hash256.js';
import { AUXPOW_VERSION_BIT, readAuxPow } from './read-auxpow.js';
import { readEquihashHeader } from './read-equihash-header.js';
import { scanBlockTransactions } from './scan-block-transactions.js';
import { scanZcashTransactions } from './scan-zcash-transactions.js';
import { scryptHeaderHash } from './scrypt-header-hash.js';
import { x11HeaderHash } from './x11-header-hash.js';
import { utxoBlockRules, type UtxoBlockRules } from './utxo-chain.js';

export interface ExpectedBlock {
  readonly height: number;
  /** The hash the block was requested by (display hex). */
  readonly hash: string;
}

/**
 * Parses a raw block and checks it is the block we asked for: its header
 * (read by bitcoinjs-lib) hashes to `expected.hash` and its merkle root
 * commits to the transactions scanned (scanBlockTransactions). A provider's
 * bytes are untrusted; a corrupt block is a RetryableError (code
 * BTC_BLOCK_CORRUPT) so the follower retries it instead of skipping it.
 *
 * `rules` are the chain family's (utxoBlockRules): a Dogecoin header with the
 * AuxPoW version bit is followed by its AuxPoW (readAuxPow) before the
 * transactions; the block hash is still the double SHA-256 of the 80-byte header
 * for every family (scrypt only decides proof of work, not identity) except
 * Dash, whose blocks are named by the X11 hash of that header, Verge, named by
 * its scrypt hash (its transactions carry nTime and the block ends with a
 * block signature), and Bitcoin Gold and Zcash (`rules.equihashFromHeight`),
 * whose every block has Equihash's 140-byte header plus solution
 * (readEquihashHeader), hashed whole from the fork (Zcash: from genesis) on.
 * Zcash's transactions have their own formats (scanZcashTransactions).
 */
export function parseBitcoinBlock(raw: Uint8Array, expected: ExpectedBlock, rules: UtxoBlockRules = utxoBlockRules('bitcoin')): BitcoinBlock {
  const where = `block ${expected.height} (${expected.hash})`;
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (rules.equihashFromHeight !== undefined) {
    // Bitcoin Gold: a 140-byte header plus solution, all of it hashed (Bitcoin's 80 bytes below the fork).
    const header = readEquihashHeader(buf, where, expected.height < rules.equihashFromHeight);
    if (header.hash !== expected.hash.toLowerCase()) throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} hashes to ${header.hash} instead`);
    const { txs, hashes } = rules.zcashTransactions === true ? scanZcashTransactions(buf, header.end, where) : scanBlockTransactions(buf, header.end, where, rules);
    if (Buffer.compare(merkleRoot(hashes), header.merkleRoot) !== 0) {
      throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has a merkle root that does not match its transactions`);
    }
    return { header: { number: expected.height, hash: header.hash, parentHash: reverseHex(header.prevHash) }, txs };
  }
  if (raw.length < 81) throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} is only ${raw.length} bytes long`);
  let header: Block;
  try {
    // bitcoinjs-lib reads the 80-byte header; the transactions are scanned below in one pass.
    header = Block.fromBuffer(raw.subarray(0, 80));
  } catch (err) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has an unreadable header: ${(err as Error).message}`, { cause: err });
  }
  const hash = rules.headerHash === 'x11' ? x11HeaderHash(raw.subarray(0, 80)) : rules.headerHash === 'scrypt' ? scryptHeaderHash(raw.subarray(0, 80)) : header.getId();
  if (hash !== expected.hash.toLowerCase()) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} hashes to ${hash} instead`);
  }
  const auxpow = rules.auxpow && (buf.readInt32LE(0) & AUXPOW_VERSION_BIT) !== 0;
  const txStart = auxpow ? readAuxPow(buf, 80, where) : 80;
  const { txs, hashes } = scanBlockTransactions(buf, txStart, where, rules);
  const root = merkleRoot(hashes);
  if (!header.merkleRoot || Buffer.compare(root, header.merkleRoot) !== 0) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has a merkle root that does not match its transactions`);
  }
  return {
    header: { number: expected.height, hash, parentHash: reverseHex(header.prevHash ?? new Uint8Array(32)) },
    txs,
  };
}

/** Converts a bitcoinjs Transaction whose txid is already known. */
export function toBitcoinTx(tx: Transaction, txid: string): BitcoinTx {
  const coinbase = tx.ins.length === 1 && isZeroHash(tx.ins[0]!.hash);
  const ins = new Array<BitcoinTxInput>(tx.ins.length);
  for (let i = 0; i < tx.ins.length; i++) {
    const input = tx.ins[i]!;
    ins[i] = { outpoint: coinbase ? '' : `${reverseHex(input.hash)}:${input.index}`, script: input.script, witness: input.witness };
  }
  // bitcoinjs' scripts are views into the parsed bytes: hex them through one Buffer view per backing store.
  let view: Buffer | undefined;
  const outs = new Array<{ scriptHex: string; value: bigint }>(tx.outs.length);
  for (let i = 0; i < tx.outs.length; i++) {
    const { script, value } = tx.outs[i]!;
    if (view === undefined || view.buffer !== script.buffer) view = Buffer.from(script.buffer as ArrayBuffer);
    outs[i] = { scriptHex: view.toString('hex', script.byteOffset, script.byteOffset + script.byteLength), value };
  }
  return { txid, coinbase, ins, outs };
}

function merkleRoot(leaves: readonly BinaryHash[]): Buffer {
  let level = leaves;
  while (level.length > 1) {
    const next = new Array<BinaryHash>(Math.ceil(level.length / 2));
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      next[i >> 1] = hash256Pair(left, level[i + 1] ?? left); // odd count: the last node pairs with itself
    }
    level = next;
  }
  return Buffer.from(level[0]!, 'latin1');
}


function isZeroHash(h: Uint8Array): boolean {
  for (const b of h) if (b !== 0) return false;
  return true;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Bitcoin shows hashes byte-reversed from their internal order. (Table lookup: no copy per input.) */
function reverseHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = bytes.length - 1; i >= 0; i--) out += HEX_BYTE[bytes[i]!]!;
  return out;
}
