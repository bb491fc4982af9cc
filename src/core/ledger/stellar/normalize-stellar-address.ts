import { base32nopad } from '@scure/base';
import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/** StrKey version bytes (SEP-23): ed25519 public key `G…`, muxed account `M…`. */
const VERSION_ACCOUNT = 6 << 3;
const VERSION_MUXED = 12 << 3;

/**
 * A Stellar account (SEP-23 StrKey): `G…` (version byte, 32-byte ed25519 key,
 * CRC16-XModem checksum little-endian, RFC 4648 base32 without padding), or a
 * muxed account `M…` (key + 64-bit id), which is read as its `G…` account: a
 * watch covers the whole account. Match key: the key as lowercase hex.
 */
export function normalizeStellarAddress(address: string): LedgerAddress {
  const input = address.trim();
  const key = decodeStellarAccount(input);
  if (key === undefined) throw new AddressError('invalid_ledger_address', `"${clip(input)}" is not a valid Stellar account (G… or M… StrKey with its CRC16 checksum)`);
  return { matchKey: Buffer.from(key).toString('hex'), display: encodeStellarAccount(key) };
}

/** The 32-byte account key of a G… or M… StrKey; undefined when it is not one (never throws). */
export function decodeStellarAccount(strKey: string): Uint8Array | undefined {
  if (!/^[GM][A-Z2-7]{55}$|^M[A-Z2-7]{68}$/.test(strKey)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = base32nopad.decode(strKey);
  } catch {
    return undefined;
  }
  const version = bytes[0];
  const expectedLength = version === VERSION_ACCOUNT ? 35 : version === VERSION_MUXED ? 43 : -1;
  if (bytes.length !== expectedLength) return undefined;
  const body = bytes.subarray(0, bytes.length - 2);
  const checksum = bytes[bytes.length - 2]! | (bytes[bytes.length - 1]! << 8);
  if (crc16Xmodem(body) !== checksum) return undefined;
  // Canonical form only: a string with stray low bits in its last character decodes to the same bytes.
  if (base32nopad.encode(bytes) !== strKey) return undefined;
  return bytes.slice(1, 33);
}

export function encodeStellarAccount(key: Uint8Array): string {
  const body = new Uint8Array(33);
  body[0] = VERSION_ACCOUNT;
  body.set(key, 1);
  const checksum = crc16Xmodem(body);
  const out = new Uint8Array(35);
  out.set(body);
  out[33] = checksum & 0xff;
  out[34] = checksum >> 8;
  return base32nopad.encode(out);
}

/** CRC-16/XMODEM (poly 0x1021, init 0), as SEP-23 specifies for StrKey. */
function crc16Xmodem(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function clip(text: string): string {
  return text.length > 70 ? `${text.slice(0, 70)}…` : text;
}
