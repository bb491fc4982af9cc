import { describe, expect, it } from 'vitest';
import type { SeverityRule } from '../../../src/core/enrich/alert-match.js';
import { checkPriceRound } from '../../../src/core/enrich/check-price-round.js';
import { decodeChainlinkDecimals, decodeChainlinkRound } from '../../../src/core/enrich/decode-chainlink-round.js';
import { decimalToBaseUnits, formatUsdHuman, formatUsdScaled, groupThousands, valueInUsdScaled } from '../../../src/core/enrich/decimal.js';
import { enrichMovement, type EnrichContext } from '../../../src/core/enrich/enrich-movement.js';
import { buildTokenIndex } from '../../../src/core/enrich/token-index.js';
import { routeEmail } from '../../../src/core/route/route-email.js';
import type { Movement } from '../../../src/core/movement.js';
import { RONIN, erc20In, evmNativeOut } from '../alert/movements.js';

const USDT = '0xdAC17F958D2ee523a2206206994597C13D831ec7';
const FAKE = '0x1111111111111111111111111111111111111111';
const SHIPPED_RULES: SeverityRule[] = [
  { match: { token: ['spoofed'] }, severity: 'info' },
  { match: { token: ['unknown'] }, severity: 'info' },
  { match: { direction: ['out'], minUsd: '100000' }, severity: 'critical' },
  { match: { maxUsd: '1' }, severity: 'info' },
  { match: { direction: ['out'] }, severity: 'high' },
  { match: { direction: ['in'], minUsd: '10000' }, severity: 'medium' },
  { match: { direction: ['in'] }, severity: 'low' },
];
const ctx = (over: Partial<EnrichContext> = {}): EnrichContext => ({
  tokens: buildTokenIndex([{ chain: 'ethereum', address: USDT, symbol: 'USDT', decimals: 6 }]),
  prices: new Map([
    ['ETH', { answer: 3_368_000_000_00n, decimals: 8 }],
    ['USDT', { answer: 1n, decimals: 0 }],
  ]),
  rules: SHIPPED_RULES,
  ...over,
});
const token = (over: Partial<Movement>): Movement =>
  erc20In({ asset: { contract: USDT, symbol: 'USDT', decimals: 6 }, amount: 5_000_000_000n, txFrom: RONIN.address, ...over });

describe('enrich: valuation', () => {
  it('values native and listed amounts in exact decimal arithmetic', () => {
    const m = enrichMovement(evmNativeOut({ amount: 1_250_500_000_000_000_000_000n }), ctx());
    expect(m.enrichment).toEqual({ severity: 'critical', usdValue: '4211684.00', assetKnown: true, spoofed: false });
    expect(enrichMovement(token({}), ctx()).enrichment?.usdValue).toBe('5000.00');
  });
  it('leaves the value unknown without a price and never values an unknown token, whatever its symbol', () => {
    expect(enrichMovement(evmNativeOut(), ctx({ prices: new Map([['ETH', null]]) })).enrichment).toMatchObject({ usdValue: null, severity: 'high' });
    const fake = enrichMovement(token({ asset: { contract: FAKE, symbol: 'USDT', decimals: 6 } }), ctx());
    expect(fake.enrichment).toEqual({ severity: 'info', usdValue: null, assetKnown: false, spoofed: false });
  });
  it('decimal helpers never use floats', () => {
    expect(decimalToBaseUnits('1.5', 18)).toBe(1_500_000_000_000_000_000n);
    expect(decimalToBaseUnits('0.1234567', 6)).toBe(123_456n);
    expect(formatUsdScaled(valueInUsdScaled(1n, 18, 2000n, 0))).toBe('0.00');
    expect(formatUsdScaled(123_455_000n)).toBe('1.23');
    expect(formatUsdScaled(123_500_000n)).toBe('1.24');
    expect(groupThousands('1250.5')).toBe('1,250.5');
    expect(groupThousands('1234567')).toBe('1,234,567');
    expect(formatUsdHuman('4210000.00')).toBe('$4,210,000');
    expect(formatUsdHuman('12.34')).toBe('$12.34');
    expect(formatUsdHuman('0.004')).toBe('<$0.01');
  });
});

describe('enrich: spoofing (address poisoning)', () => {
  const watched = RONIN.address;
  const out = (over: Partial<Movement>): Movement => token({ direction: 'out', from: watched, to: FAKE, txFrom: '0x2222222222222222222222222222222222222222', ...over });
  it('flags an unknown token leaving the watched address in a transaction it did not send', () => {
    expect(enrichMovement(out({ asset: { contract: FAKE, symbol: 'USDT', decimals: 6 } }), ctx()).enrichment).toMatchObject({ spoofed: true, severity: 'info' });
  });
  it('flags a zero-value transferFrom of a listed token', () => {
    expect(enrichMovement(out({ amount: 0n }), ctx()).enrichment).toMatchObject({ spoofed: true, assetKnown: true, severity: 'info' });
  });
  it('a listed token moved out by an approved spender is a real outflow', () => {
    expect(enrichMovement(out({}), ctx()).enrichment).toMatchObject({ spoofed: false, severity: 'high' });
  });
  it('the watched address sending its own unknown token is not spoofed', () => {
    expect(enrichMovement(out({ asset: { contract: FAKE, symbol: 'X', decimals: 6 }, txFrom: watched }), ctx()).enrichment).toMatchObject({ spoofed: false, severity: 'info' });
  });
});

describe('enrich: severity rules', () => {
  it('first match wins and no match is medium', () => {
    expect(enrichMovement(evmNativeOut(), ctx({ rules: [] })).enrichment?.severity).toBe('medium');
    const rules: SeverityRule[] = [
      { match: { incident: ['ronin-2022'], tag: ['lazarus'] }, severity: 'low' },
      { match: { chain: ['ethereum'] }, severity: 'critical' },
    ];
    expect(enrichMovement(evmNativeOut(), ctx({ rules })).enrichment?.severity).toBe('low');
  });
  it('matches amounts per symbol in human units, and USD bounds as [min, max)', () => {
    const rules: SeverityRule[] = [{ match: { minAmount: { ETH: '1.5' } }, severity: 'critical' }];
    expect(enrichMovement(evmNativeOut({ amount: 1_500_000_000_000_000_000n }), ctx({ rules })).enrichment?.severity).toBe('critical');
    expect(enrichMovement(evmNativeOut({ amount: 1_499_999_999_999_999_999n }), ctx({ rules })).enrichment?.severity).toBe('medium');
    expect(enrichMovement(token({}), ctx({ rules })).enrichment?.severity).toBe('medium');
    const usd: SeverityRule[] = [{ match: { minUsd: '5000', maxUsd: '5000.01' }, severity: 'high' }];
    expect(enrichMovement(token({}), ctx({ rules: usd })).enrichment?.severity).toBe('high');
    expect(enrichMovement(token({ amount: 5_000_010_000n }), ctx({ rules: usd })).enrichment?.severity).toBe('medium');
  });
  it('shipped rules: inflow >= $10k medium, smaller inflow low, dust info, asset and kind conditions', () => {
    expect(enrichMovement(token({ amount: 10_000_000_000n }), ctx()).enrichment?.severity).toBe('medium');
    expect(enrichMovement(token({}), ctx()).enrichment?.severity).toBe('low');
    expect(enrichMovement(token({ amount: 999_999n }), ctx()).enrichment?.severity).toBe('info');
    const rules: SeverityRule[] = [{ match: { asset: ['USDT'], kind: ['erc20'] }, severity: 'high' }];
    expect(enrichMovement(token({}), ctx({ rules })).enrichment?.severity).toBe('high');
    expect(enrichMovement(token({ asset: { contract: FAKE, symbol: 'USDT', decimals: 6 } }), ctx({ rules })).enrichment?.severity).toBe('medium');
  });
});

describe('route: email routes', () => {
  const routes = [
    { match: { severity: ['critical' as const] }, to: ['oncall@example.com'], continue: true },
    { match: { minSeverity: 'high' as const }, to: ['desk@example.com'], continue: false },
  ];
  const withSeverity = (severity: 'info' | 'low' | 'high' | 'critical'): Movement => ({ ...evmNativeOut(), enrichment: { severity, usdValue: null, assetKnown: true, spoofed: false } });
  it('walks routes in order: continue goes on, a match without continue stops before email.to', () => {
    expect(routeEmail(withSeverity('critical'), routes, ['c@example.com'], 'low').map((d) => d.routeId)).toEqual(['route0', 'route1']);
    expect(routeEmail(withSeverity('critical'), routes.slice(0, 1), ['c@example.com'], 'low').map((d) => d.routeId)).toEqual(['route0', 'default']);
    expect(routeEmail(withSeverity('low'), routes, ['c@example.com'], 'low')).toEqual([{ routeId: 'default', to: ['c@example.com'] }]);
  });
  it('below minSeverity: no email at all', () => {
    expect(routeEmail(withSeverity('info'), routes, ['c@example.com'], 'low')).toEqual([]);
  });
});

describe('chainlink', () => {
  const word = (v: bigint) => (v < 0n ? (1n << 256n) + v : v).toString(16).padStart(64, '0');
  it('decodes latestRoundData and decimals, and rejects stale or non-positive answers', () => {
    const hex = `0x${[7n, 336_800_000_000n, 1_700_000_000n, 1_700_000_100n, 7n].map(word).join('')}`;
    const round = decodeChainlinkRound(hex);
    expect(round).toEqual({ answer: 336_800_000_000n, updatedAt: 1_700_000_100 });
    expect(decodeChainlinkDecimals(`0x${word(8n)}`)).toBe(8);
    expect(checkPriceRound(round, 8, 1_700_003_700, 3600)).toEqual({ ok: true, quote: { answer: 336_800_000_000n, decimals: 8 } });
    expect(checkPriceRound(round, 8, 1_700_003_701, 3600)).toEqual({ ok: false, reason: 'stale' });
    expect(checkPriceRound(decodeChainlinkRound(`0x${[1n, -5n, 1n, 1_700_000_100n, 1n].map(word).join('')}`), 8, 1_700_000_100, 3600)).toEqual({ ok: false, reason: 'invalid' });
  });
});
