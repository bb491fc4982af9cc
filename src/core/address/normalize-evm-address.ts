import { AddressError } from './address-error.js';
import { checksumEvmAddress } from './checksum-evm-address.js';

export interface NormalizedEvmAddress {
  /** EIP-55 mixed-case form, for display. */
  readonly checksummed: string;
  /** Lowercase hex with 0x: what matchers compare. */
  readonly matchKey: string;
}

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** True for 0x + 40 hex digits in a single case, which EIP-55 accepts without a checksum. */
export function isUncheckedEvmAddress(value: string): boolean {
  if (!HEX_ADDRESS.test(value)) return false;
  const body = value.slice(2);
  return body === body.toLowerCase() || body === body.toUpperCase();
}

/**
 * EIP-55: an all-lowercase or all-uppercase hex address carries no checksum and
 * is accepted as is; a mixed-case one is a checksum and must be right, since a
 * wrong one means the address was mistyped or altered.
 */
export function normalizeEvmAddress(input: string): NormalizedEvmAddress {
  const value = input.trim();
  const withPrefix = /^0X/.test(value) ? `0x${value.slice(2)}` : value;
  if (!HEX_ADDRESS.test(withPrefix)) {
    throw new AddressError('invalid_evm_address', describeInvalid(withPrefix));
  }
  const matchKey = withPrefix.toLowerCase();
  const checksummed = checksumEvmAddress(matchKey);
  if (!isUncheckedEvmAddress(withPrefix) && withPrefix !== checksummed) {
    throw new AddressError('bad_checksum', `bad EIP-55 checksum, expected ${checksummed}`, { expected: checksummed });
  }
  return { checksummed, matchKey };
}

function describeInvalid(value: string): string {
  if (!value.startsWith('0x')) return 'not an EVM address: must start with 0x followed by 40 hex digits';
  const body = value.slice(2);
  if (/[^0-9a-fA-F]/.test(body)) return 'not an EVM address: contains non-hex characters';
  return `not an EVM address: expected 40 hex digits after 0x, got ${body.length}`;
}
