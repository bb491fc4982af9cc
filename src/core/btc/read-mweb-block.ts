import { ByteReader } from './byte-reader.js';

/**
 * Reads Litecoin's MWEB extension block (LIP-0002/0003; litecoin src/libmw
 * mw::Block) that follows the last transaction of a block whose HogEx
 * transaction is present, and returns the offset just past it. Nothing in it
 * can be matched (MWEB outputs are confidential: Pedersen commitments to
 * stealth addresses), so it is only walked, field by field, to prove the block
 * has exactly the length it claims:
 *   header: VARINT height, output/kernel/leafset roots, kernel/stealth offsets (5 x 32), VARINT output and kernel MMR sizes;
 *   inputs: features, output id 32, commitment 33, output pubkey 33, [input pubkey 33 if 0x01], [extra data if 0x02], signature 64;
 *   outputs: commitment 33, sender and receiver pubkeys 66, message (features, [33+1+8+16 if 0x01], [extra data if 0x02]), range proof 675, signature 64;
 *   kernels: features, [VARINT fee 0x01], [VARINT peg-in 0x02], [peg-outs 0x04], [VARINT lock height 0x08], [stealth excess 33 0x10], [extra data 0x20], excess 33, signature 64.
 */
export function readMwebBlock(buf: Buffer, start: number, where: string): number {
  const r = new ByteReader(buf, start, `${where} (MWEB extension block)`);
  r.varInt('MWEB height');
  r.skip(5 * 32, 'MWEB header roots and offsets');
  r.varInt('MWEB output MMR size');
  r.varInt('MWEB kernel MMR size');
  const inputs = count(r, 'MWEB input count', 105);
  for (let i = 0; i < inputs; i++) {
    const f = r.u8('MWEB input features');
    if (f & ~0x03) throw r.corrupt('MWEB input features');
    r.skip(32 + 33 + 33, 'MWEB input');
    if (f & 0x01) r.skip(33, 'MWEB input pubkey');
    if (f & 0x02) r.vector('MWEB input extra data');
    r.skip(64, 'MWEB input signature');
  }
  const outputs = count(r, 'MWEB output count', 33 * 3 + 1 + 675 + 64);
  for (let i = 0; i < outputs; i++) {
    r.skip(33 * 3, 'MWEB output keys');
    const f = r.u8('MWEB output message features');
    if (f & ~0x03) throw r.corrupt('MWEB output message features');
    if (f & 0x01) r.skip(33 + 1 + 8 + 16, 'MWEB output standard fields');
    if (f & 0x02) r.vector('MWEB output extra data');
    r.skip(675 + 64, 'MWEB output range proof and signature');
  }
  const kernels = count(r, 'MWEB kernel count', 98);
  for (let i = 0; i < kernels; i++) {
    const f = r.u8('MWEB kernel features');
    if (f & ~0x3f) throw r.corrupt('MWEB kernel features');
    if (f & 0x01) r.varInt('MWEB kernel fee');
    if (f & 0x02) r.varInt('MWEB kernel peg-in');
    if (f & 0x04) {
      const pegouts = count(r, 'MWEB peg-out count', 2);
      for (let p = 0; p < pegouts; p++) {
        r.varInt('MWEB peg-out amount');
        if (r.vector('MWEB peg-out script').length === 0) throw r.corrupt('MWEB peg-out script');
      }
    }
    if (f & 0x08) r.varInt('MWEB kernel lock height');
    if (f & 0x10) r.skip(33, 'MWEB kernel stealth excess');
    if (f & 0x20) r.vector('MWEB kernel extra data');
    r.skip(33 + 64, 'MWEB kernel excess and signature');
  }
  return r.pos;
}

/** A vector length, refused when the bytes left cannot hold that many items (no allocation on garbage). */
function count(r: ByteReader, what: string, minItemBytes: number): number {
  const n = r.compactSize(what);
  if (n * minItemBytes > r.buf.length - r.pos) throw r.corrupt(what);
  return n;
}
