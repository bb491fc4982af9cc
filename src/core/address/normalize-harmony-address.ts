import { bech32 } from 'bech32';
import { AddressError } from './address-error.js';
import { checksumEvmAddress } from './checksum-evm-address.js';
import { normalizeEvmAddress, type NormalizedEvmAddress } from './normalize-evm-address.js';

/** Harmony's bech32 human-readable part: `one1…` addresses. */
export const HARMONY_HRP = 'one';

/** True when the value has the `one1…` shape (it may still fail its checksum). */
export function isHarmonyBech32Address(value: string): boolean {
  return /^one1/i.test(value.trim());
}

/**
 * Harmony is an EVM chain whose wallets and explorer show accounts as BIP-173
 * bech32 with hrp `one` over the same 20 bytes an `0x…` address names, so
 * `one1…` and `0x…` are two spellings of one account. Both are accepted; the
 * match key is the lowercase 0x form the EVM poller compares, and the display
 * is EIP-55 as in every other EVM alert.
 */
export function normalizeHarmonyAddress(input: string): NormalizedEvmAddress {
  const value = input.trim();
  if (!isHarmonyBech32Address(value)) return normalizeEvmAddress(value);
  const bytes = decodeOneAddress(value);
  const matchKey = `0x${Buffer.from(bytes).toString('hex')}`;
  return { matchKey, checksummed: checksumEvmAddress(matchKey) };
}

/** The `one1…` form of an account, for display next to the 0x form. */
export function encodeHarmonyAddress(evmAddress: string): string {
  const { matchKey } = normalizeEvmAddress(evmAddress);
  return bech32.encode(HARMONY_HRP, bech32.toWords(Buffer.from(matchKey.slice(2), 'hex')));
}

function decodeOneAddress(value: string): Uint8Array {
  // BIP-173: a mixed-case string is invalid, and the checksum catches a mistyped character.
  if (value !== value.toLowerCase() && value !== value.toUpperCase()) {
    throw new AddressError('invalid_evm_address', 'not a Harmony address: bech32 must not mix upper and lower case');
  }
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(value.toLowerCase());
  } catch (err) {
    throw new AddressError('invalid_evm_address', 'not a Harmony address: bad bech32 encoding or checksum (a mistyped character?)', { cause: err });
  }
  if (decoded.prefix !== HARMONY_HRP) throw new AddressError('invalid_evm_address', `not a Harmony address: bech32 prefix is "${decoded.prefix}", expected "${HARMONY_HRP}"`);
  const bytes = bech32.fromWordsUnsafe(decoded.words);
  if (bytes?.length !== 20) throw new AddressError('invalid_evm_address', `not a Harmony address: it decodes to ${bytes?.length ?? 'no whole'} bytes, expected 20`);
  return Uint8Array.from(bytes);
}
