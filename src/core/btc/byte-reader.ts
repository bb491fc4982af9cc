import { RetryableError } from '../errors.js';

/**
 * A bounds-checked cursor over raw block bytes for the structures outside
 * Bitcoin's transaction layout (Dogecoin AuxPoW, Litecoin MWEB). Every read past
 * the end is a RetryableError BTC_BLOCK_CORRUPT naming what was being read.
 */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    private readonly where: string,
  ) {}

  corrupt(what: string): RetryableError {
    return new RetryableError('BTC_BLOCK_CORRUPT', `${this.where} is truncated or malformed (${what} at byte ${this.pos})`);
  }

  skip(bytes: number, what: string): void {
    if (bytes < 0 || this.pos + bytes > this.buf.length) throw this.corrupt(what);
    this.pos += bytes;
  }

  bytes(length: number, what: string): Buffer {
    const at = this.pos;
    this.skip(length, what);
    return this.buf.subarray(at, at + length);
  }

  u8(what: string): number {
    this.skip(1, what);
    return this.buf[this.pos - 1]!;
  }

  /** Bitcoin's CompactSize (the length prefix of vectors and scripts). */
  compactSize(what: string): number {
    const first = this.u8(what);
    if (first < 0xfd) return first;
    const width = first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
    const at = this.pos;
    this.skip(width, what);
    const v = width === 2 ? this.buf.readUInt16LE(at) : width === 4 ? this.buf.readUInt32LE(at) : Number(this.buf.readBigUInt64LE(at));
    if (v > this.buf.length) throw this.corrupt(what);
    return v;
  }

  /** A CompactSize-prefixed byte vector. */
  vector(what: string): Buffer {
    return this.bytes(this.compactSize(what), what);
  }

  /**
   * Bitcoin Core's VARINT (serialize.h WriteVarInt: base-128, most significant
   * group first, each continuation adding one), used by the MWEB structures.
   */
  varInt(what: string): bigint {
    let n = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8(what);
      n = (n << 7n) | BigInt(b & 0x7f);
      if ((b & 0x80) === 0) return n;
      n += 1n;
    }
    throw this.corrupt(what);
  }
}
