import { z } from 'zod';
import { PermanentError } from '../errors.js';
import { parseDeliveryJob, type DeliveryJob, type DeliveryJobData } from './delivery-job.js';

/**
 * A group email job (`email` queue, name `digest`): its content is fixed when
 * the job is created (the sealed batch), so a retry or a crash between send
 * and acknowledgement re-sends the same email, never a different one.
 * Job id: `digest-<groupId>-<seq>`.
 */
export const DIGEST_JOB_VERSION = 1;

export interface DigestJobData {
  readonly v: typeof DIGEST_JOB_VERSION;
  readonly groupId: string;
  readonly groupKey: string;
  readonly route: string;
  readonly seq: number;
  readonly to: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly items: readonly DeliveryJobData[];
}

export interface DigestJob extends Omit<DigestJobData, 'items'> {
  readonly items: readonly DeliveryJob[];
}

export function digestJobId(groupId: string, seq: number): string {
  return `digest-${groupId}-${seq}`;
}

const schema = z.object({
  v: z.literal(DIGEST_JOB_VERSION),
  groupId: z.string().regex(/^[0-9a-f]+$/),
  groupKey: z.string(),
  route: z.string(),
  seq: z.number().int().positive(),
  to: z.array(z.string()).min(1),
  labels: z.record(z.string()),
  items: z.array(z.unknown()).min(1),
});

export function parseDigestJob(data: unknown): DigestJob {
  const r = schema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PermanentError('JOB_INVALID', `digest job data is invalid (${problems})`, { cause: r.error });
  }
  return { ...r.data, v: DIGEST_JOB_VERSION, items: r.data.items.map(parseDeliveryJob) };
}

/**
 * Message ids of a group's emails: the first email of a group is the thread
 * root; later ones reply to it, so mail clients show one thread per group.
 */
export function buildDigestMessageIds(groupId: string, seq: number, domain: string): { messageId: string; threadRootId: string } {
  const host = domain.replace(/[^A-Za-z0-9.-]/g, '') || 'chainwatch.invalid';
  return { messageId: `<chainwatch-${groupId}-${seq}@${host}>`, threadRootId: `<chainwatch-${groupId}-1@${host}>` };
}
