import { blake2b } from '@noble/hashes/blake2.js';
import bs58 from 'bs58';

/** An SS58 account: its network prefix and the 32-byte AccountId (public key). */
export interface Ss58Account {
  readonly prefix: number;
  readonly accountId: Uint8Array;
}

const SS58PRE = new TextEncoder().encode('SS58PRE');

/**
 * Decodes an SS58 address (Substrate's base58 format) of a 32-byte AccountId:
 * 1-byte prefix (0-63) or the 2-byte form (64-16383), the account, and the
 * first 2 bytes of blake2b-512("SS58PRE" || prefix || account) as checksum.
 * undefined when it is not one (bad base58, length, reserved prefix, checksum).
 * https://docs.substrate.io/reference/address-formats/
 */
export function decodeSs58(address: string): Ss58Account | undefined {
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(address);
  } catch {
    return undefined;
  }
  if (bytes.length < 1) return undefined;
  const first = bytes[0]!;
  let prefix: number;
  let prefixLength: number;
  if (first < 64) {
    prefix = first;
    prefixLength = 1;
  } else if (first < 128 && bytes.length >= 2) {
    const second = bytes[1]!;
    prefix = ((first & 0b0011_1111) << 2) | (second >> 6) | ((second & 0b0011_1111) << 8);
    prefixLength = 2;
  } else {
    return undefined;
  }
  // Prefixes 46 and 47 are reserved (SS58 registry); only 32-byte accounts have a 2-byte checksum.
  if (prefix === 46 || prefix === 47 || bytes.length !== prefixLength + 32 + 2) return undefined;
  const body = bytes.subarray(0, prefixLength + 32);
  const checksum = ss58Checksum(body);
  if (checksum[0] !== bytes[prefixLength + 32] || checksum[1] !== bytes[prefixLength + 33]) return undefined;
  return { prefix, accountId: bytes.slice(prefixLength, prefixLength + 32) };
}

/** The SS58 form of a 32-byte AccountId under a network prefix (0 Polkadot, 2 Kusama, 42 generic Substrate). */
export function encodeSs58(accountId: Uint8Array, prefix: number): string {
  if (accountId.length !== 32) throw new Error('an SS58 account is 32 bytes');
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16383 || prefix === 46 || prefix === 47) throw new Error(`${prefix} is not an SS58 prefix`);
  const head = prefix < 64 ? [prefix] : [((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b0000_0011) << 6)];
  const body = Uint8Array.from([...head, ...accountId]);
  const checksum = ss58Checksum(body);
  return bs58.encode(Uint8Array.from([...body, checksum[0]!, checksum[1]!]));
}

function ss58Checksum(body: Uint8Array): Uint8Array {
  const input = new Uint8Array(SS58PRE.length + body.length);
  input.set(SS58PRE);
  input.set(body, SS58PRE.length);
  return blake2b(input, { dkLen: 64 }).subarray(0, 2);
}
