import { RetryableError } from '../errors.js';
import type { BitcoinTx, BitcoinTxInput, BitcoinTxOutput } from './bitcoin-block.js';
import { ByteReader } from './byte-reader.js';
import { displayHexOf, hash256Binary, type BinaryHash } from './hash256.js';
import { readMwebBlock } from './read-mweb-block.js';
import { readTokenPrefix } from './read-token-prefix.js';
import type { UtxoBlockRules } from './utxo-chain.js';

type ScanRules = Pick<UtxoBlockRules, 'segwit' | 'mweb' | 'cashTokens'> & Partial<Pick<UtxoBlockRules, 'specialTx' | 'txTime' | 'blockSignature'>>;
const BITCOIN_RULES: ScanRules = { segwit: true, mweb: false, cashTokens: false, specialTx: false };
/** DIP2 MAX_TX_EXTRA_PAYLOAD: a longer payload is not a Dash transaction. */
const MAX_TX_EXTRA_PAYLOAD = 10000;
/** A Verge block signature is an ECDSA DER signature (at most 73 bytes) or empty; far more is not one. */
const MAX_BLOCK_SIGNATURE = 1024;

export interface ScannedTransactions {
  readonly txs: BitcoinTx[];
  /** Internal-byte-order txid hashes, in block order (merkle leaves). */
  readonly hashes: BinaryHash[];
}

/**
 * Reads a block's transactions in one pass over the raw bytes, straight into
 * the compact form matching needs (output script hex + value, input outpoint
 * keys), hashing each txid from its byte range as it goes.
 *
 * Why not bitcoinjs-lib's Block.fromBuffer here: it builds a full object graph
 * (a Uint8Array view per hash, script and witness item) that matching then has
 * to convert again, and txids would be re-serialised to hash them; on a full
 * 1.4 MB mainnet block that doubles the cost of the parse. The layout read is
 * the standard one (BIP-144 for witness transactions); tests check it against
 * bitcoinjs-lib on real mainnet blocks, every txid, script and outpoint.
 * bitcoinjs-lib still parses block headers and every mempool transaction.
 *
 * `rules` adds what other UTXO families put in a block (utxo-chain.ts):
 * - segwit false (Dogecoin, Bitcoin Cash): a marker/flag is not a layout, so such bytes fail as a zero input count;
 * - mweb (Litecoin): flag bit 0x08 marks the HogEx transaction, which must be the last, carry a null MWEB
 *   transaction byte, and be followed by the MWEB extension block (readMwebBlock); its txid excludes both;
 * - cashTokens (Bitcoin Cash): an output script starting with the PREFIX_TOKEN byte 0xef carries a token prefix
 *   (category, bitfield, commitment, amount) before the locking bytecode; the prefix is checked and stripped so
 *   matching sees the locking script;
 * - specialTx (Dash DIP2): a version-3 transaction whose upper 16 version bits (the type) are not 0 ends with
 *   a compactSize-prefixed extra payload after the locktime; it is skipped (it moves no coins) and hashed with
 *   the rest, as the txid covers the whole serialisation.
 * - txTime (Verge): a 4-byte nTime follows every transaction's version (hashed with the rest: Verge's txid is
 *   the double SHA-256 of the whole serialisation, nTime included);
 * - blockSignature (Verge): after the last transaction the block carries vchBlockSig, a compactSize-prefixed
 *   byte vector (a PPCoin-era block signature, usually empty today); it is skipped, it is not a transaction.
 * Whatever the family, the bytes must be consumed exactly: anything left over is an error.
 */
export function scanBlockTransactions(raw: Uint8Array, startOffset: number, where: string, rules: ScanRules = BITCOIN_RULES): ScannedTransactions {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const end = buf.length;
  let pos = startOffset;
  const corrupt = (what: string): RetryableError => new RetryableError('BTC_BLOCK_CORRUPT', `${where} is truncated or malformed (${what} at byte ${pos})`);
  const need = (bytes: number, what: string): void => {
    if (bytes < 0 || pos + bytes > end) throw corrupt(what);
  };
  const varint = (what: string): number => {
    need(1, what);
    const first = buf[pos]!;
    if (first < 0xfd) {
      pos += 1;
      return first;
    }
    if (first === 0xfd) {
      need(3, what);
      const v = buf.readUInt16LE(pos + 1);
      pos += 3;
      return v;
    }
    if (first === 0xfe) {
      need(5, what);
      const v = buf.readUInt32LE(pos + 1);
      pos += 5;
      return v;
    }
    need(9, what);
    const v = buf.readBigUInt64LE(pos + 1);
    pos += 9;
    if (v > BigInt(end)) throw corrupt(what);
    return Number(v);
  };
  // Reused for the witness-stripped bytes of segwit transactions (what their txid hashes).
  let stripped = Buffer.allocUnsafe(4096);
  // `<display txid>:<vout>` spelled into a scratch buffer and read out as one flat string: a hex
  // string, a number string and their concatenation per input was three allocations and a flatten.
  const keyScratch = Buffer.allocUnsafe(64 + 1 + 10);
  const outpointKeyAt = (at: number, vout: number): string => {
    let p = 0;
    for (let i = 31; i >= 0; i--) {
      const b = buf[at + i]!;
      keyScratch[p++] = HEX_CHARS[b >> 4]!;
      keyScratch[p++] = HEX_CHARS[b & 15]!;
    }
    keyScratch[p++] = 0x3a; // ':'
    let digits = 1;
    for (let v = vout; v >= 10; v = Math.floor(v / 10)) digits++;
    for (let i = digits - 1, v = vout; i >= 0; i--, v = Math.floor(v / 10)) keyScratch[p + i] = 0x30 + (v % 10);
    return keyScratch.toString('latin1', 0, p + digits);
  };

  const count = varint('transaction count');
  // Each transaction takes at least 60 bytes: a count larger than the bytes left is corrupt, not a reason to allocate.
  if (count === 0 || count > (end - pos) / 60 + 1) throw corrupt('transaction count');
  const txs = new Array<BitcoinTx>(count);
  const hashes = new Array<BinaryHash>(count);
  let hogEx = false;
  for (let t = 0; t < count; t++) {
    const txStart = pos;
    need(4, 'version');
    pos += 4;
    if (rules.txTime === true) {
      need(4, 'transaction time');
      pos += 4;
    }
    // BIP-144 marker 0x00 then flags: 0x01 witness; Litecoin adds 0x08 (MWEB, LIP-0003).
    let flags = 0;
    if (rules.segwit && buf[pos] === 0x00 && pos + 1 < end && buf[pos + 1] !== 0x00) {
      flags = buf[pos + 1]!;
      if ((flags & ~(rules.mweb ? 0x09 : 0x01)) !== 0) throw corrupt('transaction flags');
      pos += 2;
    }
    const segwit = flags !== 0;
    const bodyStart = pos;
    const nIn = varint('input count');
    if (nIn === 0) throw corrupt('input count');
    const ins = new Array<ScannedInput>(nIn);
    let coinbase = false;
    for (let i = 0; i < nIn; i++) {
      need(36, 'outpoint');
      const prevAt = pos;
      const vout = buf.readUInt32LE(pos + 32);
      pos += 36;
      const scriptLength = varint('scriptSig length');
      need(scriptLength + 4, 'scriptSig');
      const scriptStart = pos;
      pos += scriptLength + 4; // script, sequence
      if (nIn === 1 && isZero(buf, prevAt)) {
        coinbase = true;
        ins[i] = new ScannedInput('', buf, scriptStart, scriptStart + scriptLength);
      } else {
        ins[i] = new ScannedInput(outpointKeyAt(prevAt, vout), buf, scriptStart, scriptStart + scriptLength);
      }
    }
    const nOut = varint('output count');
    const outs = new Array<BitcoinTxOutput>(nOut);
    for (let o = 0; o < nOut; o++) {
      need(8, 'output value');
      const valueAt = pos;
      pos += 8;
      const scriptLength = varint('scriptPubKey length');
      need(scriptLength, 'scriptPubKey');
      let scriptStart = pos;
      if (rules.cashTokens && scriptLength > 0 && buf[pos] === 0xef) {
        const token = readTokenPrefix(buf, pos, pos + scriptLength);
        if (typeof token === 'string') throw corrupt(`token prefix: ${token}`);
        scriptStart = token.end;
      }
      outs[o] = new ScannedOutput(buf, valueAt, scriptStart, pos + scriptLength);
      pos += scriptLength;
    }
    const bodyEnd = pos;
    if (flags & 0x01) {
      for (let i = 0; i < nIn; i++) {
        // Checked and skipped here; its items are cut out only if an input's payer is ever asked for.
        ins[i]!.witnessAt = pos;
        const items = varint('witness item count');
        for (let w = 0; w < items; w++) {
          const length = varint('witness item length');
          need(length, 'witness item');
          pos += length;
        }
      }
    }
    if (flags & 0x08) {
      // In a block only the HogEx (integrating) transaction has the MWEB flag, with a null MWEB tx, and it comes last.
      need(1, 'MWEB transaction');
      if (buf[pos] !== 0x00 || t !== count - 1) throw corrupt('MWEB transaction data in a block');
      pos += 1;
      hogEx = true;
    }
    need(4, 'locktime');
    pos += 4;
    if (rules.specialTx === true) {
      const version = buf.readUInt16LE(txStart);
      const type = buf.readUInt16LE(txStart + 2);
      if (version >= 3 && type !== 0) {
        const payloadLength = varint('special transaction payload length');
        if (payloadLength > MAX_TX_EXTRA_PAYLOAD) throw corrupt('special transaction payload length');
        need(payloadLength, 'special transaction payload');
        pos += payloadLength;
      }
    }
    // BIP-144: the txid commits to version | inputs | outputs | locktime, without marker, flag and witnesses.
    let hash: BinaryHash;
    if (segwit) {
      const length = bodyEnd - bodyStart + 8;
      if (stripped.length < length) stripped = Buffer.allocUnsafe(Math.max(length, stripped.length * 2));
      buf.copy(stripped, 0, txStart, txStart + 4);
      buf.copy(stripped, 4, bodyStart, bodyEnd);
      buf.copy(stripped, length - 4, pos - 4, pos);
      hash = hash256Binary(stripped.subarray(0, length));
    } else {
      hash = hash256Binary(buf.subarray(txStart, pos));
    }
    hashes[t] = hash;
    txs[t] = new ScannedTx(hash, coinbase, ins, outs);
  }
  if (hogEx) {
    // The block's MWEB extension: an optional-pointer byte (1 = present), then mw::Block.
    need(1, 'MWEB extension block');
    if (buf[pos] !== 0x01) throw corrupt('MWEB extension block marker');
    pos = readMwebBlock(buf, pos + 1, where);
  }
  if (rules.blockSignature === true) {
    const signatureLength = varint('block signature length');
    if (signatureLength > MAX_BLOCK_SIGNATURE) throw corrupt('block signature length');
    need(signatureLength, 'block signature');
    pos += signatureLength;
  }
  if (pos !== end) throw new RetryableError('BTC_BLOCK_CORRUPT', `${where} has ${end - pos} unexpected bytes after its transactions`);
  return { txs, hashes };
}

const HEX_CHARS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function isZero(buf: Buffer, at: number): boolean {
  for (let i = at; i < at + 32; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Display txids are needed only for the few transactions that match, so they are
 * hexed on first use. A class (one shape, getter on the prototype) rather than an
 * object literal with a getter closure per transaction, which would allocate
 * thousands of closures per block and give every object its own hidden class.
 */
class ScannedTx implements BitcoinTx {
  declare private readonly hash: BinaryHash;
  declare readonly coinbase: boolean;
  declare readonly ins: readonly BitcoinTxInput[];
  declare readonly outs: readonly BitcoinTxOutput[];
  declare private displayTxid: string | undefined;
  constructor(hash: BinaryHash, coinbase: boolean, ins: readonly BitcoinTxInput[], outs: readonly BitcoinTxOutput[]) {
    this.hash = hash;
    this.coinbase = coinbase;
    this.ins = ins;
    this.outs = outs;
    this.displayTxid = undefined;
  }

  get txid(): string {
    return (this.displayTxid ??= displayHexOf(this.hash));
  }
}

/**
 * An input as scanned: the outpoint key (every input's is looked up), and the scriptSig and witness
 * as offsets into the block, cut out only when a matched transaction's payer is named (a view per
 * script and witness item for every input of a block was most of the scan's garbage).
 */
class ScannedInput implements BitcoinTxInput {
  // Plain constructor assignments, not class fields: with define semantics (ES2022) every field is an
  // extra defineProperty per object, which for thousands of inputs a block cost more than it saved.
  declare readonly outpoint: string;
  declare private readonly block: Buffer;
  declare private readonly scriptStart: number;
  declare private readonly scriptEnd: number;
  /** Offset of this input's witness stack in the block (checked by the scan), -1 without one. */
  declare witnessAt: number;
  constructor(outpoint: string, block: Buffer, scriptStart: number, scriptEnd: number) {
    this.outpoint = outpoint;
    this.block = block;
    this.scriptStart = scriptStart;
    this.scriptEnd = scriptEnd;
    this.witnessAt = -1;
  }

  get script(): Uint8Array {
    return this.block.subarray(this.scriptStart, this.scriptEnd);
  }

  get witness(): readonly Uint8Array[] | undefined {
    if (this.witnessAt < 0) return undefined;
    // The scan checked these bytes: the reader's bounds checks cannot fire.
    const reader = new ByteReader(this.block, this.witnessAt, 'witness');
    const items = new Array<Uint8Array>(reader.compactSize('witness item count'));
    for (let w = 0; w < items.length; w++) items[w] = reader.bytes(reader.compactSize('witness item length'), 'witness item');
    return items;
  }
}

/**
 * An output as scanned: its script's place in the block (matching looks it up by bytes,
 * WatchlistIndex.lookupHex), hexed and its value read only when asked (matched outputs and the
 * outputs of matched transactions), instead of a string and a bigint for every output of a block.
 */
class ScannedOutput implements BitcoinTxOutput {
  declare readonly block: Buffer;
  declare private readonly valueAt: number;
  declare readonly scriptStart: number;
  declare readonly scriptEnd: number;
  declare private hex: string | undefined;
  declare private satoshis: bigint | undefined;
  constructor(block: Buffer, valueAt: number, scriptStart: number, scriptEnd: number) {
    this.block = block;
    this.valueAt = valueAt;
    this.scriptStart = scriptStart;
    this.scriptEnd = scriptEnd;
    this.hex = undefined;
    this.satoshis = undefined;
  }

  get scriptHex(): string {
    return (this.hex ??= this.block.toString('hex', this.scriptStart, this.scriptEnd));
  }

  get value(): bigint {
    return (this.satoshis ??= this.block.readBigUInt64LE(this.valueAt));
  }
}
