import type { LedgerKind } from './ledger-kinds.js';
import type { LedgerChainProfile } from './ledger-profile.js';
import { SOLANA_PROFILE } from './solana/solana-profile.js';
import { APTOS_PROFILE } from './aptos/aptos-profile.js';

/**
 * The ledger chain families chainwatch supports: one line per family (each
 * family lives in its own folder under core/ledger). A kind missing here is
 * refused by the config with "not supported".
 */
export const LEDGER_PROFILES: Partial<Record<LedgerKind, LedgerChainProfile>> = {
  solana: SOLANA_PROFILE,
  aptos: APTOS_PROFILE,
};

export function ledgerProfileOf(kind: LedgerKind): LedgerChainProfile | undefined {
  return LEDGER_PROFILES[kind];
}
