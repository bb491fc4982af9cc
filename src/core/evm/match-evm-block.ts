import { getCreateAddress } from 'ethers';
import { checksumEvmAddressMemo } from '../address/checksum-evm-address.js';
import { buildMovementId, type Asset, type Movement } from '../movement.js';
import type { WatchlistIndex } from '../watchlist.js';
import { collectEvmLegs, type EvmLeg } from './collect-evm-legs.js';
import { fallbackTokenMetadata } from './decode-token-metadata.js';
import type { EvmBlockData, TokenMetadata } from './evm-block-data.js';
import { tokenMetadataKey } from './token-metadata-key.js';

export interface MatchEvmBlockContext {
  /** Configured chain id (watchlist entries and movement ids use it). */
  readonly chain: string;
  readonly index: WatchlistIndex;
  readonly headNumber: number;
  readonly nativeSymbol: string;
  /**
   * Success by lowercase tx hash for the transactions findEvmLookupNeeds named
   * (block.txStatus is consulted first). A transaction missing from both
   * counts as successful.
   */
  readonly txStatus?: ReadonlyMap<string, boolean>;
  /** Metadata by tokenMetadataKey(standard, contract); missing ones get fallbackTokenMetadata. */
  readonly tokens?: ReadonlyMap<string, TokenMetadata>;
  /** The block's legs as findEvmLookupNeeds collected them against this same index (saves a second pass). */
  readonly legs?: readonly EvmLeg[];
}

/**
 * Matches one normalised block against the watchlist and returns its
 * movements (pure). Rules (issue #2):
 * - direction: from==W && to==W -> self, from==W -> out, to==W -> in; both
 *   sides watched (different addresses) -> one movement each;
 * - a reverted transaction moved nothing: its native and internal legs are
 *   dropped and a watched sender gets an `activity` movement instead;
 * - `activity` for a watched sender only when that transaction produced no
 *   other out/self movement of that address.
 */
export function matchEvmBlock(block: EvmBlockData, context: MatchEvmBlockContext): Movement[] {
  const legs = context.legs ?? collectEvmLegs(block, context.chain, context.index);
  if (legs.length === 0) return [];
  const succeeded = (txHash: string): boolean => block.txStatus?.get(txHash) ?? context.txStatus?.get(txHash) ?? true;

  const kept = legs.filter((leg) => leg.kind === 'activity' || ((leg.kind === 'native' || leg.kind === 'internal') ? succeeded(leg.txHash) : true));
  const movedOut = new Set<string>();
  for (const leg of kept) {
    if (leg.kind !== 'activity' && leg.direction !== 'in') movedOut.add(`${leg.txHash}|${leg.watchedAddress}`);
  }
  // Sender and nonce of the transactions with a leg only (a map of the whole block cost more than the matching).
  const withLegs = new Set(kept.map((leg) => leg.txHash));
  const nonces = new Map<string, { readonly from: string; readonly nonce: number }>();
  for (const tx of block.transactions) if (withLegs.has(tx.hash)) nonces.set(tx.hash, tx);
  const out: Movement[] = [];
  for (const leg of kept) {
    if (leg.kind === 'activity' && succeeded(leg.txHash) && movedOut.has(`${leg.txHash}|${leg.watchedAddress}`)) continue;
    out.push(toMovement(leg, block, context, nonces));
  }
  return out;
}

function toMovement(leg: EvmLeg, block: EvmBlockData, context: MatchEvmBlockContext, txs: ReadonlyMap<string, { readonly from: string; readonly nonce: number }>): Movement {
  let to: string;
  if (leg.to !== null) {
    to = checksumEvmAddressMemo(leg.to);
  } else {
    // Contract creation: the recipient is the new contract (address from sender and nonce).
    const tx = txs.get(leg.txHash);
    to = tx ? getCreateAddress({ from: tx.from, nonce: tx.nonce }) : '';
  }
  const txSender = txs.get(leg.txHash)?.from;
  return {
    id: buildMovementId(context.chain, leg.txHash, leg.leg, leg.watchedAddress),
    ...(leg.legacyLeg !== null ? { legacyIds: [buildMovementId(context.chain, leg.txHash, leg.legacyLeg, leg.watchedAddress)] } : {}),
    chain: context.chain,
    direction: leg.direction,
    kind: leg.kind,
    txHash: leg.txHash,
    blockNumber: block.header.number,
    blockHash: block.header.hash,
    logIndex: leg.logIndex,
    tracePosition: leg.tracePosition,
    from: checksumEvmAddressMemo(leg.from),
    to,
    asset: assetOf(leg, context),
    amount: leg.amount,
    tokenId: leg.tokenId,
    watchedAddress: leg.watchedAddress,
    watchlist: leg.watchlist,
    confirmations: Math.max(0, context.headNumber - block.header.number + 1),
    // Who signed the transaction: a Transfer(from = watched) in a transaction someone else sent may be forged.
    txFrom: txSender === undefined ? null : checksumEvmAddressMemo(txSender),
  };
}

function assetOf(leg: EvmLeg, context: MatchEvmBlockContext): Asset {
  if (leg.contract === null || leg.standard === null) return { contract: null, symbol: context.nativeSymbol, decimals: 18 };
  const meta = context.tokens?.get(tokenMetadataKey(leg.standard, leg.contract)) ?? fallbackTokenMetadata(leg.standard);
  if (leg.standard !== 'erc20') return { contract: checksumEvmAddressMemo(leg.contract), symbol: meta.symbol, decimals: 0 };
  return { contract: checksumEvmAddressMemo(leg.contract), symbol: meta.symbol, decimals: meta.decimals, ...(meta.rawUnits === true ? { rawUnits: true } : {}) };
}
