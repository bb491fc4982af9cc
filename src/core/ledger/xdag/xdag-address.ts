import { createHash } from 'node:crypto';
import { AddressError } from '../../address/address-error.js';
import { decodeBase58 } from '../../address/base58.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * An XDAG account address as xdagj (0.6+) writes it: Base58Check of the 20-byte
 * account hash (RIPEMD160(SHA256(pubkey))), no version byte, checksum = the
 * first 4 bytes of SHA256(SHA256(hash)). The match key is the hash in lowercase
 * hex; the display is the address as given (Base58 is case-sensitive).
 * Older 32-character base64 block addresses are not accounts and are refused.
 */
export function normalizeXdagAddress(address: string): LedgerAddress {
  const bytes = /^[1-9A-HJ-NP-Za-km-z]{25,40}$/.test(address) ? decodeBase58(address) : undefined;
  if (bytes === undefined || bytes.length !== 24) throw new AddressError('invalid_ledger_address', `${address} is not an XDAG address (Base58Check of a 20-byte account hash)`);
  const hash = bytes.subarray(0, 20);
  const check = createHash('sha256').update(createHash('sha256').update(hash).digest()).digest().subarray(0, 4);
  if (!Buffer.from(check).equals(Buffer.from(bytes.subarray(20)))) throw new AddressError('invalid_ledger_address', `XDAG address ${address} has a wrong checksum (a typo?)`);
  return { matchKey: Buffer.from(hash).toString('hex'), display: address };
}
