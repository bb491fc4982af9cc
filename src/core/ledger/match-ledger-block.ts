import { buildMovementId, type Movement, type MovementDirection, type MovementKind, type WatchlistRef } from '../movement.js';
import type { WatchlistIndex } from '../watchlist.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from './ledger-block.js';
import type { LedgerChainProfile } from './ledger-profile.js';

export interface MatchLedgerBlockContext {
  readonly chain: string;
  readonly index: WatchlistIndex;
  readonly headNumber: number;
  readonly profile: Pick<LedgerChainProfile, 'nativeAsset'>;
}

const KIND_OF: Readonly<Record<LedgerTransfer['kind'], MovementKind>> = { native: 'native', token: 'token', nft: 'nft' };

/**
 * Matches one normalised ledger block against the watchlist (pure), with the
 * rules of the EVM and Tron matchers:
 * - each transfer of a successful transaction: from==W && to==W -> self,
 *   from==W -> out, to==W -> in; both sides watched (different accounts) ->
 *   one movement each;
 * - a watched signer or actor of a transaction that moved none of its value
 *   (a failed transaction, a settings change, a contract call) -> `activity`;
 * - a failed transaction's transfers are ignored even if a normaliser listed them.
 * Movement ids use the match key, so a re-read block yields the same ids.
 */
export function matchLedgerBlock(block: LedgerBlock, context: MatchLedgerBlockContext): Movement[] {
  const { chain, index } = context;
  if (index.keysFor(chain).size === 0) return [];
  const out: Movement[] = [];
  for (const tx of block.transactions) {
    const movedValue = new Set<string>();
    if (tx.success) {
      for (const t of tx.transfers) {
        const self = t.from.key === t.to.key;
        const fromRefs = index.lookup(chain, t.from.key);
        const toRefs = self ? undefined : index.lookup(chain, t.to.key);
        if (fromRefs !== undefined) {
          out.push(toMovement(tx, t, self ? 'self' : 'out', t.from, fromRefs, block, context));
          movedValue.add(t.from.key);
        }
        if (toRefs !== undefined) {
          out.push(toMovement(tx, t, 'in', t.to, toRefs, block, context));
          movedValue.add(t.to.key);
        }
      }
    }
    const actors = tx.signer === null ? [...(tx.actors ?? [])] : [tx.signer, ...(tx.actors ?? [])];
    const seen = new Set<string>();
    for (const actor of actors) {
      if (seen.has(actor.key) || movedValue.has(actor.key)) continue;
      seen.add(actor.key);
      const refs = index.lookup(chain, actor.key);
      if (refs === undefined) continue;
      out.push(activityOf(tx, actor, refs, block, context));
    }
  }
  return out;
}

function toMovement(tx: LedgerTransaction, t: LedgerTransfer, direction: MovementDirection, watched: LedgerParty, refs: readonly WatchlistRef[], block: LedgerBlock, context: MatchLedgerBlockContext): Movement {
  return {
    id: buildMovementId(context.chain, tx.hash, t.leg, watched.key),
    chain: context.chain,
    direction,
    kind: KIND_OF[t.kind],
    txHash: tx.hash,
    blockNumber: block.header.number,
    blockHash: block.header.hash,
    logIndex: null,
    from: t.from.display,
    to: t.to.display,
    asset: t.asset,
    amount: t.amount,
    tokenId: t.tokenId,
    // The fee is in the native coin: shown only beside a native leg (a token leg's amount is in another unit).
    ...(direction !== 'in' && t.kind === 'native' && tx.fee !== null && tx.signer?.key === watched.key ? { fee: tx.fee } : {}),
    watchedAddress: watched.display,
    watchlist: refs,
    confirmations: confirmationsOf(block, context),
    // The signer: a token leg naming the watched account as sender in a transaction someone else signed may be forged.
    txFrom: tx.signer?.display ?? null,
  };
}

function activityOf(tx: LedgerTransaction, actor: LedgerParty, refs: readonly WatchlistRef[], block: LedgerBlock, context: MatchLedgerBlockContext): Movement {
  return {
    id: buildMovementId(context.chain, tx.hash, 'activity', actor.key),
    chain: context.chain,
    direction: 'out',
    kind: 'activity',
    txHash: tx.hash,
    blockNumber: block.header.number,
    blockHash: block.header.hash,
    logIndex: null,
    from: actor.display,
    to: actor.display,
    asset: context.profile.nativeAsset,
    amount: 0n,
    tokenId: null,
    ...(tx.fee !== null && tx.signer?.key === actor.key ? { fee: tx.fee } : {}),
    watchedAddress: actor.display,
    watchlist: refs,
    confirmations: confirmationsOf(block, context),
    txFrom: tx.signer?.display ?? null,
  };
}

function confirmationsOf(block: LedgerBlock, context: MatchLedgerBlockContext): number {
  return Math.max(0, context.headNumber - block.header.number + 1);
}
