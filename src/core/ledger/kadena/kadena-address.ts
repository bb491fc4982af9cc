import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * A Kadena `coin` account name. `k:` accounts are an ed25519 public key in hex
 * (their key is lowercased, so any spelling of the key matches); every other
 * account (`w:`/`r:` principals, vanity names like `binance`) is any string of
 * 3 to 256 printable Latin-1 characters (the coin contract's rule) and is matched verbatim.
 */
export function normalizeKadenaAddress(address: string): LedgerAddress {
  if (/^k:/i.test(address)) {
    if (!/^k:[0-9a-fA-F]{64}$/.test(address)) throw new AddressError('invalid_ledger_address', `Kadena k: account ${address} is not k: followed by a 64-hex-digit public key`);
    const key = `k:${address.slice(2).toLowerCase()}`;
    return { matchKey: key, display: key };
  }
  if (address.length < 3 || address.length > 256) throw new AddressError('invalid_ledger_address', `Kadena account names are 3 to 256 characters; ${JSON.stringify(address.slice(0, 40))} has ${address.length}`);
  // The coin contract allows Latin-1 printable characters only; anything else is a copy-paste accident.
  if (!/^[\x20-\x7e\xa0-\xff]+$/.test(address)) throw new AddressError('invalid_ledger_address', `Kadena account ${JSON.stringify(address.slice(0, 40))} has characters outside printable Latin-1`);
  if (address !== address.trim()) throw new AddressError('invalid_ledger_address', `Kadena account ${JSON.stringify(address)} starts or ends with a space`);
  return { matchKey: address, display: address };
}
