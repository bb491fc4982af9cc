/**
 * An output chainwatch saw paying a watched script. Bitcoin inputs name only
 * the outpoint they spend, so spends out of watched addresses are found by
 * remembering these and looking every input of a block up in one round trip.
 */
export interface RememberedOutpoint {
  readonly txid: string;
  readonly vout: number;
  /** Satoshis. */
  readonly value: bigint;
  /** scriptPubKey hex: the watchlist match key. */
  readonly matchKey: string;
  /** Display address of the script (null for scripts without one). */
  readonly address: string | null;
}

/** Durable Bitcoin state per chain (outpoints; mempool txids already alerted). */
export interface OutpointStore {
  /** The remembered outpoints among `keys` (`txid:vout`), in ONE round trip whatever the count. */
  fetchMany(chain: string, keys: readonly string[]): Promise<ReadonlyMap<string, RememberedOutpoint>>;
  saveMany(chain: string, outpoints: readonly RememberedOutpoint[]): Promise<void>;
  /** The txids among `txids` not yet marked as alerted from the mempool. */
  filterUnseenMempoolTxids(chain: string, txids: readonly string[]): Promise<readonly string[]>;
  /** Marks mempool txids as alerted for at most `ttlMs`, so a restart does not alert them again. */
  markMempoolTxidsSeen(chain: string, txids: readonly string[], ttlMs: number): Promise<void>;
  /**
   * Forgets alerted mempool txids that are no longer in `inMempool` (mined or
   * evicted: the mempool watcher cannot see them again), expired ones, and the
   * oldest beyond `maxKept`. Returns how many are kept.
   */
  pruneMempoolTxids(chain: string, inMempool: readonly string[], maxKept: number): Promise<number>;
}
