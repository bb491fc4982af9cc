import type { Asset } from '../../movement.js';
import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeTezosAddress } from './tezos-address.js';

/** Tez: 6 decimals (mutez). */
export const XTZ: Asset = { contract: null, symbol: 'XTZ', decimals: 6 };

/**
 * Tezos: Tenderbake makes a block final once two blocks are on top of it
 * (deterministic finality), so 2 confirmations; blocks every 6-10 s
 * depending on the protocol (Quebec: 8 s, Rio: 6 s).
 */
export const TEZOS_PROFILE: LedgerChainProfile = {
  kind: 'tezos',
  title: 'Tezos',
  nativeAsset: XTZ,
  defaultConfirmations: 2,
  defaultPollIntervalMs: 8_000,
  defaultExplorerUrl: 'https://tzkt.io/{tx}',
  normalizeAddress: (address) => normalizeTezosAddress(address),
};
