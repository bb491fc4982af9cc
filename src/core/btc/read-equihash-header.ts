import { ByteReader } from './byte-reader.js';
import { hash256 } from './hash256.js';

/** The fixed part of an Equihash-era header: version, prev, merkle, 32 chain-specific bytes, time, bits, 32-byte nonce. */
export const EQUIHASH_HEADER_FIXED_BYTES = 140;

export interface EquihashHeader {
  /** Display-order block hash: double SHA-256 of the whole header, solution included. */
  readonly hash: string;
  readonly prevHash: Buffer;
  readonly merkleRoot: Buffer;
  /** Offset of the block's transaction count. */
  readonly end: number;
}

/**
 * Reads the header of an Equihash chain (Bitcoin Gold): 140 fixed bytes
 * (version, prev, merkle, height(4) and reserved(28), time, bits, a 32-byte
 * nonce) followed by the compactSize-prefixed Equihash solution. The block hash
 * covers the solution too, so a provider cannot swap it without the hash failing.
 *
 * `legacyHash`: Bitcoin Gold nodes serialise the blocks it inherited from
 * Bitcoin (below the fork) in the same 140-byte layout with an empty solution,
 * but those blocks keep their Bitcoin hash: the double SHA-256 of version, prev,
 * merkle, time, bits and the nonce's first 4 bytes (BTCGPU CBlockHeader::GetHash).
 */
export function readEquihashHeader(buf: Buffer, where: string, legacyHash = false): EquihashHeader {
  const r = new ByteReader(buf, 0, `${where} (header)`);
  r.skip(4, 'version');
  const prevHash = r.bytes(32, 'previous block hash');
  const merkleRoot = r.bytes(32, 'merkle root');
  r.skip(EQUIHASH_HEADER_FIXED_BYTES - 68, 'header fields');
  const solutionLength = r.compactSize('Equihash solution length');
  if (legacyHash) {
    // A block from before the fork has no solution; its hash is Bitcoin's over the 80-byte projection.
    if (solutionLength !== 0) throw r.corrupt('Equihash solution in a pre-fork block');
    const legacy = Buffer.concat([buf.subarray(0, 68), buf.subarray(100, 112)]);
    return { hash: Buffer.from(hash256(legacy)).reverse().toString('hex'), prevHash, merkleRoot, end: r.pos };
  }
  // Equihash(200,9) solutions are 1344 bytes, (144,5) 100 bytes: anything far larger is not a header.
  if (solutionLength === 0 || solutionLength > 4096) throw r.corrupt('Equihash solution length');
  r.skip(solutionLength, 'Equihash solution');
  const hash = Buffer.from(hash256(buf.subarray(0, r.pos))).reverse().toString('hex');
  return { hash, prevHash, merkleRoot, end: r.pos };
}
