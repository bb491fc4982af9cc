import { checksumEvmAddress } from '../../address/checksum-evm-address.js';
import type { Asset } from '../../movement.js';
import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeVechainAddress } from './normalize-vechain-address.js';

/** VET, the native coin: 18 decimals (wei-like base units). */
export const VET: Asset = { contract: null, symbol: 'VET', decimals: 18 };

/** VTHO, the gas token: a VIP-180 (ERC-20 compatible) contract built into Thor. */
export const VTHO_CONTRACT = checksumEvmAddress('0x0000000000000000000000000000456e65726779');
export const VTHO: Asset = { contract: VTHO_CONTRACT, symbol: 'VTHO', decimals: 18 };

/**
 * VeChainThor: 10 s blocks; PoA 2.0 finalises a block once 2/3 of the
 * authority masternodes have committed to it, typically within a few dozen
 * blocks. 12 confirmations (2 minutes) keeps alerts prompt while a block that
 * deep is practically never replaced (docs/vechain.md).
 */
export const VECHAIN_PROFILE: LedgerChainProfile = {
  kind: 'vechain',
  title: 'VeChainThor',
  nativeAsset: VET,
  defaultConfirmations: 12,
  defaultPollIntervalMs: 10_000,
  defaultExplorerUrl: 'https://vechainstats.com/transaction/{tx}/',
  normalizeAddress: (address) => normalizeVechainAddress(address),
};
