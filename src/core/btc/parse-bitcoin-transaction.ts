import { Transaction } from 'bitcoinjs-lib';
import { PermanentError, RetryableError } from '../errors.js';
import type { BitcoinTx } from './bitcoin-block.js';
import { toBitcoinTx } from './parse-bitcoin-block.js';
import { ByteReader } from './byte-reader.js';
import { scanBlockTransactions } from './scan-block-transactions.js';
import { readZcashTransaction } from './scan-zcash-transactions.js';
import type { UtxoBlockRules } from './utxo-chain.js';

/**
 * Parses a raw (mempool) transaction and checks it is the one asked for. Corrupt bytes: RetryableError BTC_TX_CORRUPT.
 *
 * Bitcoin transactions go through bitcoinjs-lib; other UTXO families (`rules`)
 * through the same scanner as their blocks, so a CashTokens output is matched on
 * its locking script. A Litecoin mempool transaction with the MWEB flag carries
 * confidential MWEB data that cannot be matched: PermanentError
 * BTC_TX_UNSUPPORTED (the poller skips it; its transparent part is matched when mined).
 * Zcash transactions are read by the Zcash reader (every byte consumed), Verge's with their nTime.
 */
export function parseBitcoinTransaction(raw: Uint8Array, expectedTxid: string, rules?: UtxoBlockRules): BitcoinTx {
  const tx = readBitcoinTransaction(raw, `transaction ${expectedTxid}`, rules);
  if (tx.txid !== expectedTxid.toLowerCase()) throw new RetryableError('BTC_TX_CORRUPT', `transaction ${expectedTxid} hashes to ${tx.txid} instead`);
  return tx;
}

/**
 * Reads a raw transaction whose txid is not known beforehand (ZeroMQ `rawtx` announcements); the txid is
 * computed from the bytes. Same errors as parseBitcoinTransaction; `what` names it in them.
 */
export function readBitcoinTransaction(raw: Uint8Array, what: string, rules?: UtxoBlockRules): BitcoinTx {
  if (rules !== undefined && (rules.mweb || rules.cashTokens || rules.specialTx || !rules.segwit)) return scanOne(raw, what, rules);
  let tx: Transaction;
  try {
    tx = Transaction.fromBuffer(raw);
  } catch (err) {
    throw new RetryableError('BTC_TX_CORRUPT', `${what} could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  return toBitcoinTx(tx, tx.getId());
}

function scanOne(raw: Uint8Array, what: string, rules: UtxoBlockRules): BitcoinTx {
  if (rules.mweb && raw.length > 6 && raw[4] === 0x00 && (raw[5]! & 0x08) !== 0) {
    throw new PermanentError('BTC_TX_UNSUPPORTED', `${what} carries MWEB data, which is confidential; its transparent part is matched when it is mined`);
  }
  // A one-transaction "block body": count 1, then the transaction; the scanner insists every byte is consumed.
  const body = Buffer.concat([Buffer.from([0x01]), raw]);
  let tx: BitcoinTx;
  try {
    if (rules.zcashTransactions === true) {
      const reader = new ByteReader(body, 1, what);
      tx = readZcashTransaction(reader).tx;
      if (reader.pos !== body.length) throw reader.corrupt('bytes after the transaction');
    } else {
      // A block signature belongs to a block, not to a lone transaction.
      tx = scanBlockTransactions(body, 0, what, { ...rules, blockSignature: false }).txs[0]!;
    }
  } catch (err) {
    throw new RetryableError('BTC_TX_CORRUPT', `${what} could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  return tx;
}
