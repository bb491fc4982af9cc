import { isUtxoKind } from '../btc/utxo-chain.js';
import { isLedgerKind } from '../ledger/ledger-kinds.js';
import { normalizeLedgerAddress } from '../ledger/normalize-ledger-address.js';
import { AddressError } from './address-error.js';
import { normalizeEvmAddress } from './normalize-evm-address.js';
import { isHarmonyBech32Address, normalizeHarmonyAddress } from './normalize-harmony-address.js';
import type { BitcoinNetworkName } from './normalize-bitcoin-address.js';
import { normalizeTronAddress } from './normalize-tron-address.js';
import { normalizeUtxoAddress } from './normalize-utxo-address.js';

/** What decides how a chain's addresses are written and matched. */
export interface ChainAddressFormat {
  /** evm, tron, a UTXO family (bitcoin, litecoin...) or a ledger family (ripple, stellar...). */
  readonly kind: string;
  /** UTXO families: the network addresses are checked against. */
  readonly network?: BitcoinNetworkName | undefined;
  /** Ledger families with per-chain prefixes (Cosmos bech32 prefix, Polkadot SS58 prefix). */
  readonly addressPrefix?: string | undefined;
}

/**
 * One address of a chain through the same checks as the watchlist (EIP-55,
 * network, Base58Check, the ledger family's own checksum): its match key and
 * display form. Harmony (`chainId` harmony) also takes its `one1…` form.
 * Throws AddressError saying what is wrong.
 */
export function normalizeChainAddress(format: ChainAddressFormat, address: string, chainId?: string): { matchKey: string; display: string } {
  if (format.kind === 'evm') {
    const n = chainId === 'harmony' && isHarmonyBech32Address(address) ? normalizeHarmonyAddress(address) : normalizeEvmAddress(address);
    return { matchKey: n.matchKey, display: n.checksummed };
  }
  if (format.kind === 'tron') return normalizeTronAddress(address);
  if (isUtxoKind(format.kind)) {
    const n = normalizeUtxoAddress(address, format.kind, format.network ?? 'mainnet');
    return { matchKey: n.matchKey, display: n.display };
  }
  if (isLedgerKind(format.kind)) return normalizeLedgerAddress(format.kind, address, { addressPrefix: format.addressPrefix });
  throw new AddressError('invalid_ledger_address', `chainwatch does not know the address format of ${format.kind} chains`);
}
