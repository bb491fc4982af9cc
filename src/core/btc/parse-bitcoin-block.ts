import { Block, type Transaction } from 'bitcoinjs-lib';
import { RetryableError } from '../errors.js';
import type { BitcoinBlock, BitcoinTx, BitcoinTxInput } from './bitcoin-block.js';
import { hash256 } from './hash256.js';

export interface ExpectedBlock {
  readonly height: number;
  /** The hash the block was requested by (display hex). */
  readonly hash: string;
}

/**
 * Parses a raw block with bitcoinjs-lib and checks it is the block we asked
 * for: its header hashes to `expected.hash` and its merkle root commits to the
 * transactions we parsed. A provider's bytes are untrusted; a corrupt block is
 * a RetryableError (code BTC_BLOCK_CORRUPT) so the follower retries it instead
 * of skipping it.
 *
 * Txids are hashed straight from the raw bytes (the non-witness parts of each
 * transaction), not by re-serialising every Transaction: that halves the cost
 * of checking the merkle root on a full mainnet block.
 */
export function parseBitcoinBlock(raw: Uint8Array, expected: ExpectedBlock): BitcoinBlock {
  const where = `block ${expected.height} (${expected.hash})`;
  let block: Block;
  try {
    block = Block.fromBuffer(raw);
  } catch (err) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  const transactions = block.transactions;
  if (!transactions || transactions.length === 0) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has no transactions`);
  }
  const hash = block.getId();
  if (hash !== expected.hash.toLowerCase()) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} hashes to ${hash} instead`);
  }
  const txHashes = hashTransactions(raw, transactions, where);
  const root = merkleRoot(txHashes);
  if (!block.merkleRoot || Buffer.compare(root, block.merkleRoot) !== 0) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has a merkle root that does not match its transactions`);
  }
  const txs: BitcoinTx[] = new Array<BitcoinTx>(transactions.length);
  for (let i = 0; i < transactions.length; i++) {
    txs[i] = toBitcoinTx(transactions[i]!, reverseHex(txHashes[i]!));
  }
  return {
    header: { number: expected.height, hash, parentHash: reverseHex(block.prevHash ?? new Uint8Array(32)) },
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

/** Internal byte order hashes of each transaction, in block order. */
function hashTransactions(raw: Uint8Array, transactions: readonly Transaction[], where: string): Buffer[] {
  let offset = 80 + varIntSize(raw[80]);
  const hashes: Buffer[] = new Array<Buffer>(transactions.length);
  for (let i = 0; i < transactions.length; i++) {
    const tx = transactions[i]!;
    const end = offset + tx.byteLength();
    if (tx.hasWitnesses()) {
      // BIP-144: txid covers version | inputs+outputs | locktime, skipping marker, flag and witnesses.
      const body = tx.byteLength(false) - 8;
      hashes[i] = hash256(Buffer.concat([raw.subarray(offset, offset + 4), raw.subarray(offset + 6, offset + 6 + body), raw.subarray(end - 4, end)]));
    } else {
      hashes[i] = hash256(raw.subarray(offset, end));
    }
    offset = end;
  }
  if (offset !== raw.length) {
    throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has ${raw.length - offset} unexpected bytes after its transactions`);
  }
  return hashes;
}

function merkleRoot(leaves: readonly Buffer[]): Buffer {
  let level = leaves;
  const pair = Buffer.alloc(64);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1] ?? left; // odd count: the last node pairs with itself
      left.copy(pair, 0);
      right.copy(pair, 32);
      next.push(hash256(pair));
    }
    level = next;
  }
  return level[0]!;
}

function varIntSize(first: number | undefined): number {
  if (first === undefined) return 1;
  return first < 0xfd ? 1 : first === 0xfd ? 3 : first === 0xfe ? 5 : 9;
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
