import type { Asset } from '../movement.js';
import type { BlockHeader } from '../ports.js';

/**
 * One account on a ledger chain as a normaliser read it from chain data:
 * `key` is the watchlist match key (the profile's normalizeAddress().matchKey
 * of the same account), `display` the form alerts show.
 */
export interface LedgerParty {
  readonly key: string;
  readonly display: string;
}

/** What one leg moved: the chain's coin, a fungible token, or a non-fungible one. */
export type LedgerLegKind = 'native' | 'token' | 'nft';

/**
 * One value transfer inside a transaction. Only transfers that really happened
 * are listed: a normaliser drops the legs of a failed transaction (and marks
 * the transaction `success: false`), so a watched signer gets an `activity`
 * alert for it instead of a forged value movement.
 */
export interface LedgerTransfer {
  /**
   * Unique within the transaction and stable across re-reads of the same block
   * (`op0`, `event3`, `msg1.transfer0`): it is part of the movement id, so it
   * must not depend on anything a node may order differently between calls.
   * Letters, digits, `.`, `_` only (no `-`: ids split on it).
   */
  readonly leg: string;
  readonly kind: LedgerLegKind;
  readonly from: LedgerParty;
  readonly to: LedgerParty;
  /** contract: the token's issuer/contract/denom id as the chain writes it; null for the native coin. */
  readonly asset: Asset;
  /** Base units (drops, stroops, lamports, nanotons, planck, mutez, octas...). */
  readonly amount: bigint;
  /** NFTs: the token's id when it is numeric; null otherwise (the contract/asset names it). */
  readonly tokenId: bigint | null;
}

export interface LedgerTransaction {
  /** The chain's transaction id as explorers show it. */
  readonly hash: string;
  readonly success: boolean;
  /**
   * Who signed/paid for it (fee payer or the account that authorised it); null
   * when the chain has no such notion for this transaction (a system event).
   * Token legs whose `from` is not the signer may be forged: followers ignore them.
   */
  readonly signer: LedgerParty | null;
  /** Fee paid by the signer in native base units, when the chain reports it. */
  readonly fee: bigint | null;
  readonly transfers: readonly LedgerTransfer[];
  /**
   * Other accounts the transaction acted for (multi-signers, accounts whose
   * settings it changed, the owner of a token account that moved): a watched
   * one gets an `activity` movement when it moved no value in the transaction.
   */
  readonly actors?: readonly LedgerParty[];
}

/** A normalised block (ledger, slot, block, masterchain block...) of a ledger chain. */
export interface LedgerBlock {
  readonly header: BlockHeader;
  readonly transactions: readonly LedgerTransaction[];
}
