import { blake2b } from '@noble/hashes/blake2.js';

/** Where the fields of a parsed v5 transaction sit in the block's bytes (scanZcashTransactions). */
export interface Zip244Parts {
  readonly buf: Buffer;
  /** The 4-byte header (version with the fOverwintered bit), version group id and consensus branch id. */
  readonly header: number;
  readonly groupId: number;
  readonly branchId: number;
  /** Offset of nLockTime; nExpiryHeight follows it. */
  readonly lockTimeAt: number;
  readonly transparent: {
    readonly outpointAt: readonly number[];
    readonly sequenceAt: readonly number[];
    readonly outputsStart: number;
    readonly outputsEnd: number;
  };
  readonly sapling: {
    readonly spends: number;
    readonly spendsAt: number;
    readonly outputs: number;
    readonly outputsAt: number;
    /** -1 when the bundle is empty (the field is absent). */
    readonly valueBalanceAt: number;
    /** -1 without spends. */
    readonly anchorAt: number;
  };
  readonly orchard: {
    readonly actions: number;
    readonly actionsAt: number;
    /** Offset of flagsOrchard (then valueBalanceOrchard and anchorOrchard); -1 without actions. */
    readonly fieldsAt: number;
  };
}

type Hasher = ReturnType<typeof blake2b.create>;
const ASCII = new TextEncoder();

function hasher(personalization: string | Uint8Array): Hasher {
  return blake2b.create({ dkLen: 32, personalization: typeof personalization === 'string' ? ASCII.encode(personalization) : personalization });
}

const EMPTY_DIGESTS = new Map<string, Uint8Array>();
/**
 * The digest of an empty bundle (no transparent part, no Sapling, no Orchard...) depends only on its
 * personalisation: computed once. Pure JS BLAKE2b costs far more than native hashing, and most v5
 * transactions leave two of the three bundles empty.
 */
function emptyDigest(personalization: string): Uint8Array {
  let d = EMPTY_DIGESTS.get(personalization);
  if (d === undefined) {
    d = hasher(personalization).digest();
    EMPTY_DIGESTS.set(personalization, d);
  }
  return d;
}

function digestOf(personalization: string, ...parts: Uint8Array[]): Uint8Array {
  const h = hasher(personalization);
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * The txid of a v5 (NU5) transaction: ZIP-244's tree of BLAKE2b-256 digests,
 * each with its own 16-byte personalisation, over the effecting data only
 * (signatures and proofs are committed by the block's auth data root, not the
 * txid). Returned in internal byte order, like hash256's txids, so it feeds
 * the merkle tree unchanged.
 *
 * txid = BLAKE2b-256("ZcashTxHash_" || branch id, header || transparent || sapling || orchard), where
 * - header: version, group id, branch id, locktime, expiry height;
 * - transparent (empty when there are no inputs and no outputs): prevouts, sequences, outputs digests;
 * - sapling (empty without spends and outputs): spends (compact nullifiers, then cv/anchor/rk),
 *   outputs (compact cmu/epk/first 52 ciphertext bytes, memos, the rest), valueBalance;
 * - orchard (empty without actions): compact, memo and non-compact action digests, flags, value balance, anchor.
 */
export function zip244Txid(p: Zip244Parts): Buffer {
  const { buf } = p;
  const slice = (at: number, length: number): Buffer => buf.subarray(at, at + length);

  const header = digestOf('ZTxIdHeadersHash', u32(p.header), u32(p.groupId), u32(p.branchId), slice(p.lockTimeAt, 8));

  const t = p.transparent;
  let transparentDigest = emptyDigest('ZTxIdTranspaHash');
  if (t.outpointAt.length > 0 || t.outputsEnd > t.outputsStart) {
    const transparent = hasher('ZTxIdTranspaHash');
    const prevouts = hasher('ZTxIdPrevoutHash');
    for (const at of t.outpointAt) prevouts.update(slice(at, 36));
    const sequences = hasher('ZTxIdSequencHash');
    for (const at of t.sequenceAt) sequences.update(slice(at, 4));
    transparent.update(prevouts.digest());
    transparent.update(sequences.digest());
    transparent.update(digestOf('ZTxIdOutputsHash', buf.subarray(t.outputsStart, t.outputsEnd)));
    transparentDigest = transparent.digest();
  }

  const s = p.sapling;
  let saplingDigest = emptyDigest('ZTxIdSaplingHash');
  if (s.spends + s.outputs > 0) {
    const sapling = hasher('ZTxIdSaplingHash');
    let spendsDigest = emptyDigest('ZTxIdSSpendsHash');
    if (s.spends > 0) {
      const spends = hasher('ZTxIdSSpendsHash');
      const compact = hasher('ZTxIdSSpendCHash');
      const noncompact = hasher('ZTxIdSSpendNHash');
      const anchor = slice(s.anchorAt, 32);
      for (let i = 0; i < s.spends; i++) {
        const at = s.spendsAt + i * 96; // cv, nullifier, rk
        compact.update(slice(at + 32, 32));
        noncompact.update(slice(at, 32));
        noncompact.update(anchor);
        noncompact.update(slice(at + 64, 32));
      }
      spends.update(compact.digest());
      spends.update(noncompact.digest());
      spendsDigest = spends.digest();
    }
    let outputsDigest = emptyDigest('ZTxIdSOutputHash');
    if (s.outputs > 0) {
      const outputs = hasher('ZTxIdSOutputHash');
      const compact = hasher('ZTxIdSOutC__Hash');
      const memos = hasher('ZTxIdSOutM__Hash');
      const noncompact = hasher('ZTxIdSOutN__Hash');
      for (let i = 0; i < s.outputs; i++) {
        const at = s.outputsAt + i * 756; // cv, cmu, ephemeralKey, encCiphertext(580), outCiphertext(80)
        const enc = at + 96;
        compact.update(slice(at + 32, 64));
        compact.update(slice(enc, 52));
        memos.update(slice(enc + 52, 512));
        noncompact.update(slice(at, 32));
        noncompact.update(slice(enc + 564, 16));
        noncompact.update(slice(enc + 580, 80));
      }
      outputs.update(compact.digest());
      outputs.update(memos.digest());
      outputs.update(noncompact.digest());
      outputsDigest = outputs.digest();
    }
    sapling.update(spendsDigest);
    sapling.update(outputsDigest);
    sapling.update(slice(s.valueBalanceAt, 8));
    saplingDigest = sapling.digest();
  }

  const o = p.orchard;
  let orchardDigest = emptyDigest('ZTxIdOrchardHash');
  if (o.actions > 0) {
    const orchard = hasher('ZTxIdOrchardHash');
    const compact = hasher('ZTxIdOrcActCHash');
    const memos = hasher('ZTxIdOrcActMHash');
    const noncompact = hasher('ZTxIdOrcActNHash');
    for (let i = 0; i < o.actions; i++) {
      const at = o.actionsAt + i * 820; // cv, nullifier, rk, cmx, ephemeralKey, encCiphertext(580), outCiphertext(80)
      const enc = at + 160;
      compact.update(slice(at + 32, 32));
      compact.update(slice(at + 96, 64));
      compact.update(slice(enc, 52));
      memos.update(slice(enc + 52, 512));
      noncompact.update(slice(at, 32));
      noncompact.update(slice(at + 64, 32));
      noncompact.update(slice(enc + 564, 16));
      noncompact.update(slice(enc + 580, 80));
    }
    orchard.update(compact.digest());
    orchard.update(memos.digest());
    orchard.update(noncompact.digest());
    orchard.update(slice(o.fieldsAt, 1 + 8 + 32)); // flags, value balance, anchor
    orchardDigest = orchard.digest();
  }

  const personalization = new Uint8Array(16);
  personalization.set(ASCII.encode('ZcashTxHash_'));
  personalization.set(u32(p.branchId), 12);
  const txid = hasher(personalization);
  txid.update(header);
  txid.update(transparentDigest);
  txid.update(saplingDigest);
  txid.update(orchardDigest);
  return Buffer.from(txid.digest());
}

function u32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
