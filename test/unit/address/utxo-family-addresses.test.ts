import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/core/address/address-error.js';
import { decodeCashAddr, encodeCashAddr, type CashAddrType } from '../../../src/core/address/cash-addr.js';
import { normalizeUtxoAddress } from '../../../src/core/address/normalize-utxo-address.js';
import { buildBitcoinAddress } from '../../../src/core/btc/build-bitcoin-address.js';
import { readTokenPrefix } from '../../../src/core/btc/read-token-prefix.js';
import { utxoNetwork } from '../../../src/core/btc/utxo-chain.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/bitcoin-cash/${name}`, import.meta.url));
const json = <T>(name: string): T => JSON.parse(readFileSync(fixture(name), 'utf8')) as T;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AddressError) return err.code;
    throw err;
  }
  return undefined;
}

describe('CashAddr (bitcoin-verde test vectors)', () => {
  const vectors = json<{ payloadSize: number; type: number; cashaddr: string; payload: string }[]>('cashaddr.json');

  it.each(vectors.filter((v) => v.type <= 3))('$cashaddr decodes to its payload and encodes back', (v) => {
    const prefix = v.cashaddr.split(':')[0]!;
    const decoded = decodeCashAddr(v.cashaddr, 'bitcoincash');
    expect(decoded).toBeDefined();
    expect(decoded!.type).toBe(v.type);
    expect(Buffer.from(decoded!.hash).toString('hex')).toBe(v.payload.toLowerCase());
    expect(encodeCashAddr(prefix, v.type as CashAddrType, decoded!.hash)).toBe(v.cashaddr);
    // Upper case is the same address; one changed character is not.
    expect(decodeCashAddr(v.cashaddr.toUpperCase(), 'bitcoincash')).toEqual(decoded);
    const body = v.cashaddr.slice(prefix.length + 1);
    const flipped = `${prefix}:${body.slice(0, 5)}${body[5] === 'q' ? 'p' : 'q'}${body.slice(6)}`;
    expect(decodeCashAddr(flipped, 'bitcoincash')).toBeUndefined();
  });

  it('refuses unknown address types (15) rather than guessing a script', () => {
    for (const v of vectors.filter((x) => x.type > 3)) expect(decodeCashAddr(v.cashaddr, 'bitcoincash')).toBeUndefined();
  });
});

describe('CashTokens token prefix (bitcoin-verde test vectors)', () => {
  const valid = json<{ prefix: string; data: { amount?: string; category: string; nft?: { capability: string; commitment: string } } }[]>('token-prefix-valid.json');
  const invalid = json<{ prefix: string; error: string }[]>('token-prefix-invalid.json');

  it.each(valid)('reads valid prefix $prefix', ({ prefix, data }) => {
    const bytes = Buffer.from(prefix, 'hex');
    const token = readTokenPrefix(bytes, 0, bytes.length);
    if (typeof token === 'string') throw new Error(token);
    expect(token.end).toBe(bytes.length);
    expect(token.category).toBe(data.category);
    expect(token.amount).toBe(BigInt(data.amount ?? '0'));
    expect(token.nft).toBe(data.nft?.capability);
    if (data.nft) expect(token.commitment ?? '').toBe(data.nft.commitment);
  });

  it.each(invalid)('rejects invalid prefix $prefix ($error)', ({ prefix }) => {
    const bytes = Buffer.from(prefix, 'hex');
    expect(typeof readTokenPrefix(bytes, 0, bytes.length)).toBe('string');
  });
});

describe('normalizeUtxoAddress', () => {
  it('Litecoin: L…, M…, old 3… P2SH and ltc1 bech32 give their scripts; display as written (bech32 lowercased)', () => {
    // LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb: OFAC SDN (config/watchlists/ofac-sdn-litecoin.yaml).
    const l = normalizeUtxoAddress('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb', 'litecoin', 'mainnet');
    expect(l.scriptType).toBe('p2pkh');
    expect(l.matchKey).toMatch(/^76a914[0-9a-f]{40}88ac$/);
    expect(buildBitcoinAddress(l.matchKey, utxoNetwork('litecoin', 'mainnet'))).toBe('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb');
    const m = normalizeUtxoAddress('M8yFL6SFC6TreATegTyuSYkDfDRbisdpT3', 'litecoin', 'mainnet');
    expect(m.scriptType).toBe('p2sh');
    // ltc1 bech32 of the same 20-byte hash as the L… address (BIP-173 with HRP "ltc").
    const hash = l.matchKey.slice(6, 46);
    const bech = buildBitcoinAddress(`0014${hash}`, utxoNetwork('litecoin', 'mainnet'))!;
    expect(bech).toMatch(/^ltc1q/);
    expect(normalizeUtxoAddress(bech.toUpperCase(), 'litecoin', 'mainnet')).toEqual({ display: bech, scriptType: 'p2wpkh', matchKey: `0014${hash}` });
    // Old-style 3… P2SH: same script as the M… form of the same hash.
    expect(normalizeUtxoAddress('3P14159f73E4gFr7JterCCQh9QjiTjiZrG', 'litecoin', 'mainnet').matchKey).toBe(normalizeUtxoAddress('3P14159f73E4gFr7JterCCQh9QjiTjiZrG', 'bitcoin', 'mainnet').matchKey);
  });

  it('Litecoin: refuses Bitcoin bech32, Dogecoin and testnet addresses, and MWEB stealth addresses, with what they are', () => {
    expect(() => normalizeUtxoAddress('bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84', 'litecoin', 'mainnet')).toThrow(/bitcoin mainnet address/);
    expect(() => normalizeUtxoAddress('DGAipZhEbf9r65QdB7WPwzdBKDpefVwwsZ', 'litecoin', 'mainnet')).toThrow(/dogecoin/);
    expect(codeOf(() => normalizeUtxoAddress('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb', 'litecoin', 'testnet'))).toBe('wrong_network');
    expect(() => normalizeUtxoAddress('ltcmweb1qq0yq03ewm830ugmkkvrvjmyyeslcpwk8ayd7k27qx63sryy6kx3ksqm3k6jd24ld3r5dp5lzx7rm7uyxfujf8sn7v4nlxeqwrcq6k6xxwqdc6tl3', 'litecoin', 'mainnet')).toThrow(/MWEB/);
    expect(codeOf(() => normalizeUtxoAddress('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfc', 'litecoin', 'mainnet'))).toBe('invalid_bitcoin_address');
  });

  it('Dogecoin: D… P2PKH and A…/9… P2SH; no bech32', () => {
    // DGAipZhEbf9r65QdB7WPwzdBKDpefVwwsZ: CoinEx 2023 (config/watchlists/incident-coinex-2023-other-chains.yaml).
    const d = normalizeUtxoAddress('DGAipZhEbf9r65QdB7WPwzdBKDpefVwwsZ', 'dogecoin', 'mainnet');
    expect(d.scriptType).toBe('p2pkh');
    const net = utxoNetwork('dogecoin', 'mainnet');
    expect(buildBitcoinAddress(d.matchKey, net)).toBe('DGAipZhEbf9r65QdB7WPwzdBKDpefVwwsZ');
    const p2sh = buildBitcoinAddress(`a914${d.matchKey.slice(6, 46)}87`, net)!;
    expect(p2sh).toMatch(/^[A9]/);
    expect(normalizeUtxoAddress(p2sh, 'dogecoin', 'mainnet').scriptType).toBe('p2sh');
    expect(buildBitcoinAddress(`0014${d.matchKey.slice(6, 46)}`, net)).toBeNull();
    expect(() => normalizeUtxoAddress('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb', 'dogecoin', 'mainnet')).toThrow(/litecoin/);
  });

  it('Bitcoin SV: Bitcoin\'s base58 forms, no segwit', () => {
    // 12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9: OFAC SDN BSV list (config/watchlists/ofac-sdn-bitcoin-sv.yaml).
    const a = normalizeUtxoAddress('12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9', 'bitcoin-sv', 'mainnet');
    expect(a).toEqual({ display: '12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9', scriptType: 'p2pkh', matchKey: normalizeUtxoAddress('12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9', 'bitcoin', 'mainnet').matchKey });
    expect(() => normalizeUtxoAddress('bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84', 'bitcoin-sv', 'mainnet')).toThrow(/bitcoin mainnet address/);
    expect(buildBitcoinAddress(`0014${a.matchKey.slice(6, 46)}`, utxoNetwork('bitcoin-sv', 'mainnet'))).toBeNull();
  });

  it('Bitcoin Cash: CashAddr with or without prefix, and legacy 1…/3…, all shown as bitcoincash: CashAddr', () => {
    // Same key in both forms: 18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB (OFAC SDN BCH list) and its CashAddr.
    const legacy = normalizeUtxoAddress('18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB', 'bitcoin-cash', 'mainnet');
    expect(legacy.display).toMatch(/^bitcoincash:q[02-9ac-hj-np-z]{41}$/);
    expect(normalizeUtxoAddress(legacy.display, 'bitcoin-cash', 'mainnet')).toEqual(legacy);
    expect(normalizeUtxoAddress(legacy.display.slice('bitcoincash:'.length), 'bitcoin-cash', 'mainnet')).toEqual(legacy);
    expect(normalizeUtxoAddress(legacy.display.toUpperCase(), 'bitcoin-cash', 'mainnet')).toEqual(legacy);
    expect(legacy.matchKey).toBe(normalizeUtxoAddress('18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB', 'bitcoin', 'mainnet').matchKey);
    // The spec's own example pair (cashaddr.md): 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu.
    expect(normalizeUtxoAddress('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoin-cash', 'mainnet').display).toBe('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a');
    expect(normalizeUtxoAddress('qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq', 'bitcoin-cash', 'mainnet').scriptType).toBe('p2pkh');
    expect(codeOf(() => normalizeUtxoAddress('bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvqcw003ap', 'bitcoin-cash', 'mainnet'))).toBe('wrong_network');
    expect(codeOf(() => normalizeUtxoAddress('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b', 'bitcoin-cash', 'mainnet'))).toBe('invalid_bitcoin_address');
    expect(buildBitcoinAddress(legacy.matchKey, utxoNetwork('bitcoin-cash', 'mainnet'))).toBe(legacy.display);
  });
});
