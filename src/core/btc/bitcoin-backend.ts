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
  /**
   * Unspent outputs paying the given scripts (seeding). A target the backend
   * refuses on its own (Esplora's "Too many unspent transaction outputs (>500)")
   * is listed under `refused` instead of failing the others.
   */
  fetchUnspent(targets: readonly UnspentTarget[]): Promise<UnspentScan>;
}

export interface UnspentTarget {
  readonly address: string;
  readonly scriptHex: string;
}

export interface UnspentScan {
  readonly utxos: readonly BitcoinUtxo[];
  readonly refused: readonly RefusedUnspentTarget[];
}

export interface RefusedUnspentTarget extends UnspentTarget {
  /** Error code (BTC_TOO_MANY_UTXOS) and one sentence, without the backend's URL path. */
  readonly code: string;
  readonly reason: string;
}

export interface BitcoinUtxo {
  readonly txid: string;
  readonly vout: number;
  /** Satoshis. */
  readonly value: bigint;
  readonly scriptHex: string;
}
