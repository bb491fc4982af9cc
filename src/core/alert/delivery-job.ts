import { z } from 'zod';
import { PermanentError } from '../errors.js';
import type { Movement } from '../movement.js';
import { parseMovementJob, serializeMovement, MOVEMENT_JOB_VERSION, type SerializedMovement } from '../movement-job.js';

/**
 * Data of a job on a delivery queue (`email`, `webhook-<id>`): the movement,
 * its delivery key and the event time fixed at fan-out, so every retry sends
 * the same body. No secrets: the target's URL and secret come from settings.
 */
export interface DeliveryJobData {
  readonly v: typeof MOVEMENT_JOB_VERSION;
  readonly movementJobId: string;
  /** ISO time the movement was fanned out; the webhook payload `timestamp`. */
  readonly timestamp: string;
  readonly movement: SerializedMovement;
}

export interface DeliveryJob {
  readonly movementJobId: string;
  readonly timestamp: Date;
  readonly movement: Movement;
}

export function buildDeliveryJob(movementJobId: string, movement: Movement, timestamp: Date): DeliveryJobData {
  return { v: MOVEMENT_JOB_VERSION, movementJobId, timestamp: timestamp.toISOString(), movement: serializeMovement(movement).movement };
}

const envelopeSchema = z.object({
  v: z.literal(MOVEMENT_JOB_VERSION),
  movementJobId: z.string().min(1),
  timestamp: z.string().datetime(),
  movement: z.unknown(),
});

/** Parses delivery job data; bad data throws PermanentError (JOB_INVALID). */
export function parseDeliveryJob(data: unknown): DeliveryJob {
  const result = envelopeSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PermanentError('JOB_INVALID', `delivery job data is invalid (${problems})`, { cause: result.error });
  }
  const movement = parseMovementJob({ v: result.data.v, movement: result.data.movement });
  return { movementJobId: result.data.movementJobId, timestamp: new Date(result.data.timestamp), movement };
}
