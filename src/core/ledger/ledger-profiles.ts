import type { LedgerKind } from './ledger-kinds.js';
import type { LedgerChainProfile } from './ledger-profile.js';
import { cosmosProfile } from './cosmos/cosmos-profile.js';
import { polkadotProfile } from './polkadot/polkadot-profile.js';
import { KADENA_PROFILE } from './kadena/kadena-profile.js';
import { TON_PROFILE } from './ton/ton-profile.js';
import { TEZOS_PROFILE } from './tezos/tezos-profile.js';
import { VECHAIN_PROFILE } from './vechain/vechain-profile.js';
import { ZILLIQA_PROFILE } from './zilliqa/zilliqa-profile.js';
import { RIPPLE_PROFILE } from './ripple/ripple-profile.js';
import { STELLAR_PROFILE } from './stellar/stellar-profile.js';
import { SOLANA_PROFILE } from './solana/solana-profile.js';
import { APTOS_PROFILE } from './aptos/aptos-profile.js';
import { XDAG_PROFILE } from './xdag/xdag-profile.js';

/**
 * The ledger chain families chainwatch supports: one line per family (each
 * family lives in its own folder under core/ledger). A kind missing here is
 * refused by the config with "not supported".
 */
export const LEDGER_PROFILES: Partial<Record<LedgerKind, LedgerChainProfile>> = {
  cosmos: cosmosProfile,
  polkadot: polkadotProfile,
  ton: TON_PROFILE,
  kadena: KADENA_PROFILE,
  vechain: VECHAIN_PROFILE,
  tezos: TEZOS_PROFILE,
  zilliqa: ZILLIQA_PROFILE,
  ripple: RIPPLE_PROFILE,
  stellar: STELLAR_PROFILE,
  solana: SOLANA_PROFILE,
  aptos: APTOS_PROFILE,
  xdag: XDAG_PROFILE,
};

export function ledgerProfileOf(kind: LedgerKind): LedgerChainProfile | undefined {
  return LEDGER_PROFILES[kind];
}
