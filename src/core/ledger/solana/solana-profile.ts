import type { LedgerChainProfile } from '../ledger-profile.js';
import { SOL_ASSET } from './normalize-solana-block.js';
import { normalizeSolanaAddress } from './normalize-solana-address.js';

/**
 * Solana mainnet-beta. The source reads with commitment `finalized` (a slot
 * rooted by a supermajority, ~32 slots / ~13 s behind the tip), so one
 * confirmation is already final; slots are ~400 ms, so the follower polls
 * every second and catches up in batches.
 */
export const SOLANA_PROFILE: LedgerChainProfile = {
  kind: 'solana',
  title: 'Solana',
  nativeAsset: SOL_ASSET,
  defaultConfirmations: 1,
  defaultPollIntervalMs: 1_000,
  defaultExplorerUrl: 'https://solscan.io/tx/{tx}',
  normalizeAddress: (address) => normalizeSolanaAddress(address),
};
