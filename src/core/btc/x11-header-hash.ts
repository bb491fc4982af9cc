import x11 from 'x11-hash-js';

/**
 * Dash names a block by the X11 hash (eleven chained SHA-3 candidates) of its
 * 80-byte header, not by double SHA-256; returned in display (byte-reversed) hex.
 * x11-hash-js is Dash's own pure-JS implementation (checked against a mainnet
 * block hash in the tests).
 */
export function x11HeaderHash(header: Uint8Array): string {
  const digest = x11.digest(Array.from(header), 1, 1);
  return Buffer.from(digest).reverse().toString('hex');
}
