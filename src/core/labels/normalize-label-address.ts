import { normalizeChainAddress } from '../address/normalize-chain-address.js';
import type { ChainAddressFormat } from './label-match-key.js';

/**
 * A label's address through the watchlist normalisers: the same checks (EIP-55,
 * network, Base58Check, a ledger family's checksum) and the same match key, so a
 * label is found exactly where the watchlist index would match. Throws AddressError.
 */
export function normalizeLabelAddress(format: ChainAddressFormat, address: string): { matchKey: string; display: string } {
  return normalizeChainAddress(format, address);
}
