import type { LedgerKind } from './ledger-kinds.js';
import type { LedgerChainProfile } from './ledger-profile.js';
import { RIPPLE_PROFILE } from './ripple/ripple-profile.js';
import { STELLAR_PROFILE } from './stellar/stellar-profile.js';

/**
 * The ledger chain families chainwatch supports: one line per family (each
 * family lives in its own folder under core/ledger). A kind missing here is
 * refused by the config with "not supported".
 */
export const LEDGER_PROFILES: Partial<Record<LedgerKind, LedgerChainProfile>> = {
  ripple: RIPPLE_PROFILE,
  stellar: STELLAR_PROFILE,
};

export function ledgerProfileOf(kind: LedgerKind): LedgerChainProfile | undefined {
  return LEDGER_PROFILES[kind];
}
