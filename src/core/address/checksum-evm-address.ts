import { keccak256 } from 'js-sha3';

/**
 * EIP-55 mixed-case checksum of a lowercase `0x` + 40-hex address: a hex
 * letter is uppercased where the matching nibble of keccak256(lowercase hex
 * text) is 8 or more.
 *
 * Same result as ethers' getAddress (tests compare them on random vectors),
 * but js-sha3's keccak is about 4x faster on such short inputs, and loading a
 * million-entry watchlist checks one checksum per address.
 */
export function checksumEvmAddress(lowercaseAddress: string): string {
  const body = lowercaseAddress.slice(2);
  const hash = keccak256.array(body);
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = body.charCodeAt(i);
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    // Only the letters a-f (char codes 97-102) carry the checksum.
    out += String.fromCharCode(c >= 97 && nibble >= 8 ? c - 32 : c);
  }
  return out;
}
