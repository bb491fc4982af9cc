/**
 * Issue #7: EVM event legs changed id format (log<N> -> txlog<K>). The movement
 * sink must not queue a movement again when a job under its legacy id is still
 * retained (queued by the previous release), against the real Redis.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createMovementSink, type ClosableMovementSink } from '../../src/adapters/redis/create-movement-sink.js';
import { MOVEMENTS_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { buildMovementId, type Movement } from '../../src/core/movement.js';
import { RONIN, erc20In } from '../unit/alert/movements.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';

let prefix: string;
let connection: Redis;
let sink: ClosableMovementSink;
let queue: Queue;

beforeEach(async () => {
  prefix = uniqueRedisPrefix('sink-legacy');
  connection = await createRedisConnection(TEST_REDIS_URL);
  sink = createMovementSink(connection, prefix);
  queue = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
});

afterEach(async () => {
  await sink.close();
  await queue.close();
  await connection.quit();
  await deleteRedisPrefix(prefix);
});

/** The same ERC-20 leg as this release names it (txlog<K>, with its legacy id) and as the previous one did (log<N>). */
function leg(tx: string, txLog: number, blockLog: number): { current: Movement; previous: Movement } {
  const legacy = buildMovementId('ethereum', tx, `log${blockLog}`, RONIN.address);
  const current = erc20In({ txHash: tx, logIndex: blockLog, id: buildMovementId('ethereum', tx, `txlog${txLog}`, RONIN.address), legacyIds: [legacy] });
  return { current, previous: erc20In({ txHash: tx, logIndex: blockLog, id: legacy }) };
}

const jobIds = async (): Promise<string[]> => (await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).map((j) => String(j.id)).sort();

describe('movement sink across the id format change', () => {
  it('skips a movement already queued under its legacy id, and queues the others of the same batch', async () => {
    const a = leg(`0x${'a1'.repeat(32)}`, 0, 7);
    const b = leg(`0x${'b2'.repeat(32)}`, 2, 40);
    await sink.publish([a.previous]);
    await sink.publish([a.current, b.current]);
    expect(await jobIds()).toEqual([a.previous.id, b.current.id].sort());
    // Publishing again (crash before the cursor save, replay) changes nothing.
    await sink.publish([a.current, b.current]);
    expect(await jobIds()).toEqual([a.previous.id, b.current.id].sort());
  });

  it('queues under the new id when no legacy job exists (a fresh install, or legacy jobs past retention)', async () => {
    const a = leg(`0x${'c3'.repeat(32)}`, 1, 12);
    await sink.publish([a.current]);
    expect(await jobIds()).toEqual([a.current.id]);
  });
});
