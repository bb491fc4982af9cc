import { createHash } from 'node:crypto';
import { AddressError } from './address-error.js';
import { decodeBase58, encodeBase58 } from './base58.js';

/** A Tron account address: 0x41 then the 20 bytes an EVM address would hold. */
export interface TronAddress {
  /** Matching key: the 21 address bytes as lowercase hex, `41` first (how the HTTP API writes addresses). */
  readonly matchKey: string;
  /** Display form: Base58Check, `T...` (34 characters). */
  readonly display: string;
}

const PREFIX = 0x41;

/**
 * Validates a Tron address written as Base58Check (`T...`, the only form
 * accepted in watchlists: its 4-byte double-SHA-256 checksum catches typos)
 * and returns its byte key and display form. Pure (node:crypto hashing only).
 */
export function normalizeTronAddress(raw: string): TronAddress {
  const text = raw.trim();
  if (!/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(text)) {
    throw new AddressError('invalid_tron_address', 'not a tron address: expected T followed by 33 base58 characters');
  }
  const bytes = decodeBase58(text);
  if (bytes?.length !== 25 || bytes[0] !== PREFIX) {
    throw new AddressError('invalid_tron_address', 'not a tron address: it does not decode to 0x41 and 20 bytes');
  }
  const payload = bytes.subarray(0, 21);
  const checksum = Buffer.from(bytes.subarray(21)).toString('hex');
  if (doubleSha256(payload).subarray(0, 4).toString('hex') !== checksum) {
    throw new AddressError('invalid_tron_address', 'not a valid tron address: bad base58check checksum (a mistyped character?)');
  }
  return { matchKey: Buffer.from(payload).toString('hex'), display: text };
}

/**
 * Turns the hex form the HTTP API uses (`41` + 40 hex digits; event topics
 * and logs carry the bare 40 digits) into the `T...` display form.
 * undefined for anything else.
 */
export function encodeTronAddress(hex: string): string | undefined {
  const key = tronMatchKey(hex);
  if (key === undefined) return undefined;
  const payload = Buffer.from(key, 'hex');
  return encodeBase58(Buffer.concat([payload, doubleSha256(payload).subarray(0, 4)]));
}

/** `41…` (42 hex digits) or bare 40 hex digits (logs, ABI words) to the 42-digit lowercase key. */
export function tronMatchKey(hex: string): string | undefined {
  const h = hex.toLowerCase().replace(/^0x/, '');
  if (/^41[0-9a-f]{40}$/.test(h)) return h;
  if (/^[0-9a-f]{40}$/.test(h)) return `41${h}`;
  return undefined;
}

function doubleSha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}
