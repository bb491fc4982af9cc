/**
 * What chainwatch needs from a Bitcoin data source. Implemented by the Bitcoin
 * Core JSON-RPC adapter and the Esplora REST adapter; neither needs a node
 * wallet or an address index (seeding uses scantxoutset / Esplora's UTXO call).
 * Every method throws RetryableError or PermanentError only.
 */
export interface BitcoinBackend {
  /** For logs: which protocol, and the redacted endpoint. */
  readonly description: string;
  fetchTipHeight(): Promise<number>;
  /** Active-chain block hashes (display hex) for the given heights, in order. */
  fetchBlockHashes(heights: readonly number[]): Promise<readonly string[]>;
  /** Raw serialized block, as the node has it. Not yet verified: parse with parseBitcoinBlock. */
  fetchRawBlock(hash: string): Promise<Uint8Array>;
  fetchMempoolTxids(): Promise<readonly string[]>;
  /** Raw transactions in order; null for one the backend no longer knows (left the mempool). */
  fetchRawTransactions(txids: readonly string[]): Promise<readonly (Uint8Array | null)[]>;
  /** Unspent outputs paying the given scripts (seeding). */
  fetchUnspent(targets: readonly UnspentTarget[]): Promise<readonly BitcoinUtxo[]>;
}

export interface UnspentTarget {
  readonly address: string;
  readonly scriptHex: string;
}

export interface BitcoinUtxo {
  readonly txid: string;
  readonly vout: number;
  /** Satoshis. */
  readonly value: bigint;
  readonly scriptHex: string;
}
