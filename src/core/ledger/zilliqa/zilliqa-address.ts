import { createHash } from 'node:crypto';
import { bech32 } from 'bech32';
import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/**
 * Zilliqa accounts are 20 bytes, written as bech32 `zil1…` (BIP-173 checksum)
 * or as base16 (40 hex digits, optional 0x). Only single-case hex is accepted:
 * Zilliqa's mixed-case base16 checksum differs from EIP-55, and a bech32 form
 * is what wallets and explorers show. Match key: lowercase hex with 0x (the
 * same 20 bytes the node and Zilliqa 2.0's EVM API use); display: zil1.
 */
export function normalizeZilliqaAddress(input: string): LedgerAddress {
  const text = input.trim();
  if (/^zil1/i.test(text)) {
    let words: number[];
    try {
      const decoded = bech32.decode(text);
      if (decoded.prefix !== 'zil') throw new Error('prefix');
      words = decoded.words;
    } catch (err) {
      throw new AddressError('invalid_ledger_address', 'not a Zilliqa address: bad bech32 zil1 checksum or characters', { cause: err });
    }
    const bytes = bech32.fromWordsUnsafe(words);
    if (bytes === undefined || bytes.length !== 20) throw new AddressError('invalid_ledger_address', 'not a Zilliqa address: a zil1 address holds 20 bytes');
    const hex = Buffer.from(bytes).toString('hex');
    return { matchKey: `0x${hex}`, display: bech32.encode('zil', bech32.toWords(Buffer.from(hex, 'hex'))) };
  }
  const body = text.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{40}$/.test(body)) throw new AddressError('invalid_ledger_address', 'not a Zilliqa address: expected zil1… (bech32) or 40 hex digits');
  if (body !== body.toLowerCase() && body !== body.toUpperCase()) throw new AddressError('invalid_ledger_address', 'not a Zilliqa address: mixed-case base16 is not accepted, write it in zil1 form or in one case');
  return zilliqaParty(body.toLowerCase());
}

/** The party of 20 bytes given as 40 lowercase hex digits (no 0x). */
export function zilliqaParty(hex40: string): LedgerAddress {
  return { matchKey: `0x${hex40}`, display: bech32.encode('zil', bech32.toWords(Buffer.from(hex40, 'hex'))) };
}

/** Zilliqa derives an account from its public key: the last 20 bytes of SHA-256 of the compressed key. */
export function zilliqaAddressOfPublicKey(publicKeyHex: string): string | undefined {
  const body = publicKeyHex.replace(/^0x/i, '');
  if (!/^0[23][0-9a-fA-F]{64}$/.test(body)) return undefined;
  return createHash('sha256').update(Buffer.from(body, 'hex')).digest('hex').slice(24);
}
