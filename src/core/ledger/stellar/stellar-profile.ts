import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeStellarAddress } from './normalize-stellar-address.js';
import { XLM_ASSET } from './normalize-stellar-ledger.js';

/** Stellar (docs/stellar.md): SCP closes a ledger every ~5-6 s and a closed ledger is final. */
export const STELLAR_PROFILE: LedgerChainProfile = {
  kind: 'stellar',
  title: 'Stellar',
  nativeAsset: XLM_ASSET,
  defaultConfirmations: 1,
  defaultPollIntervalMs: 5_000,
  defaultExplorerUrl: 'https://stellar.expert/explorer/public/tx/{tx}',
  normalizeAddress: (address) => normalizeStellarAddress(address),
};
