import { signWebhook, type WebhookSignatureHeaders } from '../alert/sign-webhook.js';
import type { SubscriptionSecret } from './subscription.js';

/**
 * Standard Webhooks headers signed with every secret still in force: after a
 * rotation the new and the old secret both sign for 24 h, the signatures
 * space-separated in `webhook-signature` (the spec's way to rotate without a
 * gap: a receiver accepts the message if any signature verifies).
 */
export function signWithSecrets(params: { secrets: readonly SubscriptionSecret[]; id: string; timestampSeconds: number; body: string; now: Date }): WebhookSignatureHeaders {
  const active = params.secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > params.now.getTime());
  const signatures = active.map((s) => signWebhook({ secret: s.secret, id: params.id, timestampSeconds: params.timestampSeconds, body: params.body })['webhook-signature']);
  return { 'webhook-id': params.id, 'webhook-timestamp': String(params.timestampSeconds), 'webhook-signature': signatures.join(' ') };
}
