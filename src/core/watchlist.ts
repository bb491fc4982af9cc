import type { WatchlistRef } from './movement.js';

/** One validated, normalised watchlist entry, as loaded from config/watchlists/*.yaml. */
export interface WatchlistEntry extends WatchlistRef {
  readonly chain: string;
  /** Display form: EIP-55 for EVM, the address as written for Bitcoin (bech32 lowercased). */
  readonly address: string;
  /** Key used for matching: lowercase hex address (EVM) or scriptPubKey hex (Bitcoin). */
  readonly matchKey: string;
  readonly removed?: string | undefined;
  readonly enabled: boolean;
  /** Where the entry was written, for messages and `watchlist find`. */
  readonly file: string;
  readonly line: number;
}

/**
 * O(1) lookup from (chain, matchKey) to the entries that flag it. Cost per block
 * must not grow with watchlist size, so matchers only ever call `lookup`.
 */
export interface WatchlistIndex {
  /** Content fingerprint; changes whenever the set of watched entries changes. */
  readonly version: string;
  lookup(chain: string, matchKey: string): readonly WatchlistRef[] | undefined;
  /**
   * The same as lookup(chain, lowercase hex of bytes[start, end)) without building that string
   * (Bitcoin output scripts straight from a block's bytes: nearly all of them miss). Optional.
   */
  lookupHex?(chain: string, bytes: Uint8Array, start: number, end: number): readonly WatchlistRef[] | undefined;
  /** Match keys watched on a chain (for seeding Bitcoin UTXOs, stats). */
  keysFor(chain: string): ReadonlySet<string>;
  readonly size: number;
}

export const EMPTY_WATCHLIST_INDEX: WatchlistIndex = {
  version: 'empty',
  lookup: () => undefined,
  keysFor: () => new Set(),
  size: 0,
};
