import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOfacCandidates } from '../../../src/core/import/build-ofac-candidates.js';
import { parseOfacSdn } from '../../../src/core/import/parse-ofac-sdn.js';

// Fixtures: real OFAC addresses and party names (see test/fixtures/SOURCES.md) in each SDN format.
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/ofac/${name}`, import.meta.url), 'utf8');

/** Unique addresses per chain in the fixtures: 97 named 0x addresses, plus per-asset lists. */
const EXPECTED_PER_CHAIN = {
  ethereum: 97, // every 0x address of ultrasoundmoney data.csv (ETH, USDT, USDC, ETC, ARB, BSC listings collapse to one)
  'ethereum-classic': 1,
  arbitrum: 1,
  bsc: 1,
  bitcoin: 11, // 10 XBT + 1 Omni Layer USDT address
  tron: 13, // 7 TRX + 5 USDT (T...) + 1 Tron address OFAC filed under XBT
  litecoin: 10,
  monero: 7, // 8 listed, one is a 64-hex string, not an address
};

function perChain(text: string): Record<string, number> {
  const { candidates } = buildOfacCandidates(parseOfacSdn(text).records);
  const counts: Record<string, number> = {};
  for (const c of candidates) counts[c.chain] = (counts[c.chain] ?? 0) + 1;
  return counts;
}

describe('parseOfacSdn', () => {
  it.each([
    ['sdn.xml', 'sdn-xml'],
    ['sdn_advanced.xml', 'sdn-advanced-xml'],
    ['sdn.csv', 'sdn-csv'],
  ])('detects %s as %s from its content and finds every address', (file, format) => {
    const parsed = parseOfacSdn(fixture(file));
    expect(parsed.format).toBe(format);
    expect(parsed.records).toHaveLength(148);
    expect(perChain(fixture(file))).toEqual(EXPECTED_PER_CHAIN);
  });

  it('gives the same entries whichever format the list comes in', () => {
    const keyed = (file: string) =>
      buildOfacCandidates(parseOfacSdn(fixture(file)).records)
        .candidates.map((c) => `${c.chain} ${c.address} ${c.label} ${c.tags.join(',')} ${c.source}`)
        .sort();
    expect(keyed('sdn.csv')).toEqual(keyed('sdn.xml'));
    // The advanced format joins an individual's name parts with spaces ("SIM Hyon Sop"), so compare without the label.
    const withoutLabel = (file: string) =>
      buildOfacCandidates(parseOfacSdn(fixture(file)).records)
        .candidates.map((c) => `${c.chain} ${c.address} ${c.tags.join(',')} ${c.source}`)
        .sort();
    expect(withoutLabel('sdn_advanced.xml')).toEqual(withoutLabel('sdn.xml'));
    const adv = buildOfacCandidates(parseOfacSdn(fixture('sdn_advanced.xml')).records).candidates;
    expect(adv.filter((c) => c.chain === 'ethereum' && c.label === 'SIM Hyon Sop')).toHaveLength(6);
  });

  it('maps a Lazarus Group ETH address to LAZARUS GROUP with dprk and lazarus tags and the OFAC entity page', () => {
    for (const file of ['sdn.xml', 'sdn_advanced.xml', 'sdn.csv']) {
      const { candidates } = buildOfacCandidates(parseOfacSdn(fixture(file)).records);
      const ronin = candidates.find((c) => c.key === '0x098b716b8aaf21512996dc57eb0615e2383e2f96');
      expect(ronin).toMatchObject({
        chain: 'ethereum',
        address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
        label: 'LAZARUS GROUP',
        incident: 'ofac-sdn',
        tags: ['ofac', 'dprk', 'lazarus'],
        source: 'https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40000',
      });
    }
  });

  it('names individuals "LAST, First" in SDN.XML like SDN.CSV does', () => {
    const { candidates } = buildOfacCandidates(parseOfacSdn(fixture('sdn.xml')).records);
    expect(candidates.filter((c) => c.chain === 'ethereum' && c.label === 'SIM, Hyon Sop')).toHaveLength(6);
  });

  it('places stablecoins by address form and follows OFAC quirks', () => {
    const { candidates } = buildOfacCandidates(parseOfacSdn(fixture('sdn.csv')).records);
    const byAddress = new Map(candidates.map((c) => [c.address, c.chain]));
    expect(byAddress.get('TEAqwfMhXLaomXhZ8KeMhx3njGmQEDnsUR')).toBe('tron'); // USDT on Tron
    expect(byAddress.get('16iWn2J1McqjToYLHSsAyS6En3QA8YQ91H')).toBe('bitcoin'); // Omni Layer USDT
    const tronUnderXbt = candidates.filter((c) => c.chain === 'tron' && c.label === 'FIXTURE PER-ASSET ADDRESSES');
    expect(tronUnderXbt.length).toBe(13);
    // Listed under ETH, USDT and USDC: one Ethereum entry.
    expect(candidates.filter((c) => c.key === '0x983a81ca6fb1e441266d2fbcb7d8e530ac2e05a2').map((c) => c.chain)).toEqual(['ethereum']);
    // Listed under ETH and ETC: watched on both chains; under ETH, ARB and BSC: on all three.
    expect(candidates.filter((c) => c.key === '0xd882cfc20f52f2599d84b8e8d58c7fb62cfe344b').map((c) => c.chain).sort()).toEqual(['ethereum', 'ethereum-classic']);
    expect(candidates.filter((c) => c.key === '0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c').map((c) => c.chain).sort()).toEqual(['arbitrum', 'bsc', 'ethereum']);
  });

  it('reports addresses that are not valid for their chain instead of writing them', () => {
    const { invalid } = buildOfacCandidates(parseOfacSdn(fixture('sdn.xml')).records);
    expect(invalid).toEqual([
      {
        where: 'SDN entry 40039 (FIXTURE PER-ASSET ADDRESSES), asset XMR',
        address: '5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320',
        reason: 'does not look like a monero address',
      },
    ]);
  });

  it('rejects files that are none of the three formats', () => {
    expect(() => parseOfacSdn('<html><body>blocked</body></html>')).toThrow(/unrecognised XML/);
    expect(() => parseOfacSdn('address,name\n0x1,foo\n')).toThrow(/unrecognised file/);
  });
});
