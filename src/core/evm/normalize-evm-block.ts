import type { EvmTransaction } from './evm-block-data.js';
import type { BlockHeader } from '../ports.js';
import { badResponse, isRecord, parseAddress, parseArray, parseHash, parseNullableAddress, parseQuantity, parseQuantityBigInt, parseRecord } from './parse-rpc-value.js';

export interface NormalizedEvmBlock {
  readonly header: BlockHeader;
  readonly timestamp: number;
  readonly transactions: readonly EvmTransaction[];
}

/**
 * Turns a raw `eth_getBlockByNumber(n, true)` result into the compact block the
 * matcher needs. Only the fields we use are read; every one is checked.
 * Throws RetryableError (RPC_BAD_RESPONSE) on garbage, including a transaction
 * that claims another block, and on a block other than `expectedNumber`.
 */
export function normalizeEvmBlock(raw: unknown, expectedNumber?: number): NormalizedEvmBlock {
  const block = parseRecord(raw, 'block');
  const number = parseQuantity(block['number'], 'block number');
  if (expectedNumber !== undefined && number !== expectedNumber) throw badResponse(`block (asked for ${expectedNumber}, got ${number})`);
  const hash = parseHash(block['hash'], 'hash of block', number);
  const parentHash = parseHash(block['parentHash'], 'parent hash of block', number);
  const timestamp = parseQuantity(block['timestamp'], 'timestamp of block', number);
  const rawTxs = parseArray(block['transactions'], 'transaction list of block', number);
  const transactions: EvmTransaction[] = new Array<EvmTransaction>(rawTxs.length);
  for (let i = 0; i < rawTxs.length; i++) {
    const tx = rawTxs[i];
    if (typeof tx === 'string') throw badResponse(`block ${number} (transaction hashes only; full transactions were asked for)`);
    const t = isRecord(tx) ? tx : parseRecord(tx, `transaction ${i} of block ${number}`);
    const txHash = parseHash(t['hash'], 'transaction hash in block', number);
    // The block's own (checked) hash, as nodes send it, needs no second check.
    if (t['blockHash'] !== undefined && t['blockHash'] !== null && t['blockHash'] !== hash && parseHash(t['blockHash'], 'transaction block hash') !== hash) {
      throw badResponse(`transaction ${txHash} (it names another block than ${number})`);
    }
    transactions[i] = {
      hash: txHash,
      index: t['transactionIndex'] === undefined || t['transactionIndex'] === null ? i : parseQuantity(t['transactionIndex'], 'index of transaction', txHash),
      from: parseAddress(t['from'], 'sender of transaction', txHash),
      to: parseNullableAddress(t['to'], 'recipient of transaction', txHash),
      value: parseQuantityBigInt(t['value'], 'value of transaction', txHash),
      nonce: parseQuantity(t['nonce'], 'nonce of transaction', txHash),
    };
  }
  return { header: { number, hash, parentHash }, timestamp, transactions };
}

/** A raw block header (`eth_getBlockByNumber(n, false)` or full), for reorg walks. */
export function normalizeEvmHeader(raw: unknown): BlockHeader {
  const block = parseRecord(raw, 'block header');
  const number = parseQuantity(block['number'], 'block number');
  return { number, hash: parseHash(block['hash'], 'hash of block', number), parentHash: parseHash(block['parentHash'], 'parent hash of block', number) };
}
