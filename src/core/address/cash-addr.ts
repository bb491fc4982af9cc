/**
 * CashAddr (Bitcoin Cash address format, spec: github.com/bitcoincashorg/bitcoincash.org
 * spec/cashaddr.md): `prefix:payload`, payload base32 of a version byte and the hash,
 * with a 40-bit BCH checksum over the prefix's low 5 bits, a zero, and the payload.
 * Pure; no library implements it among our dependencies.
 */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CHARSET_REV = new Map([...CHARSET].map((c, i) => [c, i] as const));

/** CashAddr types: 0 P2PKH, 1 P2SH; 2 and 3 are their CashTokens-aware variants (same scripts). */
export type CashAddrType = 0 | 1 | 2 | 3;

export interface DecodedCashAddr {
  readonly prefix: string;
  readonly type: CashAddrType;
  readonly hash: Uint8Array;
}

const HASH_SIZES = [20, 24, 28, 32, 40, 48, 56, 64] as const;

function polymod(values: readonly number[]): bigint {
  let c = 1n;
  for (const d of values) {
    const c0 = c >> 35n;
    c = ((c & 0x07ffffffffn) << 5n) ^ BigInt(d);
    if (c0 & 0x01n) c ^= 0x98f2bc8e61n;
    if (c0 & 0x02n) c ^= 0x79b76d99e2n;
    if (c0 & 0x04n) c ^= 0xf33e5fb3c4n;
    if (c0 & 0x08n) c ^= 0xae2eabe2a8n;
    if (c0 & 0x10n) c ^= 0x1e4f43e470n;
  }
  return c ^ 1n;
}

function prefixValues(prefix: string): number[] {
  return [...prefix].map((ch) => ch.charCodeAt(0) & 0x1f);
}

function convertBits(data: Iterable<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const value of data) {
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return undefined;
  }
  return out;
}

/** Encodes `prefix:payload` (lowercase). */
export function encodeCashAddr(prefix: string, type: CashAddrType, hash: Uint8Array): string {
  const sizeBits = HASH_SIZES.indexOf(hash.length as (typeof HASH_SIZES)[number]);
  if (sizeBits < 0) throw new Error(`CashAddr cannot encode a ${hash.length}-byte hash`);
  const payload = convertBits([(type << 3) | sizeBits, ...hash], 8, 5, true)!;
  const checksum = polymod([...prefixValues(prefix), 0, ...payload, 0, 0, 0, 0, 0, 0, 0, 0]);
  const checkWords: number[] = [];
  for (let i = 7; i >= 0; i--) checkWords.push(Number((checksum >> BigInt(5 * i)) & 0x1fn));
  return `${prefix}:${[...payload, ...checkWords].map((v) => CHARSET[v]).join('')}`;
}

/**
 * Decodes a CashAddr. `defaultPrefix` is used when the input has no `prefix:` (the
 * common short form). Returns undefined for anything that is not a valid CashAddr
 * (mixed case, bad character, bad checksum, unknown type or size).
 */
export function decodeCashAddr(input: string, defaultPrefix: string): DecodedCashAddr | undefined {
  if (input !== input.toLowerCase() && input !== input.toUpperCase()) return undefined;
  const lower = input.toLowerCase();
  const colon = lower.indexOf(':');
  const prefix = colon < 0 ? defaultPrefix : lower.slice(0, colon);
  const body = colon < 0 ? lower : lower.slice(colon + 1);
  if (prefix === '' || body.length < 8 + 34) return undefined;
  const words: number[] = [];
  for (const ch of body) {
    const v = CHARSET_REV.get(ch);
    if (v === undefined) return undefined;
    words.push(v);
  }
  if (polymod([...prefixValues(prefix), 0, ...words]) !== 0n) return undefined;
  const bytes = convertBits(words.slice(0, -8), 5, 8, false);
  if (bytes === undefined || bytes.length < 1) return undefined;
  const version = bytes[0]!;
  if ((version & 0x80) !== 0) return undefined;
  const type = (version >> 3) & 0x0f;
  const size = HASH_SIZES[version & 0x07]!;
  if (type > 3 || bytes.length - 1 !== size) return undefined;
  return { prefix, type: type as CashAddrType, hash: Uint8Array.from(bytes.slice(1)) };
}
