import { createHash } from 'node:crypto';

/**
 * A delivery's record id, derived from its `webhook-id` so a fan-out run twice
 * (crash, redelivered job) finds the same record. Short, without ':' and never
 * all digits (BullMQ job id rules).
 */
export function buildDeliveryId(webhookId: string): string {
  return `dlv_${createHash('sha256').update(webhookId).digest('hex').slice(0, 24)}`;
}
