import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/, spec v1):
 *   webhook-id:        unique per delivery, stable across retries (receivers dedupe on it)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`))
 * where key is the base64-decoded part of the secret after "whsec_".
 * Pure computation (HMAC), so it lives in core; the caller passes the clock.
 */
export type WebhookSignatureHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

const SECRET_PREFIX = 'whsec_';

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

function computeSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
}

/** The delivery key: one per movement job and subscriber (see STYLE.md, at-least-once). */
export function buildWebhookId(movementJobId: string, webhookId: string): string {
  return `${movementJobId}-${webhookId}`;
}

export function signWebhook(params: { secret: string; id: string; timestampSeconds: number; body: string }): WebhookSignatureHeaders {
  const { secret, id, timestampSeconds, body } = params;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${computeSignature(secret, id, timestampSeconds, body)}`,
  };
}

export type WebhookVerification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Verifies a received webhook as a receiver should: recompute the HMAC over the
 * raw body, compare in constant time against every "v1," signature in the
 * space-separated header, and reject timestamps outside the tolerance (replay
 * protection; default 5 minutes, as the spec recommends).
 * `headers` keys are lowercase (node:http gives them so).
 */
export function verifyWebhookSignature(params: {
  secret: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): WebhookVerification {
  const header = (name: string): string | undefined => {
    const v = params.headers[name];
    return typeof v === 'string' || v === undefined ? v : v[0];
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  }
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not unix seconds' };
  const ts = Number(timestamp);
  const tolerance = params.toleranceSeconds ?? 300;
  if (Math.abs(params.nowSeconds - ts) > tolerance) return { ok: false, reason: 'webhook-timestamp is outside the tolerance' };
  const expected = Buffer.from(computeSignature(params.secret, id, ts, params.body), 'base64');
  for (const candidate of signatures.split(' ')) {
    const [version, sig] = candidate.split(',', 2);
    if (version !== 'v1' || sig === undefined) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'no matching v1 signature' };
}
