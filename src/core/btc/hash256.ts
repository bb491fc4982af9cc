import * as nodeCrypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
// crypto.hash (Node >= 20.12) skips the Hash object per call, which matters for thousands of txids per block.
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

function sha256(data: Uint8Array): Buffer {
  if (oneShot) return oneShot('sha256', data, 'buffer');
  return nodeCrypto.createHash('sha256').update(data).digest();
}

/** Bitcoin's double SHA-256 (txids, block hashes, merkle nodes). Pure: same bytes, same hash. */
export function hash256(data: Uint8Array): Buffer {
  return sha256(sha256(data));
}
