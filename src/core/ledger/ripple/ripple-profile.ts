import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeRippleAddress } from './normalize-ripple-address.js';
import { XRP_ASSET } from './parse-ripple-amount.js';

/**
 * The XRP Ledger (docs/ripple.md): a validated ledger is final (consensus, no
 * reorgs), so one confirmation; a ledger closes every 3-5 seconds.
 */
export const RIPPLE_PROFILE: LedgerChainProfile = {
  kind: 'ripple',
  title: 'XRP Ledger',
  nativeAsset: XRP_ASSET,
  defaultConfirmations: 1,
  defaultPollIntervalMs: 4_000,
  defaultExplorerUrl: 'https://livenet.xrpl.org/transactions/{tx}',
  normalizeAddress: (address) => normalizeRippleAddress(address),
};
