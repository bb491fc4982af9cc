import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/core/address/address-error.js';
import { encodeTronAddress, normalizeTronAddress, tronMatchKey } from '../../../src/core/address/normalize-tron-address.js';

describe('normalizeTronAddress', () => {
  it('accepts the USDT contract address and keys it by its 21 bytes', () => {
    expect(normalizeTronAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')).toEqual({ matchKey: '41a614f803b6fd780986a42c78ec9c7f77e6ded13c', display: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' });
  });

  it('round-trips every Tron address of the shipped lists (OFAC and incidents) through hex', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const addresses = readdirSync('config/watchlists').flatMap((name) => {
      const file = parse(readFileSync(`config/watchlists/${name}`, 'utf8')) as { entries: { chain: string; address: string }[] };
      return file.entries.filter((e) => e.chain === 'tron').map((e) => e.address);
    });
    expect(addresses.length).toBeGreaterThanOrEqual(43);
    for (const a of addresses) expect(encodeTronAddress(normalizeTronAddress(a).matchKey)).toBe(a);
  });

  it.each([
    ['one character changed (checksum)', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', /checksum/],
    ['too short', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6', /33 base58/],
    ['not base58 (0)', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60', /33 base58/],
    ['an EVM address', '0xa614f803b6fd780986a42c78ec9c7f77e6ded13c', /expected T/],
    ['a Bitcoin address', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', /expected T/],
  ])('rejects %s', (_what, raw, message) => {
    let error: unknown;
    try {
      normalizeTronAddress(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AddressError);
    expect((error as AddressError).code).toBe('invalid_tron_address');
    expect((error as AddressError).message).toMatch(message);
  });

  it('reads hex with and without the 41 prefix, and nothing else', () => {
    expect(tronMatchKey('A614F803B6FD780986A42C78EC9C7F77E6DED13C')).toBe('41a614f803b6fd780986a42c78ec9c7f77e6ded13c');
    expect(tronMatchKey('41a614f803b6fd780986a42c78ec9c7f77e6ded13c')).toBe('41a614f803b6fd780986a42c78ec9c7f77e6ded13c');
    expect(tronMatchKey('42a614f803b6fd780986a42c78ec9c7f77e6ded13c')).toBeUndefined();
    expect(encodeTronAddress('xyz')).toBeUndefined();
  });
});
