/** A CashTokens token prefix read from an output's script field. */
export interface TokenPrefix {
  /** Token category id, display (byte-reversed) hex like txids. */
  readonly category: string;
  /** Fungible amount (0n when the output carries none). */
  readonly amount: bigint;
  /** NFT capability when the output carries an NFT: none, mutable, minting. */
  readonly nft: 'none' | 'mutable' | 'minting' | undefined;
  readonly commitment: string | undefined;
  /** Offset where the locking bytecode starts. */
  readonly end: number;
}

const CAPABILITIES = ['none', 'mutable', 'minting'] as const;

/**
 * Reads a Bitcoin Cash CashTokens prefix (CHIP-2022-02 "Token Prefix"): the byte
 * 0xef, the 32-byte category id, a bitfield (0x80 reserved, 0x40 has commitment
 * length, 0x20 has NFT, 0x10 has amount; low nibble the NFT capability 0..2), the
 * commitment (CompactSize length >= 1, then bytes; its upper limit, 40 bytes in
 * 2023 and 128 since the 2026 upgrade, is a validation rule, not the encoding, so
 * it is not checked here) and the amount (CompactSize, 1..2^63-1), both minimally
 * encoded, each only when flagged. `end` bounds the
 * script field. Returns the reason as a string when the prefix is invalid
 * (consensus rejects such an output, so a block holding one is corrupt).
 */
export function readTokenPrefix(buf: Uint8Array, start: number, end: number): TokenPrefix | string {
  if (buf[start] !== 0xef) return 'does not start with PREFIX_TOKEN (0xef)';
  if (end - start < 34) return 'too short';
  let p = start + 33;
  const bits = buf[p++]!;
  const hasCommitment = (bits & 0x40) !== 0;
  const hasNft = (bits & 0x20) !== 0;
  const hasAmount = (bits & 0x10) !== 0;
  const capability = bits & 0x0f;
  if ((bits & 0x80) !== 0) return 'reserved bit set';
  if (!hasNft && !hasAmount) return 'encodes no token';
  if (!hasNft && (capability !== 0 || hasCommitment)) return 'NFT fields without an NFT';
  if (capability > 2) return 'unknown NFT capability';
  const compact = (what: string): bigint | string => {
    if (p >= end) return `${what} missing`;
    const first = buf[p]!;
    const width = first < 0xfd ? 0 : first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
    if (p + 1 + width > end) return `${what} truncated`;
    let v = 0n;
    if (width === 0) v = BigInt(first);
    else for (let i = width; i >= 1; i--) v = (v << 8n) | BigInt(buf[p + i]!);
    const min = width === 0 ? 0n : width === 2 ? 0xfdn : width === 4 ? 0x10000n : 0x100000000n;
    if (v < min) return `${what} not minimally encoded`;
    p += 1 + width;
    return v;
  };
  let commitment: string | undefined;
  if (hasCommitment) {
    const length = compact('commitment length');
    if (typeof length === 'string') return length;
    if (length < 1n) return 'empty commitment';
    if (p + Number(length) > end) return 'commitment truncated';
    commitment = Buffer.from(buf.subarray(p, p + Number(length))).toString('hex');
    p += Number(length);
  }
  let amount = 0n;
  if (hasAmount) {
    const a = compact('amount');
    if (typeof a === 'string') return a;
    if (a < 1n || a > 0x7fffffffffffffffn) return 'amount out of range';
    amount = a;
  }
  const category = Buffer.from(buf.subarray(start + 1, start + 33)).reverse().toString('hex');
  return { category, amount, nft: hasNft ? CAPABILITIES[capability] : undefined, commitment, end: p };
}
