import { encodeTronAddress } from '../address/normalize-tron-address.js';
import { buildMovementId, type Asset, type Movement, type MovementDirection, type WatchlistRef } from '../movement.js';
import type { WatchlistIndex } from '../watchlist.js';
import { collectTronLegs, type TronLeg } from './collect-tron-legs.js';
import { TRC20_FALLBACK } from './decode-trc20-metadata.js';
import type { Trc20Metadata } from './find-tron-token-needs.js';
import { KNOWN_TRC20_TOKENS } from './known-trc20-tokens.js';
import type { TronBlockData } from './tron-block-data.js';

export interface MatchTronBlockContext {
  readonly chain: string;
  readonly index: WatchlistIndex;
  readonly headNumber: number;
  /** Symbol and decimals of TRC-20s outside the built-in table, by match key (findTronTokenNeeds names them). */
  readonly tokens?: ReadonlyMap<string, Trc20Metadata>;
}

/** TRX: 1 TRX = 1,000,000 sun. */
export const TRX_ASSET: Asset = { contract: null, symbol: 'TRX', decimals: 6 };

/** Contract types whose whole effect is the transfer they name: their owner gets no separate activity alert. */
const TRANSFER_TYPES = new Set(['TransferContract', 'TransferAssetContract']);

/**
 * Matches one normalised Tron block against the watchlist (pure), with the
 * same rules as EVM:
 * - direction: from==W && to==W -> self, from==W -> out, to==W -> in; both
 *   sides watched (different addresses) -> one movement each;
 * - a failed transaction moved nothing (collectTronLegs drops its legs), and
 *   its watched owner gets an `activity` movement instead;
 * - `activity` when a watched owner signs any other contract type (a smart
 *   contract call, freezing, voting, account permission changes...) and that
 *   transaction moved none of its funds out.
 * Addresses in movements are T-addresses; matching is on the 21 address bytes.
 */
export function matchTronBlock(block: TronBlockData, context: MatchTronBlockContext): Movement[] {
  const { chain, index } = context;
  if (index.keysFor(chain).size === 0) return [];
  const out: Movement[] = [];
  const movedOut = new Set<string>();
  for (const leg of collectTronLegs(block)) {
    const fromRefs = index.lookup(chain, leg.from);
    const toRefs = leg.to === leg.from ? undefined : index.lookup(chain, leg.to);
    if (fromRefs !== undefined) {
      out.push(toMovement(leg, leg.to === leg.from ? 'self' : 'out', leg.from, fromRefs, block, context));
      movedOut.add(`${leg.txHash}|${leg.from}`);
    }
    if (toRefs !== undefined) out.push(toMovement(leg, 'in', leg.to, toRefs, block, context));
  }
  for (const tx of block.transactions) {
    const owner = tx.contract.owner;
    if (tx.success && (TRANSFER_TYPES.has(tx.contract.type) || movedOut.has(`${tx.hash}|${owner}`))) continue;
    const refs = index.lookup(chain, owner);
    if (refs === undefined) continue;
    const activity: TronLeg = {
      txHash: tx.hash,
      leg: 'activity',
      kind: 'trx',
      from: owner,
      to: tx.contract.to ?? owner,
      amount: 0n,
      tokenContract: null,
      assetId: null,
      logIndex: null,
      tracePosition: null,
      owner,
    };
    out.push({ ...toMovement(activity, 'out', owner, refs, block, context), kind: 'activity' });
  }
  return out;
}

function toMovement(leg: TronLeg, direction: MovementDirection, watched: string, refs: readonly WatchlistRef[], block: TronBlockData, context: MatchTronBlockContext): Movement {
  return {
    id: buildMovementId(context.chain, leg.txHash, leg.leg, watched),
    chain: context.chain,
    direction,
    kind: leg.kind,
    txHash: leg.txHash,
    blockNumber: block.header.number,
    blockHash: block.header.hash,
    logIndex: leg.logIndex,
    ...(leg.kind === 'internal' ? { tracePosition: leg.tracePosition } : {}),
    from: display(leg.from),
    to: display(leg.to),
    asset: assetOf(leg, context.tokens),
    amount: leg.amount,
    tokenId: null,
    watchedAddress: display(watched),
    watchlist: refs,
    confirmations: Math.max(0, context.headNumber - block.header.number + 1),
    // The signer: a TRC-20 Transfer(from = watched) in a transaction someone else signed may be forged.
    txFrom: display(leg.owner),
  };
}

function assetOf(leg: TronLeg, tokens: ReadonlyMap<string, Trc20Metadata> | undefined): Asset {
  if (leg.assetId !== null) return { contract: leg.assetId, symbol: 'TRC10', decimals: 0 };
  if (leg.tokenContract === null) return TRX_ASSET;
  const meta = KNOWN_TRC20_TOKENS.get(leg.tokenContract) ?? tokens?.get(leg.tokenContract) ?? TRC20_FALLBACK;
  return { contract: display(leg.tokenContract), symbol: meta.symbol, decimals: meta.decimals };
}

function display(key: string): string {
  // Keys come from the normaliser, which only lets valid 21-byte addresses through.
  return encodeTronAddress(key) ?? key;
}
