import { describe, expect, it } from 'vitest';
import type { Movement } from '../../../src/core/movement.js';
import { enrichMovement } from '../../../src/core/enrich/enrich-movement.js';
import { buildTokenIndex } from '../../../src/core/enrich/token-index.js';
import { checkSettingsText } from '../../../src/config/load-settings.js';

const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const WATCHED = 'TRKZWuxZ5pPBoK3ei1nQDnjAo4YyUFUMKB';
const OTHER = 'TRTCYRmEN1tvJGg1x9LQHcEmqyh5EwhQCE';

function trc20(overrides: Partial<Movement> = {}): Movement {
  return {
    id: 'tron-x-txlog0-w', chain: 'tron', direction: 'out', kind: 'trc20', txHash: 'ab'.repeat(32), blockNumber: 1, blockHash: 'cd'.repeat(32), logIndex: 0,
    from: WATCHED, to: OTHER, asset: { contract: USDT, symbol: 'USDT', decimals: 6 }, amount: 250_000_000_000n, tokenId: null,
    watchedAddress: WATCHED, watchlist: [], confirmations: 19, txFrom: WATCHED, ...overrides,
  };
}

const ctx = {
  tokens: buildTokenIndex([{ chain: 'tron', address: USDT, symbol: 'USDT', decimals: 6 }]),
  prices: new Map([['USDT', { answer: 100_000_000n, decimals: 8 }]]),
  rules: [
    { match: { token: ['spoofed' as const] }, severity: 'info' as const },
    { match: { token: ['unknown' as const] }, severity: 'info' as const },
    { match: { direction: ['out' as const], minUsd: '100000' }, severity: 'critical' as const },
  ],
};

describe('enrichment of Tron movements', () => {
  it('a listed TRC-20 (T-address in tokens.tron) is known and valued', () => {
    expect(enrichMovement(trc20(), ctx).enrichment).toEqual({ severity: 'critical', usdValue: '250000.00', assetKnown: true, spoofed: false });
  });
  it('an unlisted TRC-20 is unknown and never valued; one pushed out by someone else is spoofed', () => {
    const fake = trc20({ asset: { contract: OTHER, symbol: 'USDT', decimals: 6 } });
    expect(enrichMovement(fake, ctx).enrichment).toMatchObject({ severity: 'info', usdValue: null, assetKnown: false, spoofed: false });
    expect(enrichMovement({ ...fake, txFrom: OTHER }, ctx).enrichment).toMatchObject({ spoofed: true, severity: 'info' });
  });
  it('tokens.tron takes T-addresses with their checksum checked', () => {
    const base = `chains:\n  tron:\n    kind: tron\n    httpUrl: http://127.0.0.1:8090\nwebhooks:\n  - id: soc\n    url: http://127.0.0.1:9000/hook\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n`;
    const ok = checkSettingsText(`${base}tokens:\n  tron:\n    - { address: "${USDT}", symbol: USDT, decimals: 6 }\n`, 'chainwatch.yaml', {});
    expect(ok.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const bad = checkSettingsText(`${base}tokens:\n  tron:\n    - { address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", symbol: USDT, decimals: 6 }\n`, 'chainwatch.yaml', {});
    expect(bad.problems).toContainEqual(expect.objectContaining({ severity: 'error', line: 11, field: 'tokens.tron[0].address', message: expect.stringMatching(/checksum/) as unknown }));
  });
});
