import type { WatchlistIndex } from '../watchlist.js';
import { collectEvmLegs, type EvmLeg } from './collect-evm-legs.js';
import type { EvmBlockData, EvmTokenStandard } from './evm-block-data.js';

export interface EvmLookupNeeds {
  /** Transactions whose success decides a native/activity/internal leg and that block.txStatus does not cover. */
  readonly txHashes: readonly string[];
  /** Token contracts (lowercase) of matched log legs, for symbol/decimals. */
  readonly tokens: readonly { readonly contract: string; readonly standard: EvmTokenStandard }[];
  /** The legs found, to hand to matchEvmBlock with the same index. */
  readonly legs: readonly EvmLeg[];
}

/**
 * What the adapter must fetch before matchEvmBlock can build this block's
 * movements: only for the few legs that touch a watched address, so the
 * per-block RPC cost does not grow with the block's transaction count.
 */
export function findEvmLookupNeeds(block: EvmBlockData, chain: string, index: WatchlistIndex): EvmLookupNeeds {
  const txHashes = new Set<string>();
  const tokens = new Map<string, EvmTokenStandard>();
  const legs = collectEvmLegs(block, chain, index);
  for (const leg of legs) {
    if (leg.contract !== null && leg.standard !== null) {
      if (!tokens.has(leg.contract)) tokens.set(leg.contract, leg.standard);
    } else if (block.txStatus?.get(leg.txHash) === undefined) {
      txHashes.add(leg.txHash);
    }
  }
  return { txHashes: [...txHashes], tokens: [...tokens].map(([contract, standard]) => ({ contract, standard })), legs };
}
