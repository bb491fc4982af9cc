import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildWebhookId, signWebhook, verifyWebhookSignature } from '../../../src/core/alert/sign-webhook.js';

const KEY = randomBytes(24);
const SECRET = `whsec_${KEY.toString('base64')}`;
const BODY = '{"type":"movement.detected","data":{"amount":"1"}}';

describe('signWebhook (Standard Webhooks v1)', () => {
  it('signs "id.timestamp.body" with HMAC-SHA256 under the base64-decoded key', () => {
    const headers = signWebhook({ secret: SECRET, id: 'ethereum-0xab-native-0x12-ops', timestampSeconds: 1714564800, body: BODY });
    const expected = createHmac('sha256', KEY).update(`ethereum-0xab-native-0x12-ops.1714564800.${BODY}`).digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'ethereum-0xab-native-0x12-ops',
      'webhook-timestamp': '1714564800',
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('matches the published Standard Webhooks test vector', () => {
    // From the standard-webhooks reference libraries' tests.
    const headers = signWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestampSeconds: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('builds the delivery id from movement job id and webhook id', () => {
    expect(buildWebhookId('bitcoin-ef-vin0-bc1q-unconfirmed', 'soc')).toBe('bitcoin-ef-vin0-bc1q-unconfirmed-soc');
  });
});

describe('verifyWebhookSignature', () => {
  const ts = 1714564800;
  const headers = signWebhook({ secret: SECRET, id: 'd1', timestampSeconds: ts, body: BODY });

  it('accepts a genuine delivery, also among several signatures', () => {
    expect(verifyWebhookSignature({ secret: SECRET, headers, body: BODY, nowSeconds: ts + 10 })).toEqual({ ok: true });
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(verifyWebhookSignature({ secret: SECRET, headers: rotated, body: BODY, nowSeconds: ts })).toEqual({ ok: true });
  });

  it('rejects a changed body, a wrong secret, a changed id and a stale timestamp', () => {
    expect(verifyWebhookSignature({ secret: SECRET, headers, body: BODY.replace('"1"', '"2"'), nowSeconds: ts }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: `whsec_${randomBytes(24).toString('base64')}`, headers, body: BODY, nowSeconds: ts }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, headers: { ...headers, 'webhook-id': 'd2' }, body: BODY, nowSeconds: ts }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, headers, body: BODY, nowSeconds: ts + 301 })).toEqual({ ok: false, reason: 'webhook-timestamp is outside the tolerance' });
    expect(verifyWebhookSignature({ secret: SECRET, headers: {}, body: BODY, nowSeconds: ts }).ok).toBe(false);
  });
});
