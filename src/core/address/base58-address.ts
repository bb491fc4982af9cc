import { address as btcAddress } from 'bitcoinjs-lib';
import { hash256 } from '../btc/hash256.js';
import { decodeBase58, encodeBase58 } from './base58.js';

/**
 * Base58Check address of a 20-byte hash with a one-byte version (Bitcoin and
 * most forks, through bitcoinjs-lib) or a two-byte one (Zcash's t1/t3/tm/t2,
 * version written big-endian: {0x1C,0xB8} is 0x1cb8).
 */
export function toBase58Address(hash: Uint8Array, version: number): string {
  if (version <= 0xff) return btcAddress.toBase58Check(hash, version);
  const payload = Buffer.alloc(2 + hash.length);
  payload.writeUInt16BE(version, 0);
  payload.set(hash, 2);
  return encodeBase58(Buffer.concat([payload, hash256(payload).subarray(0, 4)]));
}

/**
 * The payload of a Base58Check string (version bytes and hash), or undefined
 * when a character is outside the alphabet or the 4-byte checksum (double
 * SHA-256) does not match.
 */
export function decodeBase58Check(text: string): Buffer | undefined {
  // A 2-byte version, 20-byte hash and checksum is 35 characters; anything far longer is not an address.
  if (text.length > 64) return undefined;
  const bytes = decodeBase58(text);
  if (bytes === undefined || bytes.length < 5) return undefined;
  const payload = Buffer.from(bytes.subarray(0, bytes.length - 4));
  if (Buffer.compare(hash256(payload).subarray(0, 4), Buffer.from(bytes.subarray(bytes.length - 4))) !== 0) return undefined;
  return payload;
}
