import { scryptSync } from 'node:crypto';

/**
 * Verge's block hash: scrypt(N=1024, r=1, p=1, 32 bytes) of the 80-byte header,
 * with the header as both password and salt (Litecoin's proof-of-work hash),
 * shown byte-reversed. Verge Core's CBlockHeader::GetHash returns this for every
 * block, whichever of its five algorithms (scrypt, x17, lyra2rev2, blake2s,
 * myr-groestl) mined it: the other algorithms only decide proof of work.
 */
export function scryptHeaderHash(header: Uint8Array): string {
  return Buffer.from(scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 })).reverse().toString('hex');
}
