/**
 * Issue #10 lifecycle emails through the real queue, alerter and an in-process SMTP server:
 * a retraction replies to the very email its detection went out in (even one still held by
 * its group, which is then sent first), confirmed and dropped follow-ups go only to routes
 * whose `events` ask for them, and every follow-up has a stable Message-ID.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMovementSink, MOVEMENT_JOB_NAME, type ClosableMovementSink } from '../../src/adapters/redis/create-movement-sink.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { EMAIL_QUEUE, MOVEMENTS_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { startAlerter, type Alerter } from '../../src/app/alerter.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { evmChainSchema, type Settings } from '../../src/config/schema.js';
import { buildRetraction } from '../../src/core/lifecycle/build-retraction.js';
import { buildMovementId, type Movement } from '../../src/core/movement.js';
import { movementJobId, serializeMovement } from '../../src/core/movement-job.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { evmNativeOut, RONIN } from '../unit/alert/movements.js';

const prefix = uniqueRedisPrefix('lifecycle-emails');
let connection: Redis;
let smtp: SmtpCapture;
let alerter: Alerter;
let sink: ClosableMovementSink;
let movementsQueue: Queue;
let emailQueue: Queue;

/** A movement of its own incident (its own email group), so each scenario has its own thread. */
function movementOf(incident: string, overrides: Partial<Movement> = {}): Movement {
  const txHash = `0x${Buffer.from(incident.padEnd(32, '.')).toString('hex').slice(0, 64)}`;
  return evmNativeOut({ id: buildMovementId('ethereum', txHash, 'native', RONIN.address), txHash, watchlist: [{ ...RONIN, incident }], ...overrides });
}
const to = (address: string) => smtp.messages.filter((m) => m.to !== undefined && JSON.stringify(m.to).includes(address));
const about = (txHash: string, address: string) => to(address).filter((m) => (m.text ?? '').includes(txHash));
async function fannedOut(m: Movement): Promise<void> {
  await waitFor(async () => (await movementsQueue.getJobState(movementJobId(m))) === 'completed', { what: `fan-out of ${movementJobId(m)}` });
}
const lifecycleJobs = async (event: string) =>
  (await emailQueue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed'])).filter((j) => j.name === 'lifecycle' && (j.data as { item: { movement: { event?: string } } }).item.movement.event === event);

beforeAll(async () => {
  connection = await createRedisConnection(TEST_REDIS_URL);
  smtp = await startSmtpCapture();
  const settings: Settings = {
    chains: new Map([['ethereum', { ...evmChainSchema.parse({ kind: 'evm', rpcUrls: ['http://127.0.0.1:1'] }), id: 'ethereum' }]]),
    email: {
      smtpUrl: smtp.url,
      from: 'chainwatch@example.com',
      to: ['compliance@example.com'],
      subjectPrefix: '[chainwatch]',
      enabled: true,
      // On-call gets detections and confirmations, not drops; compliance (email.to) the defaults.
      routes: [{ match: { chain: ['ethereum'] }, to: ['oncall@example.com'], continue: true, events: ['movement.detected', 'movement.confirmed'] }],
    },
    webhooks: [],
    api: { port: 0, host: '127.0.0.1' },
    redis: { url: TEST_REDIS_URL, prefix },
    reloadIntervalMs: 2000,
    // Groups hold detections for ten minutes: only a follow-up can make them go out within this test.
    alerts: { rules: [], email: { minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 600_000, groupIntervalMs: 600_000 } },
  };
  alerter = await startAlerter({ settings, connection, logger: createLogger({ level: 'silent' }), metrics: createMetrics(), backoffMs: 50 });
  sink = createMovementSink(connection, prefix);
  movementsQueue = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
  emailQueue = new Queue(EMAIL_QUEUE, { connection, prefix });
}, 60_000);

afterAll(async () => {
  await alerter?.close();
  await sink?.close();
  await movementsQueue?.close();
  await emailQueue?.close();
  await connection?.quit();
  await smtp?.close();
  await deleteRedisPrefix(prefix);
});

describe('lifecycle emails', () => {
  it('movement.reorged: the held detection goes out first, then RETRACTED replies to it, once per route that got it', async () => {
    const detected = movementOf('reorg-case');
    await sink.publish([detected]);
    await fannedOut(detected);
    const retraction = buildRetraction(detected, detected.blockHash!, new Date('2026-11-30T12:00:00Z'));
    await sink.publish([retraction]);
    await waitFor(() => about(detected.txHash, 'oncall@').length >= 2 && about(detected.txHash, 'compliance@').length >= 2, { what: 'detections and retractions' });
    for (const address of ['oncall@', 'compliance@']) {
      const [original, reply] = about(detected.txHash, address);
      expect(original!.subject).not.toContain('RETRACTED');
      expect(reply!.subject).toMatch(/^\[chainwatch\] RETRACTED: /);
      expect(reply!.inReplyTo).toBe(original!.messageId);
      expect(reply!.references).toContain(original!.messageId);
      expect(reply!.messageId).toMatch(/^<chainwatch-[0-9a-f]+-reorged-[0-9a-f]{32}@example\.com>$/);
      expect(reply!.headers.get('x-chainwatch-event')).toBe('movement.reorged');
    }
    // Published again (a repeated rewind): nothing new.
    await sink.publish([buildRetraction(detected, detected.blockHash!, new Date('2026-11-30T12:05:00Z'))]);
    expect(await lifecycleJobs('movement.reorged')).toHaveLength(2);
  });

  it('movement.confirmed reaches only the route that lists it; movement.dropped only the routes with the default events', async () => {
    const detected = movementOf('confirm-case');
    await sink.publish([detected]);
    await fannedOut(detected);
    const confirmed: Movement = { ...detected, event: 'movement.confirmed', confirmations: 12 };
    await sink.publish([confirmed]);
    await waitFor(() => about(detected.txHash, 'oncall@').some((m) => (m.subject ?? '').includes('CONFIRMED')), { what: 'the confirmation to on-call' });
    const [original, reply] = about(detected.txHash, 'oncall@');
    expect(reply!.subject).toMatch(/^\[chainwatch\] CONFIRMED: /);
    expect(reply!.inReplyTo).toBe(original!.messageId);
    await fannedOut(confirmed);
    expect((await lifecycleJobs('movement.confirmed')).map((j) => (j.data as { to: string[] }).to)).toEqual([['oncall@example.com']]);

    const sighting = movementOf('drop-case', { confirmations: 0, blockNumber: null, blockHash: null });
    await sink.publish([sighting]);
    await fannedOut(sighting);
    const dropped: Movement = { ...sighting, event: 'movement.dropped' };
    await sink.publish([dropped]);
    await waitFor(() => about(sighting.txHash, 'compliance@').some((m) => (m.subject ?? '').includes('DROPPED')), { what: 'the drop to compliance' });
    const [sightingEmail, dropEmail] = about(sighting.txHash, 'compliance@');
    expect(dropEmail!.subject).toMatch(/^\[chainwatch\] DROPPED: /);
    expect(dropEmail!.inReplyTo).toBe(sightingEmail!.messageId);
    await fannedOut(dropped);
    expect((await lifecycleJobs('movement.dropped')).map((j) => (j.data as { to: string[] }).to)).toEqual([['compliance@example.com']]);
  });

  it('a retraction reaching the alerter before its detection (both queued during an outage) waits for it, then replies to it', async () => {
    const detected = movementOf('outage-case');
    const retraction = buildRetraction(detected, detected.blockHash!, new Date('2026-11-30T12:00:00Z'));
    // The detection is still queued (here: delayed) when the retraction is taken.
    await movementsQueue.add(MOVEMENT_JOB_NAME, serializeMovement(detected), { jobId: movementJobId(detected), delay: 1_500 });
    await sink.publish([retraction]);
    await waitFor(() => about(detected.txHash, 'compliance@').length >= 2, { what: 'the detection and its retraction' });
    const [original, reply] = about(detected.txHash, 'compliance@');
    expect(reply!.subject).toMatch(/RETRACTED/);
    expect(reply!.inReplyTo).toBe(original!.messageId);
  });
});
