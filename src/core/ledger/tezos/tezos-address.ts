import { createHash } from 'node:crypto';
import { AddressError } from '../../address/address-error.js';
import { decodeBase58, encodeBase58 } from '../../address/base58.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * Base58Check prefixes of Tezos account addresses (Octez `base58.ml`): the
 * implicit accounts by signature scheme and originated contracts. Each
 * encodes a 20-byte hash.
 */
const PREFIXES = {
  tz1: [6, 161, 159],
  tz2: [6, 161, 161],
  tz3: [6, 161, 164],
  tz4: [6, 161, 166],
  KT1: [2, 90, 121],
} as const;
type TezosPrefix = keyof typeof PREFIXES;
/** Tags of the 22-byte binary `contract_id`/`public_key_hash` encoding Michelson `bytes` addresses use. */
const IMPLICIT_TAGS: readonly TezosPrefix[] = ['tz1', 'tz2', 'tz3', 'tz4'];

function checksum(bytes: Uint8Array): Buffer {
  const once = createHash('sha256').update(bytes).digest();
  return createHash('sha256').update(once).digest().subarray(0, 4);
}

/**
 * A Tezos account address (tz1/tz2/tz3/tz4 implicit, KT1 originated) checked
 * with its Base58Check checksum and prefix. Match key: the prefix name and
 * the 20-byte hash in lowercase hex (`tz1:…`), so one account has one key.
 */
export function normalizeTezosAddress(input: string): LedgerAddress {
  const text = input.trim();
  const prefix = text.slice(0, 3) as TezosPrefix;
  const expected = PREFIXES[prefix];
  if (expected === undefined || text.length !== 36) throw new AddressError('invalid_ledger_address', 'not a Tezos address: expected 36 characters starting with tz1, tz2, tz3, tz4 or KT1');
  const bytes = decodeBase58(text);
  if (bytes === undefined || bytes.length !== 27) throw new AddressError('invalid_ledger_address', 'not a Tezos address: not Base58Check of a 20-byte hash');
  const body = bytes.subarray(0, 23);
  if (!Buffer.from(checksum(body)).equals(Buffer.from(bytes.subarray(23)))) throw new AddressError('invalid_ledger_address', 'not a Tezos address: bad Base58Check checksum');
  if (!expected.every((b, i) => bytes[i] === b)) throw new AddressError('invalid_ledger_address', 'not a Tezos address: wrong prefix bytes');
  return { matchKey: `${prefix}:${Buffer.from(bytes.subarray(3, 23)).toString('hex')}`, display: text };
}

/** Base58Check text of a prefix + 20-byte hash. */
export function encodeTezosAddress(prefix: TezosPrefix, hash: Uint8Array): string {
  const body = Uint8Array.from([...PREFIXES[prefix], ...hash]);
  return encodeBase58(Uint8Array.from([...body, ...checksum(body)]));
}

/**
 * The 22-byte binary form Michelson `bytes` use for an `address` (optimised
 * parameter encoding): tag 0x00 + curve tag + 20 bytes for implicit accounts,
 * 0x01 + 20 bytes + 0x00 padding for KT1. An entrypoint suffix after the 22
 * bytes is ignored. undefined when the bytes are not an address.
 */
export function decodeTezosAddressBytes(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]{44,}$/.test(hex) || hex.length % 2 !== 0) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  if (bytes[0] === 0) {
    const prefix = IMPLICIT_TAGS[bytes[1]!];
    return prefix === undefined ? undefined : encodeTezosAddress(prefix, bytes.subarray(2, 22));
  }
  if (bytes[0] === 1 && bytes[21] === 0) return encodeTezosAddress('KT1', bytes.subarray(1, 21));
  return undefined;
}
