import { readFileSync } from 'node:fs';
import { address as btcAddress, networks, script } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/core/address/address-error.js';
import { normalizeBitcoinAddress, type BitcoinNetworkName } from '../../../src/core/address/normalize-bitcoin-address.js';
import { normalizeEvmAddress } from '../../../src/core/address/normalize-evm-address.js';

const RONIN = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';

function addressError(fn: () => unknown): AddressError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AddressError) return err;
    throw err;
  }
  throw new Error('expected an AddressError');
}

describe('normalizeEvmAddress (EIP-55)', () => {
  it('accepts all-lowercase and all-uppercase hex and returns the checksum for display', () => {
    expect(normalizeEvmAddress(RONIN.toLowerCase())).toEqual({ checksummed: RONIN, matchKey: RONIN.toLowerCase() });
    expect(normalizeEvmAddress(`0x${RONIN.slice(2).toUpperCase()}`)).toEqual({ checksummed: RONIN, matchKey: RONIN.toLowerCase() });
  });

  it('accepts a correct mixed-case checksum', () => {
    expect(normalizeEvmAddress(RONIN).checksummed).toBe(RONIN);
  });

  it('rejects a wrong checksum and names the correct one', () => {
    const err = addressError(() => normalizeEvmAddress('0x098b716B8Aaf21512996dC57EB0615e2383E2f96'));
    expect(err.code).toBe('bad_checksum');
    expect(err.expected).toBe(RONIN);
    expect(err.message).toBe(`bad EIP-55 checksum, expected ${RONIN}`);
  });

  it.each([
    ['0x098B716B8Aaf21512996', '40 hex digits'],
    ['098B716B8Aaf21512996dC57EB0615e2383E2f96', 'must start with 0x'],
    ['0x098B716B8Aaf21512996dC57EB0615e2383E2fZZ', 'non-hex'],
    ['', 'must start with 0x'],
  ])('rejects %j as not an address', (input, words) => {
    const err = addressError(() => normalizeEvmAddress(input));
    expect(err.code).toBe('invalid_evm_address');
    expect(err.message).toContain(words);
  });
});

interface StandardVector {
  network: string;
  base58check?: string;
  bech32?: string;
  script: string;
}
const vectors = JSON.parse(readFileSync('test/fixtures/config/vectors/bitcoinjs-address.json', 'utf8')) as {
  standard: StandardVector[];
  invalid: { toOutputScript: { address: string; exception: string; network?: unknown }[] };
};

const ourNetwork: Record<string, BitcoinNetworkName | undefined> = { bitcoin: 'mainnet', testnet: 'testnet', regtest: 'regtest' };

describe('normalizeBitcoinAddress (bitcoinjs-lib vectors)', () => {
  const supported = vectors.standard.filter((v) => {
    const addr = v.base58check ?? v.bech32 ?? '';
    // Witness versions 2..16 are valid but not spendable standard outputs today; we reject them on purpose.
    return ourNetwork[v.network] !== undefined && !/^(bc1[zs]|BC1S)/i.test(addr);
  });

  it('covers every script type', () => {
    const types = new Set(supported.map((v) => normalizeBitcoinAddress(v.base58check ?? v.bech32!, ourNetwork[v.network]!).scriptType));
    expect([...types].sort()).toEqual(['p2pkh', 'p2sh', 'p2tr', 'p2wpkh', 'p2wsh']);
  });

  it.each(supported.map((v) => [v.base58check ?? v.bech32!, v] as const))('%s gives the vector scriptPubKey', (addr, v) => {
    const network = ourNetwork[v.network]!;
    const out = normalizeBitcoinAddress(addr, network);
    expect(out.matchKey).toBe(Buffer.from(script.fromASM(v.script)).toString('hex'));
    expect(out.display).toBe(v.bech32 === undefined ? addr : addr.toLowerCase());
  });

  it('names the network a testnet address belongs to when the chain is mainnet', () => {
    const err = addressError(() => normalizeBitcoinAddress('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', 'mainnet'));
    expect(err.code).toBe('wrong_network');
    expect(err.message).toContain('testnet');
    const bech = addressError(() => normalizeBitcoinAddress('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'mainnet'));
    expect(bech.code).toBe('wrong_network');
    expect(bech.actualNetwork).toBe('testnet/signet');
  });

  it('names mainnet when a mainnet address is used on regtest', () => {
    const err = addressError(() => normalizeBitcoinAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'regtest'));
    expect(err.code).toBe('wrong_network');
    expect(err.message).toContain('mainnet');
  });

  it('accepts a testnet address on signet (same prefixes)', () => {
    expect(normalizeBitcoinAddress('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', 'signet').scriptType).toBe('p2pkh');
  });

  it.each(vectors.invalid.toOutputScript.filter((v) => v.network === undefined).map((v) => [v.address] as const))('rejects invalid vector %s', (addr) => {
    const err = addressError(() => normalizeBitcoinAddress(addr, 'mainnet'));
    expect(['invalid_bitcoin_address', 'wrong_network']).toContain(err.code);
  });

  it('rejects a litecoin address as another coin, and a corrupted checksum', () => {
    expect(addressError(() => normalizeBitcoinAddress('LUxXFcwXFPpRZdMv4aYu6bDwPdC2skQ5YW', 'mainnet')).code).toBe('invalid_bitcoin_address');
    expect(addressError(() => normalizeBitcoinAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ', 'mainnet')).message).toContain('base58');
    expect(addressError(() => normalizeBitcoinAddress('bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk85', 'mainnet')).message).toContain('bech32');
  });

  it('matches the scriptPubKey bitcoinjs derives, so outputs paying the address match', () => {
    const addr = 'bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84';
    const out = normalizeBitcoinAddress(addr.toUpperCase(), 'mainnet');
    expect(out.display).toBe(addr);
    expect(btcAddress.fromOutputScript(Buffer.from(out.matchKey, 'hex'), networks.bitcoin)).toBe(addr);
  });
});
