import { keccak256Bytes } from '../hash/keccak256.js';

/**
 * EIP-55 mixed-case checksum of a lowercase `0x` + 40-hex address: a hex
 * letter is uppercased where the matching nibble of keccak256(lowercase hex
 * text) is 8 or more.
 *
 * Same result as ethers' getAddress (tests compare them on random vectors),
 * but with a WebAssembly keccak (about 3.5x js-sha3's on such short inputs): loading a
 * million-entry watchlist checks one checksum per mixed-case address.
 */
export function checksumEvmAddress(lowercaseAddress: string): string {
  const body = lowercaseAddress.slice(2);
  const hash = keccak256Bytes(body);
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = body.charCodeAt(i);
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    // Only the letters a-f (char codes 97-102) carry the checksum.
    out += String.fromCharCode(c >= 97 && nibble >= 8 ? c - 32 : c);
  }
  return out;
}

const MEMO_LIMIT = 10_000;
const memo = new Map<string, string>();

/**
 * checksumEvmAddress with a bounded memo: the same few addresses (the watched
 * one, a token contract, an exchange's hot wallet) recur in every movement of
 * a busy block, and a keccak per address per movement was the matcher's
 * largest cost. The memo is forgotten whole when full, so hostile traffic of
 * unique addresses costs one keccak each, as without it.
 */
export function checksumEvmAddressMemo(lowercaseAddress: string): string {
  let out = memo.get(lowercaseAddress);
  if (out === undefined) {
    out = checksumEvmAddress(lowercaseAddress);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(lowercaseAddress, out);
  }
  return out;
}
