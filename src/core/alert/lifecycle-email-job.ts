import { keccak256Hex } from '../hash/keccak256.js';
import { z } from 'zod';
import { PermanentError } from '../errors.js';
import { parseDeliveryJob, type DeliveryJob, type DeliveryJobData } from './delivery-job.js';

/**
 * A lifecycle follow-up email job (`email` queue, name `lifecycle`, issue #10): one
 * event of one movement for one email group, threaded under the email the original
 * detection went out in. Everything is fixed when the job is created, and the
 * Message-ID is derived from the event's delivery key and the group, so a retried or
 * re-queued job sends the same email, never a second different one.
 */
export const LIFECYCLE_JOB_VERSION = 1;

export interface LifecycleEmailJobData {
  readonly v: typeof LIFECYCLE_JOB_VERSION;
  readonly groupId: string;
  readonly groupKey: string;
  readonly route: string;
  readonly to: readonly string[];
  readonly messageId: string;
  /** Message-ID of the email the original detection was in. */
  readonly inReplyTo: string;
  /** The group's thread root first, then the original email (RFC 5322 order). */
  readonly references: readonly string[];
  readonly item: DeliveryJobData;
}

export interface LifecycleEmailJob extends Omit<LifecycleEmailJobData, 'item'> {
  readonly item: DeliveryJob;
}

/** Stable short hash of the event's delivery key and the group: the job id and Message-ID part. */
function eventHash(eventKey: string, groupId: string): string {
  return keccak256Hex(`${eventKey}|${groupId}`).slice(0, 32);
}

export function lifecycleJobId(eventKey: string, groupId: string): string {
  return `lifecycle-${groupId}-${eventHash(eventKey, groupId)}`;
}

/** `<chainwatch-<groupId>-<reorged|confirmed|dropped>-<hash>@host>`, same host rule as the digests. */
export function buildLifecycleMessageId(event: string, eventKey: string, groupId: string, domain: string): string {
  const host = domain.replace(/[^A-Za-z0-9.-]/g, '') || 'chainwatch.invalid';
  const word = event.replace(/^movement\./, '').replace(/[^a-z]/g, '');
  return `<chainwatch-${groupId}-${word}-${eventHash(eventKey, groupId)}@${host}>`;
}

const messageId = z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/);
const schema = z.object({
  v: z.literal(LIFECYCLE_JOB_VERSION),
  groupId: z.string().regex(/^[0-9a-f]+$/),
  groupKey: z.string(),
  route: z.string(),
  to: z.array(z.string()).min(1),
  messageId,
  inReplyTo: messageId,
  references: z.array(messageId).min(1),
  item: z.unknown(),
});

export function parseLifecycleEmailJob(data: unknown): LifecycleEmailJob {
  const r = schema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PermanentError('JOB_INVALID', `lifecycle email job data is invalid (${problems})`, { cause: r.error });
  }
  return { ...r.data, v: LIFECYCLE_JOB_VERSION, item: parseDeliveryJob(r.data.item) };
}
