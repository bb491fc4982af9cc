import type { BlockHeader } from '../ports.js';

/**
 * A Bitcoin block reduced to what matching needs. Scripts are kept as
 * lowercase hex because the watchlist is keyed by scriptPubKey hex: one string
 * lookup per output, never an address conversion in the hot path.
 */
export interface BitcoinBlock {
  readonly header: BlockHeader;
  readonly txs: readonly BitcoinTx[];
}

export interface BitcoinTx {
  /** Display-order (big-endian) hex txid, as explorers and RPCs show it. */
  readonly txid: string;
  readonly coinbase: boolean;
  readonly ins: readonly BitcoinTxInput[];
  readonly outs: readonly BitcoinTxOutput[];
  /**
   * Zcash: the transaction also moves value in or out of a shielded pool (JoinSplits, Sapling, Orchard), so its
   * transparent inputs minus outputs are not its fee. Absent on chains without shielded value.
   */
  readonly shielded?: boolean;
}

export interface BitcoinTxInput {
  /** Outpoint spent, `txid:vout`; empty for the coinbase input. */
  readonly outpoint: string;
  /** scriptSig and witness as parsed (views, not copies): only read for matched txs, to name the payer. */
  readonly script?: Uint8Array;
  readonly witness?: readonly Uint8Array[];
}

export interface BitcoinTxOutput {
  readonly scriptHex: string;
  /** Satoshis. */
  readonly value: bigint;
  /**
   * Outputs scanned from a raw block: the bytes the script lies in, at [scriptStart, scriptEnd), so
   * matching looks it up by bytes (WatchlistIndex.lookupHex) and hexes only the scripts that match.
   */
  readonly block?: Uint8Array;
  readonly scriptStart?: number;
  readonly scriptEnd?: number;
}

/** The key of an outpoint everywhere in chainwatch: `<txid>:<vout>`. */
export function outpointKey(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}
