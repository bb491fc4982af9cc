import { AddressError } from '../../address/address-error.js';
import { normalizeEvmAddress } from '../../address/normalize-evm-address.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * VeChainThor accounts are 20-byte addresses written as Ethereum ones: 0x +
 * 40 hex digits, mixed case being an EIP-55 checksum that must be right.
 * Matched as lowercase hex, shown checksummed.
 */
export function normalizeVechainAddress(input: string): LedgerAddress {
  try {
    const { matchKey, checksummed } = normalizeEvmAddress(input);
    return { matchKey, display: checksummed };
  } catch (err) {
    const reason = err instanceof AddressError ? err.message.replace(/^not an EVM address: /, '') : 'unreadable';
    throw new AddressError('invalid_ledger_address', `not a VeChain address: ${reason}`, { cause: err });
  }
}
