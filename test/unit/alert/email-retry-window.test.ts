import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, computeRetryDelay } from '../../../src/core/alert/compute-retry-delay.js';
import { translateSmtpError } from '../../../src/adapters/smtp/send-email.js';
import { PermanentError, RetryableError } from '../../../src/core/errors.js';

describe('email delivery retry window (issue #8)', () => {
  it('transient SMTP failures are retried for well over an hour of outage', () => {
    let totalMs = 0;
    for (let attempt = 1; attempt < DEFAULT_RETRY_POLICY.attempts; attempt++) totalMs += computeRetryDelay(DEFAULT_RETRY_POLICY, attempt);
    expect(totalMs).toBeGreaterThan(3_600_000);
  });
  it('4xx and connection errors are transient, 5xx permanent (from nodemailer codes)', () => {
    expect(translateSmtpError({ code: 'EMESSAGE', responseCode: 451 }, 'smtp://h')).toBeInstanceOf(RetryableError);
    expect(translateSmtpError({ code: 'ECONNECTION' }, 'smtp://h')).toBeInstanceOf(RetryableError);
    expect(translateSmtpError({ code: 'EMESSAGE', responseCode: 554 }, 'smtp://h')).toBeInstanceOf(PermanentError);
  });
});
