import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress, LedgerAddressOptions, LedgerChainProfile } from '../ledger-profile.js';
import { decodeSs58, encodeSs58 } from './ss58.js';

/** Polkadot's SS58 network prefix (addresses start with `1`). */
export const POLKADOT_SS58_PREFIX = 0;

/**
 * Polkadot (relay chain) through Substrate API Sidecar: SS58 accounts keyed
 * by their 32-byte public key, DOT in planck (10 decimals), followed on
 * GRANDPA-finalized blocks only, so one confirmation is final; 6 s blocks.
 */
export const polkadotProfile: LedgerChainProfile = {
  kind: 'polkadot',
  title: 'Polkadot',
  nativeAsset: { contract: null, symbol: 'DOT', decimals: 10 },
  defaultConfirmations: 1,
  defaultPollIntervalMs: 6000,
  defaultExplorerUrl: 'https://polkadot.subscan.io/extrinsic/{tx}',
  normalizeAddress: normalizePolkadotAddress,
};

/**
 * Any valid SS58 address of a 32-byte account: the match key is the public key,
 * so the same account written for Kusama or generic Substrate (prefix 42) still
 * matches; it is shown in the chain's own format (`addressPrefix`, 0 by default).
 */
export function normalizePolkadotAddress(address: string, options: LedgerAddressOptions): LedgerAddress {
  const text = address.trim();
  const prefix = ss58PrefixOf(options);
  const decoded = decodeSs58(text);
  if (decoded === undefined) throw new AddressError('invalid_ledger_address', `"${text.slice(0, 100)}" is not an SS58 account address (base58, 32-byte account, valid blake2b checksum)`);
  return { matchKey: Buffer.from(decoded.accountId).toString('hex'), display: encodeSs58(decoded.accountId, prefix) };
}

export function ss58PrefixOf(options: LedgerAddressOptions): number {
  if (options.addressPrefix === undefined) return POLKADOT_SS58_PREFIX;
  const prefix = Number(options.addressPrefix);
  if (!/^\d{1,5}$/.test(options.addressPrefix) || prefix > 16383 || prefix === 46 || prefix === 47) throw new AddressError('invalid_ledger_address', `addressPrefix "${options.addressPrefix}" is not an SS58 network prefix (0-16383, 0 for Polkadot)`);
  return prefix;
}
