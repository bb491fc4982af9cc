import { RetryableError } from '../errors.js';
import type { BitcoinTx, BitcoinTxInput, BitcoinTxOutput } from './bitcoin-block.js';
import { ByteReader } from './byte-reader.js';
import { hash256, type BinaryHash } from './hash256.js';
import type { ScannedTransactions } from './scan-block-transactions.js';
import { zip244Txid, type Zip244Parts } from './zip244-txid.js';

/** nVersionGroupId of each overwintered transaction version (Zcash protocol spec §7.1). */
const VERSION_GROUP_IDS: Readonly<Record<number, number>> = { 3: 0x03c48270, 4: 0x892f2085, 5: 0x26a7270a };

/** Sizes fixed by the protocol spec (§7.2–7.5, ZIP-225). */
const JOINSPLIT_BCTV14_BYTES = 1802; // v2 and v3: PHGR13/BCTV14 proof of 296 bytes
const JOINSPLIT_GROTH16_BYTES = 1698; // v4: Groth16 proof of 192 bytes
const JOINSPLIT_SIGNATURE_BYTES = 32 + 64; // joinSplitPubKey, joinSplitSig
const SAPLING_SPEND_V4_BYTES = 384; // cv, anchor, nullifier, rk, zkproof(192), spendAuthSig(64)
const SAPLING_OUTPUT_V4_BYTES = 948; // cv, cmu, ephemeralKey, encCiphertext(580), outCiphertext(80), zkproof(192)
const SAPLING_SPEND_V5_BYTES = 96; // cv, nullifier, rk
const SAPLING_OUTPUT_V5_BYTES = 756; // cv, cmu, ephemeralKey, encCiphertext(580), outCiphertext(80)
const ORCHARD_ACTION_BYTES = 820; // cv, nullifier, rk, cmx, ephemeralKey, encCiphertext(580), outCiphertext(80)
const GROTH16_PROOF_BYTES = 192;
const SIGNATURE_BYTES = 64;
/** The smallest transparent input (outpoint, empty script, sequence) and output (value, empty script). */
const MIN_INPUT_BYTES = 41;
const MIN_OUTPUT_BYTES = 9;

/**
 * Reads a Zcash block's transactions (after the Equihash header) in every
 * format the chain has had, keeping only what matching needs: the transparent
 * inputs and outputs. Shielded parts (Sprout JoinSplits, Sapling spends and
 * outputs, Orchard actions) are walked field by field, their sizes checked, and
 * skipped: their values and owners are encrypted, so there is nothing to match.
 *
 * - v1 (Sprout, no flag): Bitcoin's layout.
 * - v2 (Sprout): then JoinSplits of 1802 bytes (BCTV14), with joinSplitPubKey and joinSplitSig when any.
 * - v3 (Overwinter, fOverwintered with group id 0x03C48270): version group id after the header, an expiry
 *   height after the locktime, then v2's JoinSplits.
 * - v4 (Sapling, group id 0x892F2085): expiry height, valueBalance, Sapling spends (384 bytes) and outputs
 *   (948 bytes), JoinSplits with Groth16 proofs (1698 bytes), bindingSig when any Sapling spend or output.
 * - v5 (NU5, group id 0x26A7270A, ZIP-225): consensus branch id, locktime and expiry before the transparent
 *   bundle, then the Sapling bundle (spends and outputs with their proofs and signatures in separate
 *   arrays, shared anchor) and the Orchard bundle (actions, flags, value balance, anchor, proofs,
 *   signatures).
 * Any other version, or a version with the wrong group id, is corrupt (a future format needs a new reader,
 * never a guess). txids: double SHA-256 of the bytes for v1–v4, ZIP-244's BLAKE2b-256 tree for v5.
 * The bytes must be consumed exactly.
 */
export function scanZcashTransactions(raw: Uint8Array, startOffset: number, where: string): ScannedTransactions {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const r = new ByteReader(buf, startOffset, where);
  const count = r.compactSize('transaction count');
  if (count === 0 || count > (buf.length - r.pos) / (MIN_INPUT_BYTES + MIN_OUTPUT_BYTES)) throw r.corrupt('transaction count');
  const txs = new Array<BitcoinTx>(count);
  const hashes = new Array<BinaryHash>(count);
  for (let t = 0; t < count; t++) {
    const { tx, hash } = readZcashTransaction(r);
    txs[t] = tx;
    hashes[t] = hash.toString('latin1');
  }
  if (r.pos !== buf.length) throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has ${buf.length - r.pos} unexpected bytes after its transactions`);
  return { txs, hashes };
}

interface TransparentBundle {
  readonly ins: BitcoinTxInput[];
  readonly outs: BitcoinTxOutput[];
  readonly coinbase: boolean;
  /** Offsets of each input's outpoint and sequence, and the byte range of all outputs (ZIP-244 digests). */
  readonly outpointAt: number[];
  readonly sequenceAt: number[];
  readonly outputsStart: number;
  readonly outputsEnd: number;
}

/** One transaction at the reader's position; the reader ends after it. */
export function readZcashTransaction(r: ByteReader): { tx: BitcoinTx; hash: Buffer } {
  const txStart = r.pos;
  const header = r.bytes(4, 'transaction header').readUInt32LE(0);
  const overwintered = header >>> 31 === 1;
  const version = header & 0x7fffffff;
  if (!overwintered) {
    if (version !== 1 && version !== 2) throw r.corrupt(`transaction version ${version} without the Overwinter flag`);
    const transparent = readTransparent(r);
    r.skip(4, 'locktime');
    const joinSplits = version === 2 ? readJoinSplits(r, JOINSPLIT_BCTV14_BYTES) : 0;
    return finish(r, txStart, transparent, joinSplits > 0);
  }
  const groupId = r.bytes(4, 'version group id').readUInt32LE(0);
  if (VERSION_GROUP_IDS[version] === undefined || VERSION_GROUP_IDS[version] !== groupId) {
    throw r.corrupt(`overwintered transaction version ${version} with version group id 0x${groupId.toString(16).padStart(8, '0')}`);
  }
  if (version === 3) {
    const transparent = readTransparent(r);
    r.skip(8, 'locktime and expiry height');
    const joinSplits = readJoinSplits(r, JOINSPLIT_BCTV14_BYTES);
    return finish(r, txStart, transparent, joinSplits > 0);
  }
  if (version === 4) {
    const transparent = readTransparent(r);
    r.skip(8 + 8, 'locktime, expiry height and valueBalance');
    const spends = count(r, SAPLING_SPEND_V4_BYTES, 'Sapling spend count');
    r.skip(spends * SAPLING_SPEND_V4_BYTES, 'Sapling spends');
    const outputs = count(r, SAPLING_OUTPUT_V4_BYTES, 'Sapling output count');
    r.skip(outputs * SAPLING_OUTPUT_V4_BYTES, 'Sapling outputs');
    const joinSplits = readJoinSplits(r, JOINSPLIT_GROTH16_BYTES);
    if (spends + outputs > 0) r.skip(SIGNATURE_BYTES, 'Sapling binding signature');
    return finish(r, txStart, transparent, spends + outputs + joinSplits > 0);
  }
  return readV5(r, header, groupId);
}

function readV5(r: ByteReader, header: number, groupId: number): { tx: BitcoinTx; hash: Buffer } {
  const branchId = r.bytes(4, 'consensus branch id').readUInt32LE(0);
  const lockTimeAt = r.pos;
  r.skip(8, 'locktime and expiry height');
  const transparent = readTransparent(r);
  const spends = count(r, SAPLING_SPEND_V5_BYTES, 'Sapling spend count');
  const spendsAt = r.pos;
  r.skip(spends * SAPLING_SPEND_V5_BYTES, 'Sapling spends');
  const outputs = count(r, SAPLING_OUTPUT_V5_BYTES, 'Sapling output count');
  const outputsAt = r.pos;
  r.skip(outputs * SAPLING_OUTPUT_V5_BYTES, 'Sapling outputs');
  let saplingValueBalanceAt = -1;
  let saplingAnchorAt = -1;
  if (spends + outputs > 0) {
    saplingValueBalanceAt = r.pos;
    r.skip(8, 'Sapling value balance');
  }
  if (spends > 0) {
    saplingAnchorAt = r.pos;
    r.skip(32, 'Sapling anchor');
  }
  r.skip(spends * (GROTH16_PROOF_BYTES + SIGNATURE_BYTES) + outputs * GROTH16_PROOF_BYTES, 'Sapling proofs and spend signatures');
  if (spends + outputs > 0) r.skip(SIGNATURE_BYTES, 'Sapling binding signature');
  const actions = count(r, ORCHARD_ACTION_BYTES, 'Orchard action count');
  const actionsAt = r.pos;
  r.skip(actions * ORCHARD_ACTION_BYTES, 'Orchard actions');
  let orchardFieldsAt = -1;
  if (actions > 0) {
    orchardFieldsAt = r.pos;
    // flagsOrchard: bit 0 enableSpends, bit 1 enableOutputs; the other bits are reserved and must be 0.
    if ((r.u8('Orchard flags') & ~0x03) !== 0) throw r.corrupt('Orchard flags (reserved bits set)');
    r.skip(8 + 32, 'Orchard value balance and anchor');
    r.skip(r.compactSize('Orchard proofs size'), 'Orchard proofs');
    r.skip(actions * SIGNATURE_BYTES + SIGNATURE_BYTES, 'Orchard spend signatures and binding signature');
  }
  const parts: Zip244Parts = {
    buf: r.buf,
    header,
    groupId,
    branchId,
    lockTimeAt,
    transparent: { outpointAt: transparent.outpointAt, sequenceAt: transparent.sequenceAt, outputsStart: transparent.outputsStart, outputsEnd: transparent.outputsEnd },
    sapling: { spends, spendsAt, outputs, outputsAt, valueBalanceAt: saplingValueBalanceAt, anchorAt: saplingAnchorAt },
    orchard: { actions, actionsAt, fieldsAt: orchardFieldsAt },
  };
  const hash = zip244Txid(parts);
  return { tx: toTx(hash, transparent, spends + outputs + actions > 0), hash };
}

/** A vector length whose elements take `elementBytes` each: larger than the bytes left is corrupt, not an allocation. */
function count(r: ByteReader, elementBytes: number, what: string): number {
  const n = r.compactSize(what);
  if (n * elementBytes > r.buf.length - r.pos) throw r.corrupt(what);
  return n;
}

/** Skips the JoinSplits (and their signature when any); returns how many there were. */
function readJoinSplits(r: ByteReader, joinSplitBytes: number): number {
  const n = count(r, joinSplitBytes, 'JoinSplit count');
  r.skip(n * joinSplitBytes, 'JoinSplits');
  if (n > 0) r.skip(JOINSPLIT_SIGNATURE_BYTES, 'JoinSplit public key and signature');
  return n;
}

/** Bitcoin's transparent inputs and outputs, identical in every Zcash version. */
function readTransparent(r: ByteReader): TransparentBundle {
  const buf = r.buf;
  const nIn = count(r, MIN_INPUT_BYTES, 'input count');
  const ins = new Array<BitcoinTxInput>(nIn);
  const outpointAt = new Array<number>(nIn);
  const sequenceAt = new Array<number>(nIn);
  let coinbase = false;
  for (let i = 0; i < nIn; i++) {
    const at = r.pos;
    r.skip(36, 'outpoint');
    const script = r.vector('scriptSig');
    sequenceAt[i] = r.pos;
    r.skip(4, 'sequence');
    outpointAt[i] = at;
    // Zcash's coinbase: one input with the null outpoint (zero hash, index 0xffffffff).
    if (nIn === 1 && isNullOutpoint(buf, at)) {
      coinbase = true;
      ins[i] = { outpoint: '', script };
    } else {
      ins[i] = { outpoint: `${reversedHex(buf, at)}:${buf.readUInt32LE(at + 32)}`, script };
    }
  }
  const nOut = count(r, MIN_OUTPUT_BYTES, 'output count');
  const outputsStart = r.pos;
  const outs = new Array<BitcoinTxOutput>(nOut);
  for (let o = 0; o < nOut; o++) {
    const value = r.bytes(8, 'output value').readBigUInt64LE(0);
    const script = r.vector('scriptPubKey');
    outs[o] = { scriptHex: script.toString('hex'), value };
  }
  return { ins, outs, coinbase, outpointAt, sequenceAt, outputsStart, outputsEnd: r.pos };
}

function finish(r: ByteReader, txStart: number, transparent: TransparentBundle, shielded: boolean): { tx: BitcoinTx; hash: Buffer } {
  // v1–v4: the txid is the double SHA-256 of the whole serialisation, shielded parts included.
  const hash = hash256(r.buf.subarray(txStart, r.pos));
  return { tx: toTx(hash, transparent, shielded), hash };
}

function toTx(hash: Buffer, transparent: TransparentBundle, shielded: boolean): BitcoinTx {
  const tx = { txid: Buffer.from(hash).reverse().toString('hex'), coinbase: transparent.coinbase, ins: transparent.ins, outs: transparent.outs };
  return shielded ? { ...tx, shielded } : tx;
}

function isNullOutpoint(buf: Buffer, at: number): boolean {
  for (let i = at; i < at + 32; i++) if (buf[i] !== 0) return false;
  return buf.readUInt32LE(at + 32) === 0xffffffff;
}

function reversedHex(buf: Buffer, at: number): string {
  return Buffer.from(buf.subarray(at, at + 32)).reverse().toString('hex');
}
