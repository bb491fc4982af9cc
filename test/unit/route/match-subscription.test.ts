import { describe, expect, it } from 'vitest';
import { compareDecimals, formatUnits, matchSubscription } from '../../../src/core/route/match-subscription.js';
import { computeSubscriptionRetryDelay, DEFAULT_RETRY_SCHEDULE_MS } from '../../../src/core/route/compute-subscription-retry-delay.js';
import { signWithSecrets } from '../../../src/core/route/sign-with-secrets.js';
import { verifyWebhookSignature } from '../../../src/core/alert/sign-webhook.js';
import { RONIN, evmNativeOut } from '../alert/movements.js';

const DEPOSIT = '0x8589427373D6D84E98730D7795D8f6f8731FDA16';
const OWN = { address: DEPOSIT, label: 'hot wallet', incident: 'tenant-list', source: 'chainwatch:tenant-list', tags: ['tenant-list'], owner: 'tenant:ten_a' };

describe('matchSubscription', () => {
  const m = evmNativeOut();
  it('matches everything with no filters, and ANDs filters with OR inside each list', () => {
    expect(matchSubscription(m, {}, 'ten_a')).toEqual([RONIN]);
    expect(matchSubscription(m, { chains: ['bitcoin', 'ethereum'], directions: ['out'], kinds: ['native'], incidents: ['ronin-2022'], tags: ['dprk'] }, 'ten_a')).toEqual([RONIN]);
    expect(matchSubscription(m, { chains: ['ethereum'], directions: ['in'] }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(m, { kinds: ['erc20'] }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(m, { incidents: ['bybit-2025'] }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(m, { tags: ['ofac'] }, 'ten_a')).toBeUndefined();
  });

  it('needs a counterparty on the other side, compared case-insensitively for EVM', () => {
    expect(matchSubscription(m, { counterparties: [DEPOSIT.toLowerCase(), '0x0000000000000000000000000000000000000001'] }, 'ten_a')).toEqual([RONIN]);
    expect(matchSubscription(m, { counterparties: ['0x0000000000000000000000000000000000000001'] }, 'ten_a')).toBeUndefined();
    // The watched address itself is never "the other side".
    expect(matchSubscription(m, { counterparties: [RONIN.address] }, 'ten_a')).toBeUndefined();
  });

  it('uses enrichment for minSeverity and minUsd, and a movement without it does not pass', () => {
    expect(matchSubscription(m, { minSeverity: 'info' }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(m, { minUsd: '1' }, 'ten_a')).toBeUndefined();
    const enriched = evmNativeOut({ enrichment: { severity: 'high', usdValue: '4500.00', assetKnown: true, spoofed: false } });
    expect(matchSubscription(enriched, { minSeverity: 'high', minUsd: '4500' }, 'ten_a')).toBeDefined();
    expect(matchSubscription(enriched, { minSeverity: 'critical' }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(enriched, { minUsd: '4500.01' }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(evmNativeOut({ enrichment: { severity: 'high', usdValue: null, assetKnown: false, spoofed: false } }), { minUsd: '0' }, 'ten_a')).toBeUndefined();
  });

  it('compares minAmount in human units of the movement\'s symbol; other symbols pass', () => {
    expect(matchSubscription(m, { minAmount: { ETH: '1.5' } }, 'ten_a')).toBeDefined();
    expect(matchSubscription(m, { minAmount: { ETH: '1.500000000000000001' } }, 'ten_a')).toBeUndefined();
    expect(matchSubscription(m, { minAmount: { USDT: '1000000' } }, 'ten_a')).toBeDefined();
    expect(formatUnits(1_500_000n, 6)).toBe('1.5');
    expect(formatUnits(5n, 18)).toBe('0.000000000000000005');
    expect(compareDecimals('10', '9.99')).toBe(1);
  });

  it("shows a tenant's own entries to that tenant only, and hides the movement from others when nothing else matched", () => {
    const both = evmNativeOut({ watchlist: [RONIN, OWN] });
    expect(matchSubscription(both, {}, 'ten_a')).toEqual([RONIN, OWN]);
    expect(matchSubscription(both, {}, 'ten_b')).toEqual([RONIN]);
    const ownOnly = evmNativeOut({ watchlist: [OWN], watchedAddress: DEPOSIT.toLowerCase() });
    expect(matchSubscription(ownOnly, {}, 'ten_a')).toEqual([OWN]);
    expect(matchSubscription(ownOnly, {}, 'ten_b')).toBeUndefined();
    // Derived entries (another owner kind) are for everyone.
    const derived = { ...OWN, owner: 'derived:follow' };
    expect(matchSubscription(evmNativeOut({ watchlist: [derived] }), {}, 'ten_b')).toEqual([derived]);
  });
});

describe('subscription retry schedule', () => {
  it('is about 3 days of 9 retries with +-10 % jitter, then dead', () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(9);
    expect(total / 3_600_000).toBeCloseTo(75.6, 0);
    const at = (attemptsMade: number, random: number, retryAfterMs?: number) => computeSubscriptionRetryDelay({ schedule: DEFAULT_RETRY_SCHEDULE_MS, attemptsMade, random, retryAfterMs, maxRetryAfterMs: 3_600_000 });
    expect(at(1, 0.5)).toBe(5_000);
    expect(at(1, 0)).toBe(4_500);
    expect(at(1, 0.999999)).toBeLessThanOrEqual(5_500);
    expect(at(9, 0.5)).toBe(24 * 3_600_000);
    expect(at(10, 0.5)).toBeUndefined();
    // Retry-After lengthens a wait, capped; it never shortens one.
    expect(at(1, 0.5, 60_000)).toBe(60_000);
    expect(at(1, 0.5, 100)).toBe(5_000);
    expect(at(1, 0.5, 86_400_000)).toBe(3_600_000);
  });
});

describe('signWithSecrets', () => {
  it('signs with every secret in force, space-separated, and drops an expired one', () => {
    const oldSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const newSecret = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const now = new Date('2026-01-01T00:00:00Z');
    const secrets = [{ secret: newSecret, createdAt: now.toISOString() }, { secret: oldSecret, createdAt: '2025-01-01T00:00:00Z', expiresAt: '2026-01-02T00:00:00Z' }];
    const headers = signWithSecrets({ secrets, id: 'msg_1', timestampSeconds: 1767225600, body: '{}', now });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) expect(verifyWebhookSignature({ secret, headers, body: '{}', nowSeconds: 1767225600 })).toEqual({ ok: true });
    const later = signWithSecrets({ secrets, id: 'msg_1', timestampSeconds: 1767312001, body: '{}', now: new Date('2026-01-02T00:00:01Z') });
    expect(later['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verifyWebhookSignature({ secret: oldSecret, headers: later, body: '{}', nowSeconds: 1767312001 }).ok).toBe(false);
  });
});
