import { decodeAccountID, encodeAccountID, isValidXAddress, xAddressToClassicAddress } from 'ripple-address-codec';
import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * An XRP Ledger account: a classic address (`r…`, base58 with the XRPL alphabet
 * and a 4-byte double-SHA-256 checksum over the 20-byte account id), or an
 * X-address (XLS-5, `X…`) which is read as its classic account (its tag is
 * dropped: a watch covers the whole account). Match key: the account id as
 * lowercase hex; display: the classic address.
 */
export function normalizeRippleAddress(address: string): LedgerAddress {
  const input = address.trim();
  let classic = input;
  if (input.startsWith('X') || input.startsWith('T')) {
    if (!isValidXAddress(input)) throw new AddressError('invalid_ledger_address', `"${clip(input)}" is not a valid XRP Ledger X-address (bad checksum or length)`);
    const decoded = xAddressToClassicAddress(input);
    if (decoded.test) throw new AddressError('invalid_ledger_address', `"${clip(input)}" is a testnet X-address`, { actualNetwork: 'testnet' });
    classic = decoded.classicAddress;
  } else if (!input.startsWith('r')) {
    throw new AddressError('invalid_ledger_address', `"${clip(input)}" is not an XRP Ledger address (classic addresses start with "r")`);
  }
  let accountId: Uint8Array;
  try {
    accountId = decodeAccountID(classic);
  } catch (err) {
    throw new AddressError('invalid_ledger_address', `"${clip(input)}" is not a valid XRP Ledger address (bad checksum or length)`, { cause: err });
  }
  return { matchKey: Buffer.from(accountId).toString('hex'), display: encodeAccountID(accountId) };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
