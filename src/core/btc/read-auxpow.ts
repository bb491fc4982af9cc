import { ByteReader } from './byte-reader.js';
import { hash256 } from './hash256.js';

/** Header version bit announcing merged mining (Namecoin/Dogecoin `VERSION_AUXPOW`). */
export const AUXPOW_VERSION_BIT = 0x100;

/**
 * Reads the AuxPoW that follows an 80-byte merged-mined header (Dogecoin,
 * Namecoin CAuxPow): the parent chain's coinbase transaction, the parent block
 * hash, the coinbase's merkle branch and index, the chain merkle branch and
 * index, and the parent's 80-byte header. Returns the offset of the block's
 * transaction count. The coinbase branch must lead to the parent header's
 * merkle root, so misaligned bytes cannot pass as an AuxPoW.
 *
 * bitcoinjs-lib knows nothing of this: it reads the coinbase of the parent
 * chain as this block's only transaction and the merkle root then fails.
 */
export function readAuxPow(buf: Buffer, start: number, where: string): number {
  const r = new ByteReader(buf, start, `${where} (AuxPoW)`);
  const txStart = r.pos;
  const stripped = readTransaction(r);
  const coinbaseHash = hash256(stripped ?? buf.subarray(txStart, r.pos));
  r.skip(32, 'parent block hash');
  const branch = readBranch(r, 'coinbase merkle branch');
  const index = buf.readInt32LE(r.pos - 4);
  readBranch(r, 'chain merkle branch');
  const parentHeader = r.bytes(80, 'parent block header');
  let node = coinbaseHash;
  for (let i = 0, idx = index; i < branch.length; i++, idx >>= 1) {
    node = idx & 1 ? hash256(Buffer.concat([branch[i]!, node])) : hash256(Buffer.concat([node, branch[i]!]));
  }
  if (Buffer.compare(node, parentHeader.subarray(36, 68)) !== 0) throw r.corrupt('AuxPoW coinbase not committed by the parent header');
  return r.pos;
}

function readBranch(r: ByteReader, what: string): Buffer[] {
  const n = r.compactSize(what);
  if (n > 64) throw r.corrupt(what);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(r.bytes(32, what));
  r.skip(4, `${what} index`);
  return out;
}

/** Skips one transaction (the parent chain may use BIP-144); returns its witness-stripped bytes when it had witnesses. */
function readTransaction(r: ByteReader): Buffer | undefined {
  const start = r.pos;
  r.skip(4, 'version');
  const segwit = r.buf[r.pos] === 0 && r.buf[r.pos + 1] === 1;
  if (segwit) r.skip(2, 'marker');
  const bodyStart = r.pos;
  const nIn = r.compactSize('input count');
  if (nIn === 0) throw r.corrupt('input count');
  for (let i = 0; i < nIn; i++) {
    r.skip(36, 'outpoint');
    r.vector('scriptSig');
    r.skip(4, 'sequence');
  }
  const nOut = r.compactSize('output count');
  for (let o = 0; o < nOut; o++) {
    r.skip(8, 'output value');
    r.vector('scriptPubKey');
  }
  const bodyEnd = r.pos;
  if (segwit) {
    for (let i = 0; i < nIn; i++) {
      const items = r.compactSize('witness item count');
      for (let w = 0; w < items; w++) r.vector('witness item');
    }
  }
  r.skip(4, 'locktime');
  if (!segwit) return undefined;
  return Buffer.concat([r.buf.subarray(start, start + 4), r.buf.subarray(bodyStart, bodyEnd), r.buf.subarray(r.pos - 4, r.pos)]);
}
