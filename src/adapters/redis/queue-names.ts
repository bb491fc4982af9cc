/**
 * Every BullMQ queue name in one place. Keys are `<settings.redis.prefix>:<queue>:...`.
 * Queues per channel (and per webhook endpoint), so one slow consumer never
 * delays another.
 */
export const MOVEMENTS_QUEUE = 'movements';
export const EMAIL_QUEUE = 'email';

/** One queue per configured webhook id (ids are [A-Za-z0-9_.-], so never a ':'). */
export function webhookQueueName(webhookId: string): string {
  return `webhook-${webhookId}`;
}

export const queueNames = { movements: MOVEMENTS_QUEUE, email: EMAIL_QUEUE, webhook: webhookQueueName } as const;

/** Tenant subscriptions (issue #9): one shared queue, a per-subscription in-flight cap inside. */
export const SUBSCRIPTION_DELIVERIES_QUEUE = 'subscription-deliveries';
