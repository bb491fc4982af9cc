import type { LedgerKind } from '../../core/ledger/ledger-kinds.js';
import type { LedgerSourceFactory } from './ledger-source.js';
import { cosmosSourceFactory } from './cosmos/create-cosmos-source.js';
import { polkadotSourceFactory } from './polkadot/create-polkadot-source.js';
import { KADENA_SOURCE } from './kadena/kadena-source.js';
import { TON_SOURCE } from './ton/ton-source.js';
import { TEZOS_SOURCE } from './tezos/tezos-source.js';
import { VECHAIN_SOURCE } from './vechain/vechain-source.js';
import { ZILLIQA_SOURCE } from './zilliqa/zilliqa-source.js';
import { RIPPLE_SOURCE } from './ripple-source.js';
import { STELLAR_SOURCE } from './stellar-source.js';
import { SOLANA_SOURCE } from './solana/solana-source.js';
import { APTOS_SOURCE } from './aptos/aptos-source.js';
import { XDAG_SOURCE } from './xdag/xdag-source.js';

/**
 * Node adapters of the ledger families: one line per family (each lives in
 * its own folder under adapters/ledger). Matches core's LEDGER_PROFILES.
 */
export const LEDGER_SOURCES: Partial<Record<LedgerKind, LedgerSourceFactory>> = {
  cosmos: cosmosSourceFactory,
  polkadot: polkadotSourceFactory,
  ton: TON_SOURCE,
  kadena: KADENA_SOURCE,
  vechain: VECHAIN_SOURCE,
  tezos: TEZOS_SOURCE,
  zilliqa: ZILLIQA_SOURCE,
  ripple: RIPPLE_SOURCE,
  stellar: STELLAR_SOURCE,
  solana: SOLANA_SOURCE,
  aptos: APTOS_SOURCE,
  xdag: XDAG_SOURCE,
};
