import type { Asset } from '../../movement.js';
import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeXdagAddress } from './xdag-address.js';

/** XDAG: 9 decimals (nano-XDAG, xdagj's `toDecimal(9, XUnit.XDAG)`). */
export const XDAG: Asset = { contract: null, symbol: 'XDAG', decimals: 9 };

/**
 * XDAG: one main block per 64-second epoch; a main block's transactions are
 * final once enough main blocks bury it that no heavier chain can replace it
 * (16 main blocks, ~17 minutes, the figure XDAG wallets and pools use).
 */
export const XDAG_PROFILE: LedgerChainProfile = {
  kind: 'xdag',
  title: 'XDAG',
  nativeAsset: XDAG,
  defaultConfirmations: 16,
  defaultPollIntervalMs: 30_000,
  defaultExplorerUrl: 'https://explorer.xdag.io/block/{tx}',
  normalizeAddress: (address) => normalizeXdagAddress(address),
};
