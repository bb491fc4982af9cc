import type { LedgerChainProfile } from '../ledger-profile.js';
import { APT_ASSET } from './normalize-aptos-block.js';
import { normalizeAptosAddress } from './normalize-aptos-address.js';

/**
 * Aptos mainnet. AptosBFT commits a block once 2f+1 validators signed it: a
 * committed block is final, so one confirmation suffices; blocks come every
 * few hundred milliseconds, so the follower polls every second and catches up
 * in batches.
 */
export const APTOS_PROFILE: LedgerChainProfile = {
  kind: 'aptos',
  title: 'Aptos',
  nativeAsset: APT_ASSET,
  defaultConfirmations: 1,
  defaultPollIntervalMs: 1_000,
  defaultExplorerUrl: 'https://explorer.aptoslabs.com/txn/{tx}?network=mainnet',
  normalizeAddress: (address) => normalizeAptosAddress(address),
};
