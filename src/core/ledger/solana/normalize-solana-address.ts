import bs58 from 'bs58';
import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/** Solana account ids are 32 bytes (an ed25519 public key or a program-derived address). */
export const SOLANA_ADDRESS_BYTES = 32;

/**
 * A Solana address: base58 (Bitcoin alphabet) of 32 bytes. Solana addresses
 * carry NO checksum, so the only checks possible are the alphabet and the
 * decoded length; a mistyped character that keeps both valid names another
 * (probably unused) account. The display form is the canonical base58 of the
 * bytes (so leading-zero padding variants collapse); the match key is the
 * lowercase hex of the bytes, because base58 is case-sensitive and the
 * watchlist compares keys as written.
 */
export function normalizeSolanaAddress(address: string): LedgerAddress {
  const trimmed = address.trim();
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(trimmed);
  } catch (err) {
    throw new AddressError('invalid_ledger_address', `"${trimmed.slice(0, 64)}" is not a Solana address: not base58`, { cause: err });
  }
  if (bytes.length !== SOLANA_ADDRESS_BYTES) {
    throw new AddressError('invalid_ledger_address', `"${trimmed.slice(0, 64)}" is not a Solana address: it decodes to ${bytes.length} bytes, not ${SOLANA_ADDRESS_BYTES} (Solana addresses have no checksum; check for a missing or extra character)`);
  }
  return { matchKey: Buffer.from(bytes).toString('hex'), display: bs58.encode(bytes) };
}
