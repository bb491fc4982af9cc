import { AddressError } from '../address/address-error.js';
import { normalizeEvmAddress } from '../address/normalize-evm-address.js';
import { normalizeTronAddress } from '../address/normalize-tron-address.js';
import { normalizeUtxoAddress } from '../address/normalize-utxo-address.js';
import { isUtxoKind } from '../btc/utxo-chain.js';
import type { ChainAddressFormat } from './label-match-key.js';

/**
 * A label's address through the watchlist normalisers: the same checks (EIP-55,
 * network, Base58Check) and the same match key, so a label is found exactly
 * where the watchlist index would match. Throws AddressError.
 */
export function normalizeLabelAddress(format: ChainAddressFormat, address: string): { matchKey: string; display: string } {
  if (format.kind === 'evm') {
    const n = normalizeEvmAddress(address);
    return { matchKey: n.matchKey, display: n.checksummed };
  }
  if (format.kind === 'tron') return normalizeTronAddress(address);
  if (isUtxoKind(format.kind)) return normalizeUtxoAddress(address, format.kind, format.network ?? 'mainnet');
  throw new AddressError('invalid_evm_address', `addresses of ${format.kind} chains cannot be labelled`);
}
