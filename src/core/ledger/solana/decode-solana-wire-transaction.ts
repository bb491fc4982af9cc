import bs58 from 'bs58';

/** What chainwatch needs from a serialized transaction: its id and the accounts it names. */
export interface SolanaWireTransaction {
  /** The first signature in base58: the transaction id explorers show. */
  readonly signature: string;
  /** How many leading static account keys signed (fee payer first). */
  readonly requiredSignatures: number;
  /** The message's static account keys in base58, in message order. */
  readonly staticAccountKeys: readonly string[];
}

/**
 * Reads the signature and static account keys of a transaction serialized in
 * Solana's wire format (what `getBlock` with encoding `base64` returns),
 * legacy or versioned (v0): shortvec signature count, 64-byte signatures,
 * then the message: an optional version byte (high bit set), the 3-byte
 * header, shortvec key count and 32-byte keys. Instructions and address table
 * lookups after that are not read (meta.loadedAddresses lists the looked-up
 * accounts). Throws an Error naming what is malformed.
 */
export function decodeSolanaWireTransaction(bytes: Uint8Array): SolanaWireTransaction {
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > bytes.length) throw new Error(`transaction bytes end inside ${what}`);
  };
  const shortvec = (what: string): number => {
    // compact-u16: 7 bits per byte, at most 3 bytes.
    let value = 0;
    for (let i = 0; i < 3; i++) {
      need(1, what);
      const b = bytes[at++]!;
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    throw new Error(`${what} is not a valid compact-u16`);
  };
  const signatureCount = shortvec('the signature count');
  if (signatureCount === 0) throw new Error('transaction has no signature');
  need(64 * signatureCount, 'the signatures');
  const signature = bs58.encode(bytes.subarray(at, at + 64));
  at += 64 * signatureCount;
  need(1, 'the message header');
  if ((bytes[at]! & 0x80) !== 0) {
    const version = bytes[at]! & 0x7f;
    if (version !== 0) throw new Error(`unsupported transaction version ${version}`);
    at += 1;
  }
  need(3, 'the message header');
  const requiredSignatures = bytes[at]!;
  at += 3;
  const keyCount = shortvec('the account key count');
  need(32 * keyCount, 'the account keys');
  const staticAccountKeys: string[] = [];
  for (let i = 0; i < keyCount; i++) staticAccountKeys.push(bs58.encode(bytes.subarray(at + 32 * i, at + 32 * i + 32)));
  if (requiredSignatures === 0 || requiredSignatures > keyCount) throw new Error(`message header names ${requiredSignatures} signers for ${keyCount} accounts`);
  return { signature, requiredSignatures, staticAccountKeys };
}
