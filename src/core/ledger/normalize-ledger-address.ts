import { AddressError } from '../address/address-error.js';
import type { LedgerKind } from './ledger-kinds.js';
import type { LedgerAddress, LedgerAddressOptions } from './ledger-profile.js';
import { ledgerProfileOf } from './ledger-profiles.js';

/** A ledger chain address through its family's profile. Throws AddressError. */
export function normalizeLedgerAddress(kind: LedgerKind, address: string, options: LedgerAddressOptions = {}): LedgerAddress {
  const profile = ledgerProfileOf(kind);
  if (profile === undefined) throw new AddressError('invalid_ledger_address', `chainwatch does not support ${kind} addresses yet`);
  return profile.normalizeAddress(address, options);
}

/** The match key of an address read from chain data or a movement; undefined when it is not one (never throws). */
export function ledgerAddressKey(kind: LedgerKind, address: string, options: LedgerAddressOptions = {}): string | undefined {
  try {
    return normalizeLedgerAddress(kind, address, options).matchKey;
  } catch {
    return undefined;
  }
}
