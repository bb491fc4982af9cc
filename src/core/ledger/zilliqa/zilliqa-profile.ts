import type { Asset } from '../../movement.js';
import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeZilliqaAddress } from './zilliqa-address.js';

/** ZIL: 12 decimals (Qa). */
export const ZIL: Asset = { contract: null, symbol: 'ZIL', decimals: 12 };

/**
 * Zilliqa: transaction blocks are final once the network has agreed on them
 * (pBFT in 1.x, a BFT consensus in 2.0); a couple of blocks absorb a node
 * that briefly serves a block its peers replace. ~30-45 s blocks on 1.x,
 * ~1 s on 2.0.
 */
export const ZILLIQA_PROFILE: LedgerChainProfile = {
  kind: 'zilliqa',
  title: 'Zilliqa',
  nativeAsset: ZIL,
  defaultConfirmations: 2,
  defaultPollIntervalMs: 15_000,
  defaultExplorerUrl: 'https://viewblock.io/zilliqa/tx/0x{tx}',
  normalizeAddress: (address) => normalizeZilliqaAddress(address),
};
