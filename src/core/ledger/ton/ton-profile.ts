import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeTonAddress } from './ton-address.js';

/** TON: followed by masterchain block; a masterchain block is final once it exists (BFT consensus), ~5 s apart. */
export const TON_PROFILE: LedgerChainProfile = {
  kind: 'ton',
  title: 'TON',
  nativeAsset: { contract: null, symbol: 'TON', decimals: 9 },
  defaultConfirmations: 1,
  defaultPollIntervalMs: 5000,
  defaultExplorerUrl: 'https://tonviewer.com/transaction/{tx}',
  normalizeAddress: (address) => normalizeTonAddress(address),
};
