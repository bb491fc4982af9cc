import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * An Aptos account address: 32 bytes written as hex (AIP-40). Short forms
 * (`0x1`, leading zeros dropped) are padded back to 64 digits; case is
 * ignored. Aptos addresses carry no checksum, so only the form and length can
 * be checked. Match key: the 64 lowercase hex digits; display: the AIP-40
 * long form `0x` + 64 digits, or the short form for the special addresses
 * 0x0..0xf (the framework's), as explorers show them.
 */
export function normalizeAptosAddress(address: string): LedgerAddress {
  const trimmed = address.trim();
  const hex = trimmed.startsWith('0x') || trimmed.startsWith('0X') ? trimmed.slice(2) : trimmed;
  if (!/^[0-9a-fA-F]{1,64}$/.test(hex)) {
    const why = hex.length > 64 ? `it has ${hex.length} hex digits, more than the 64 of 32 bytes` : 'it is not hex';
    throw new AddressError('invalid_ledger_address', `"${trimmed.slice(0, 80)}" is not an Aptos address: ${why} (Aptos addresses have no checksum)`);
  }
  const matchKey = hex.toLowerCase().padStart(64, '0');
  const special = /^0{63}[0-9a-f]$/.test(matchKey);
  return { matchKey, display: special ? `0x${matchKey.slice(63)}` : `0x${matchKey}` };
}
