import type { LedgerKind } from '../../core/ledger/ledger-kinds.js';
import type { LedgerSourceFactory } from './ledger-source.js';
import { SOLANA_SOURCE } from './solana/solana-source.js';
import { APTOS_SOURCE } from './aptos/aptos-source.js';

/**
 * Node adapters of the ledger families: one line per family (each lives in
 * its own folder under adapters/ledger). Matches core's LEDGER_PROFILES.
 */
export const LEDGER_SOURCES: Partial<Record<LedgerKind, LedgerSourceFactory>> = {
  solana: SOLANA_SOURCE,
  aptos: APTOS_SOURCE,
};
