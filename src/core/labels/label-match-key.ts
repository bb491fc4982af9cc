import { normalizeTronAddress, tronMatchKey } from '../address/normalize-tron-address.js';
import { normalizeUtxoAddress } from '../address/normalize-utxo-address.js';
import { isUtxoKind } from '../btc/utxo-chain.js';
import { isLedgerKind } from '../ledger/ledger-kinds.js';
import { ledgerAddressKey } from '../ledger/normalize-ledger-address.js';
import type { ChainAddressFormat } from '../address/normalize-chain-address.js';

export type { ChainAddressFormat };

/**
 * The watchlist index's match key of an address as a movement displays it
 * (EIP-55 or lowercase hex on EVM, `T...` or `41…` hex on Tron, any address
 * form on UTXO chains), so a LabelBook can be asked about a movement's other
 * side. undefined when the text is not an address of that chain (chain data is
 * hostile: never throws).
 */
export function labelMatchKey(format: ChainAddressFormat, address: string): string | undefined {
  try {
    if (format.kind === 'evm') return /^0x[0-9a-fA-F]{40}$/.test(address) ? address.toLowerCase() : undefined;
    if (format.kind === 'tron') return address.startsWith('T') ? normalizeTronAddress(address).matchKey : tronMatchKey(address);
    if (isUtxoKind(format.kind)) return normalizeUtxoAddress(address, format.kind, format.network ?? 'mainnet').matchKey;
    if (isLedgerKind(format.kind)) return ledgerAddressKey(format.kind, address, { addressPrefix: format.addressPrefix });
  } catch {
    return undefined;
  }
  return undefined;
}
