import { describe, expect, it } from 'vitest';
import { parseAddressCsv } from '../../../src/core/import/parse-address-csv.js';
import { validateImportAddress } from '../../../src/core/import/validate-import-address.js';

const opts = { chain: 'ethereum', incident: 'bybit-2025', source: 'https://www.ic3.gov/PSA/2025/PSA250226', tags: ['fbi'] };

describe('parseAddressCsv', () => {
  it('detects a header in any column order, checksums addresses and reports bad rows with their line', () => {
    const csv = [
      'label,address,tags',
      'Exploiter EOA,0x0fa09c3a328792253f8dee7116848723b72a6d2e,exploiter;dprk',
      '# a comment line',
      'typo,0x0fa09c3a328792253f8dee7116848723b72a6d2,',
      'bad checksum,0x0FA09C3a328792253f8dee7116848723b72a6d2E,',
      ',0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4,victim',
      'again,0x0FA09C3A328792253F8DEE7116848723B72A6D2E,',
    ].join('\n');
    const r = parseAddressCsv(csv, opts);
    expect(r.hasHeader).toBe(true);
    expect(r.candidates).toEqual([
      {
        chain: 'ethereum',
        address: '0x0fa09C3A328792253f8dee7116848723b72a6d2e',
        key: '0x0fa09c3a328792253f8dee7116848723b72a6d2e',
        label: 'Exploiter EOA',
        incident: 'bybit-2025',
        source: 'https://www.ic3.gov/PSA/2025/PSA250226',
        tags: ['fbi', 'exploiter', 'dprk'],
      },
    ]);
    expect(r.invalid).toEqual([
      { where: 'line 4', address: '0x0fa09c3a328792253f8dee7116848723b72a6d2', reason: 'not a 20-byte 0x address for ethereum' },
      { where: 'line 5', address: '0x0FA09C3a328792253f8dee7116848723b72a6d2E', reason: 'bad EIP-55 checksum (mixed-case address whose checksum does not match)' },
      { where: 'line 6', address: '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4', reason: 'no label in the row and no --label default' },
      { where: 'line 7', address: '0x0FA09C3A328792253F8DEE7116848723B72A6D2E', reason: 'duplicate of line 2' },
    ]);
  });

  it('reads headerless rows as address,label and applies the default label', () => {
    const r = parseAddressCsv('3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG\nbc1qaafa2geuc4jw0w2ukys65p3kqdpspfml74n9j9,Theft BTC\n', {
      chain: 'bitcoin',
      incident: 'htx-heco-2023',
      source: 'https://example.org/x',
      defaultLabel: 'DPRK-held BTC',
    });
    expect(r.hasHeader).toBe(false);
    expect(r.invalid).toEqual([]);
    expect(r.candidates.map((c) => [c.address, c.label])).toEqual([
      ['3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG', 'DPRK-held BTC'],
      ['bc1qaafa2geuc4jw0w2ukys65p3kqdpspfml74n9j9', 'Theft BTC'],
    ]);
  });
});

describe('validateImportAddress', () => {
  it.each([
    ['bitcoin', '13bKZmMtLoCu3o1oUiGsqyCz3yWsbaDkp8', true],
    ['bitcoin', 'BC1QAAFA2GEUC4JW0W2UKYS65P3KQDPSPFML74N9J9', true],
    ['bitcoin', '13bKZmMtLoCu3o1oUiGsqyCz3yWsbaDkp9', false], // base58check fails
    ['bitcoin', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', false], // testnet on mainnet
    ['tron', 'TPFUjxQzG88Vwynrpj2W61ZAkQ9W2QYgAQ', true],
    ['tron', 'TPFUjxQzG88Vwynrpj2W61ZAkQ9W2QYgAR', false],
    ['litecoin', 'Lcrkh5it7ndxVswms1QuRd78g7Fx8a2Ude', true],
    ['ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96', true],
  ])('%s %s valid=%s', (chain, address, ok) => {
    expect(validateImportAddress(chain, address).ok).toBe(ok);
  });

  it('displays bech32 lowercase and EVM as EIP-55', () => {
    expect(validateImportAddress('bitcoin', 'BC1QAAFA2GEUC4JW0W2UKYS65P3KQDPSPFML74N9J9')).toMatchObject({ address: 'bc1qaafa2geuc4jw0w2ukys65p3kqdpspfml74n9j9' });
    expect(validateImportAddress('ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96')).toMatchObject({ address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96' });
  });
});
