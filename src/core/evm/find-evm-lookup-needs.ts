import type { WatchlistIndex } from '../watchlist.js';
import { collectEvmLegs, type EvmLeg } from './collect-evm-legs.js';
import type { EvmBlockData, EvmTokenStandard } from './evm-block-data.js';
import { tokenMetadataKey } from './token-metadata-key.js';

export interface EvmLookupNeeds {
  /**
   * Transactions whose success decides a native/activity/internal leg and that neither block.txStatus nor
   * the block's logs settle (a transaction with a log succeeded; matchEvmBlock counts a missing status as success).
   */
  readonly txHashes: readonly string[];
  /** Token contracts (lowercase) of matched log legs, for symbol/decimals: one per (standard, contract). */
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
  const tokens = new Map<string, { readonly contract: string; readonly standard: EvmTokenStandard }>();
  const legs = collectEvmLegs(block, chain, index);
  // A transaction that emitted a log succeeded: a revert discards every log of the transaction, so the
  // node's logs (checked against this block's hash) settle its status without a receipt.
  let logged: ReadonlySet<string> | undefined;
  for (const leg of legs) {
    if (leg.contract !== null && leg.standard !== null) {
      // A hybrid contract (ERC-20 and ERC-721 Transfers) needs both lookups: its ERC-20 legs need decimals.
      const key = tokenMetadataKey(leg.standard, leg.contract);
      if (!tokens.has(key)) tokens.set(key, { contract: leg.contract, standard: leg.standard });
    } else if (block.txStatus?.get(leg.txHash) === undefined && !txHashes.has(leg.txHash)) {
      logged ??= new Set(block.logs.map((log) => log.txHash));
      if (!logged.has(leg.txHash)) txHashes.add(leg.txHash);
    }
  }
  return { txHashes: [...txHashes], tokens: [...tokens.values()], legs };
}
