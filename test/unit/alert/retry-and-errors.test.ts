import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, computeRetryDelay } from '../../../src/core/alert/compute-retry-delay.js';
import { planDeliveries } from '../../../src/core/alert/plan-deliveries.js';
import { translateSmtpError } from '../../../src/adapters/smtp/send-email.js';
import { parseRetryAfter } from '../../../src/adapters/webhook/send-webhook.js';
import { PermanentError, RetryableError } from '../../../src/core/errors.js';

describe('computeRetryDelay', () => {
  const policy = { attempts: 20, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 3_600_000 };
  it('doubles from the base delay and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => computeRetryDelay(policy, n))).toEqual([1000, 2000, 4000, 8000]);
    expect(computeRetryDelay(policy, 7)).toBe(60_000);
    expect(computeRetryDelay(policy, 5000)).toBe(60_000);
  });
  it('waits at least as long as Retry-After asks, up to its own cap', () => {
    expect(computeRetryDelay(policy, 1, 30_000)).toBe(30_000);
    expect(computeRetryDelay(policy, 1, 10)).toBe(1000);
    expect(computeRetryDelay(policy, 1, 86_400_000)).toBe(3_600_000);
  });
  it('defaults to many attempts with a capped delay', () => {
    expect(DEFAULT_RETRY_POLICY.attempts).toBeGreaterThanOrEqual(10);
    expect(computeRetryDelay(DEFAULT_RETRY_POLICY, 100)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('planDeliveries', () => {
  it('plans one email and one job per enabled webhook with deterministic ids', () => {
    const plan = planDeliveries('eth-0xab-native-0x12', {
      email: { enabled: true },
      webhooks: [
        { id: 'soc', enabled: true },
        { id: 'old', enabled: false },
        { id: 'slack-relay', enabled: true },
      ],
    });
    expect(plan).toEqual([
      { channel: 'email', target: 'email', jobId: 'eth-0xab-native-0x12-email' },
      { channel: 'webhook', target: 'soc', jobId: 'eth-0xab-native-0x12-soc' },
      { channel: 'webhook', target: 'slack-relay', jobId: 'eth-0xab-native-0x12-slack-relay' },
    ]);
    expect(planDeliveries('x', { email: undefined, webhooks: [] })).toEqual([]);
    expect(planDeliveries('x', { email: { enabled: false }, webhooks: [] })).toEqual([]);
  });
});

describe('translateSmtpError', () => {
  const err = (props: Record<string, unknown>) => Object.assign(new Error('smtp says no'), props);
  it.each([
    [{ code: 'ECONNECTION' }, RetryableError, 'SMTP_UNAVAILABLE'],
    [{ code: 'ETIMEDOUT' }, RetryableError, 'SMTP_UNAVAILABLE'],
    [{ code: 'ESOCKET' }, RetryableError, 'SMTP_UNAVAILABLE'],
    [{ code: 'EDNS' }, RetryableError, 'SMTP_UNAVAILABLE'],
    [{ code: 'EPROTOCOL', responseCode: 421 }, RetryableError, 'SMTP_TEMPORARY'],
    [{ code: 'EENVELOPE', responseCode: 450 }, RetryableError, 'SMTP_TEMPORARY'],
    [{ code: 'EAUTH', responseCode: 535 }, PermanentError, 'SMTP_REJECTED'],
    [{ code: 'EAUTH' }, PermanentError, 'SMTP_AUTH_FAILED'],
    [{ code: 'EENVELOPE', responseCode: 550 }, PermanentError, 'SMTP_REJECTED'],
    [{ code: 'EENVELOPE' }, PermanentError, 'SMTP_ENVELOPE'],
    [{ code: 'EMESSAGE', responseCode: 503 }, RetryableError, 'SMTP_TEMPORARY'],
  ])('%j -> %o', (props, type, code) => {
    const out = translateSmtpError(err(props), 'smtp://mail.example.com:587');
    expect(out).toBeInstanceOf(type);
    expect(out.code).toBe(code);
    expect(out.message).toContain('smtp://mail.example.com:587');
  });
  it('keeps the raw error (which may echo credentials) out of the cause', () => {
    const out = translateSmtpError(err({ code: 'EAUTH', command: 'AUTH PLAIN', response: '535 AUTH PLAIN dXNlcjpodW50ZXIy rejected' }), 'smtp://h');
    expect(String((out.cause as Error).message)).not.toContain('dXNlcjpodW50ZXIy');
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
