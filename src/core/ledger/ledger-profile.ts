import type { ZodType } from 'zod';
import type { Asset } from '../movement.js';
import type { LedgerKind } from './ledger-kinds.js';

/** Per-chain address options from the chain's config (or WELL_KNOWN_CHAINS). */
export interface LedgerAddressOptions {
  /** Cosmos: the bech32 prefix of the chain's accounts (`kava`, `cosmos`, `osmo`); Polkadot: the SS58 prefix as a number string. */
  readonly addressPrefix?: string | undefined;
}

/** A normalised address: the key the watchlist index matches on and the form alerts show. */
export interface LedgerAddress {
  /** Canonical and case-stable (lowercase hex of the account bytes where the chain has them). */
  readonly matchKey: string;
  readonly display: string;
}

/**
 * What the rest of chainwatch needs to know about a ledger chain family, pure:
 * how its addresses are written and checked, its coin and how final its blocks are.
 */
export interface LedgerChainProfile {
  readonly kind: LedgerKind;
  /** One line for docs and errors: "XRP Ledger", "Stellar"... */
  readonly title: string;
  readonly nativeAsset: Asset;
  /** Blocks on top before a movement is alerted when the config sets none. */
  readonly defaultConfirmations: number;
  readonly defaultPollIntervalMs: number;
  /** Explorer pattern with `{tx}` (see buildExplorerLink), used when the config sets none. */
  readonly defaultExplorerUrl: string;
  /**
   * Checks one address (checksum, length, network/prefix) and returns its match
   * key and display form. Throws AddressError (code `invalid_ledger_address`)
   * whose message says what is wrong, for file:line config errors.
   */
  normalizeAddress(address: string, options: LedgerAddressOptions): LedgerAddress;
  /** The coin of one chain of the family when its options name it (Cosmos chains: nativeSymbol/nativeDecimals); default nativeAsset. */
  nativeAssetOf?(options: Readonly<Record<string, unknown>> | undefined): Asset;
  /** The family's `options` in chainwatch.yaml (defaults applied by parsing); absent = it takes none. */
  readonly optionsSchema?: ZodType<Record<string, unknown>>;
}
