import { Transaction } from 'bitcoinjs-lib';
import { RetryableError } from '../errors.js';
import type { BitcoinTx } from './bitcoin-block.js';
import { toBitcoinTx } from './parse-bitcoin-block.js';

/** Parses a raw (mempool) transaction and checks it is the one asked for. Corrupt bytes: RetryableError BTC_TX_CORRUPT. */
export function parseBitcoinTransaction(raw: Uint8Array, expectedTxid: string): BitcoinTx {
  let tx: Transaction;
  try {
    tx = Transaction.fromBuffer(raw);
  } catch (err) {
    throw new RetryableError('BTC_TX_CORRUPT', `transaction ${expectedTxid} could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  const txid = tx.getId();
  if (txid !== expectedTxid.toLowerCase()) {
    throw new RetryableError('BTC_TX_CORRUPT', `transaction ${expectedTxid} hashes to ${txid} instead`);
  }
  return toBitcoinTx(tx, txid);
}
