import { describe, expect, it } from 'vitest';
import { buildDigestMessageIds } from '../../../src/core/alert/digest-job.js';
import { formatHumanAmount } from '../../../src/core/alert/format-human-amount.js';
import { renderDigest } from '../../../src/core/alert/render-digest.js';
import { sanitizeHeaderValue } from '../../../src/core/alert/sanitize-header-value.js';
import type { Movement } from '../../../src/core/movement.js';
import { RONIN, btcOut, evmNativeOut } from './movements.js';

const explorerUrls = new Map([['ethereum', 'https://etherscan.io'], ['bitcoin', 'https://mempool.space']]);
const at = new Date('2026-11-30T10:00:00Z');
const enriched = (m: Movement, severity: 'high' | 'critical' | 'info', usdValue: string | null): Movement => ({ ...m, enrichment: { severity, usdValue, assetKnown: true, spoofed: false } });

describe('email subject and digest', () => {
  it('one movement: severity, label, direction, human amount with separators, USD, destination', () => {
    const m = enriched(evmNativeOut({ amount: 1_250_500_000_000_000_000_000n, to: ['0xa', '0xb', '0xc'] }), 'critical', '4210000.00');
    const r = renderDigest([{ movement: m, detectedAt: at }], { subjectPrefix: '', explorerUrls });
    expect(r.subject).toBe('[CRITICAL] Ronin Bridge exploiter: OUT 1,250.5 ETH ($4,210,000) → 3 addresses');
    expect(renderDigest([{ movement: m, detectedAt: at }], { subjectPrefix: '[chainwatch]', explorerUrls }).subject).toBe('[chainwatch] [CRITICAL] Ronin Bridge exploiter: OUT 1,250.5 ETH ($4,210,000) → 3 addresses');
    expect(r.text).toContain(`https://etherscan.io/tx/${m.txHash}`);
    expect(r.text).toContain(RONIN.source);
    expect(r.html).toContain(`<a href="https://etherscan.io/address/${RONIN.address}">`);
  });
  it('a digest says the count and the totals and lists every movement once', () => {
    const items = Array.from({ length: 3 }, (_, i) => ({
      movement: enriched(evmNativeOut({ txHash: `0x${String(i).repeat(64)}`, amount: 1_000_000_000_000_000_000n, to: `0x${String(i + 1).repeat(40)}` }), i === 1 ? 'critical' : 'high', '3000.00'),
      detectedAt: at,
    }));
    const r = renderDigest(items, { subjectPrefix: '', explorerUrls, groupLabels: { incident: 'ronin-2022' } });
    expect(r.subject).toBe('[CRITICAL] Ronin Bridge exploiter: 3 movements, OUT 3 ETH ($9,000) → 3 addresses');
    for (const { movement } of items) expect(r.text.split(movement.txHash).length - 1).toBe(1);
    expect(r.text).toContain('total $9,000');
  });
  it('mixed directions: one total per direction', () => {
    const out = enriched(evmNativeOut(), 'high', '3000.00');
    const inn = enriched(evmNativeOut({ direction: 'in', txHash: `0x${'5'.repeat(64)}`, from: '0x8589427373D6D84E98730D7795D8f6f8731FDA16', to: RONIN.address }), 'high', '3000.00');
    expect(renderDigest([{ movement: out, detectedAt: at }, { movement: inn, detectedAt: at }], { subjectPrefix: '', explorerUrls }).subject).toBe('[HIGH] Ronin Bridge exploiter: 2 movements, OUT 1.5 ETH ($3,000), IN 1.5 ETH ($3,000)');
  });
  it('unknown USD is left out of the subject; partly unknown totals say so', () => {
    const a = enriched(btcOut(), 'high', null);
    expect(renderDigest([{ movement: a, detectedAt: at }], { subjectPrefix: '', explorerUrls }).subject).not.toContain('$');
    const b = enriched(evmNativeOut(), 'high', '10.00');
    expect(renderDigest([{ movement: b, detectedAt: at }, { movement: enriched(evmNativeOut({ txHash: `0x${'9'.repeat(64)}` }), 'high', null), detectedAt: at }], { subjectPrefix: '', explorerUrls }).subject).toContain('($10.00+)');
  });
  it('strips CR/LF and control characters from labels before they reach the subject', () => {
    const evil = enriched(evmNativeOut({ watchlist: [{ ...RONIN, label: 'Evil\r\nBcc: victim@example.com\u0007' }] }), 'high', null);
    const r = renderDigest([{ movement: evil, detectedAt: at }], { subjectPrefix: '', explorerUrls });
    expect([...r.subject].some((c) => c === "\r" || c === "\n" || c === "\u0007")).toBe(false);
    expect(r.subject).toContain('Evil Bcc: victim@example.com');
  });
});

describe('header sanitiser', () => {
  it('removes CR, LF, C0/C1 controls and line separators, collapses whitespace', () => {
    expect(sanitizeHeaderValue('a\r\nb\tc\u0000d\u0085e\u2028f  g ')).toBe('a b c d e f g');
    expect(sanitizeHeaderValue('plain subject')).toBe('plain subject');
  });
});

describe('formatter', () => {
  it('thousands separators without rounding', () => {
    expect(formatHumanAmount({ kind: 'erc20', amount: 1_234_567_890_000n, asset: { contract: '0x', symbol: 'USDT', decimals: 6 }, tokenId: null })).toBe('1,234,567.89 USDT');
    expect(formatHumanAmount({ kind: 'btc', amount: 12_345_678_901n, asset: { contract: null, symbol: 'BTC', decimals: 8 }, tokenId: null })).toBe('123.45678901 BTC');
    expect(formatHumanAmount({ kind: 'erc721', amount: 1n, asset: { contract: '0x', symbol: 'BAYC', decimals: 0 }, tokenId: 7n })).toBe('NFT #7 (BAYC)');
  });
  it('message ids: the first email of a group is the thread root', () => {
    expect(buildDigestMessageIds('abc123', 1, 'example.com')).toEqual({ messageId: '<chainwatch-abc123-1@example.com>', threadRootId: '<chainwatch-abc123-1@example.com>' });
    expect(buildDigestMessageIds('abc123', 4, 'exa\r\nmple.com').messageId).toBe('<chainwatch-abc123-4@example.com>');
  });
});

describe('digest: sender and raw units', () => {
  it('shows who sent the transaction, and raw-unit amounts without separators', () => {
    const sender = '0x2222222222222222222222222222222222222222';
    const m = enriched(evmNativeOut({ kind: 'erc20', txFrom: sender, amount: 1_000_000n, asset: { contract: '0x3333333333333333333333333333333333333333', symbol: 'UNKNOWN', decimals: 0, rawUnits: true } }), 'info', null);
    const r = renderDigest([{ movement: m, detectedAt: at }], { subjectPrefix: '', explorerUrls });
    expect(r.subject).toContain('1000000 UNKNOWN (raw units)');
    expect(r.text).toMatch(new RegExp(`Sent by:\\s+${sender}`));
  });
});
