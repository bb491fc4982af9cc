/** The Redis reorg ledger (issue #10) against the real Redis: idempotent retraction, bounded records, retracted ids. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisReorgLedger } from '../../src/adapters/redis/reorg-ledger.js';
import { buildRetraction } from '../../src/core/lifecycle/build-retraction.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { evmNativeOut } from '../unit/alert/movements.js';

const prefix = uniqueRedisPrefix('reorg-ledger');
let redis: Redis;
const block = (n: number, tag = 'a') => ({ number: n, hash: `0x${tag.repeat(2)}${n.toString(16).padStart(62, '0')}` });

beforeAll(async () => {
  redis = await createRedisConnection(TEST_REDIS_URL);
});
afterAll(async () => {
  await redis.quit();
  await deleteRedisPrefix(prefix);
});

describe('reorg ledger', () => {
  it('turns the alerts of orphaned blocks into retractions once; a repeated rewind keeps the first detectedAt', async () => {
    const ledger = createRedisReorgLedger(redis, prefix);
    const b10 = block(10);
    const b11 = block(11);
    const m1 = evmNativeOut({ blockNumber: 10, blockHash: b10.hash });
    const m2 = evmNativeOut({ id: 'ethereum-0x02-native-0x03', blockNumber: 10, blockHash: b10.hash });
    await ledger.recordAlerted('eth', b10, [m1, m2]);
    await ledger.recordAlerted('eth', b11, []);
    const first = new Date('2026-11-30T10:00:00Z');
    // b11 alerted nothing: it is orphaned too, but there is nothing to retract.
    await ledger.retract('eth', [b10, b11], first);
    await ledger.retract('eth', [b10, b11], new Date('2026-11-30T11:00:00Z'));
    expect(await ledger.pending('eth')).toEqual([{ block: b10, retractions: [buildRetraction(m1, b10.hash, first), buildRetraction(m2, b10.hash, first)] }]);
    expect(await ledger.retractedIds('eth', [m1.id, m2.id, 'ethereum-0x09-native-0x09'])).toEqual(new Set([m1.id, m2.id]));
    expect(await ledger.retractedIds('other-chain', [m1.id])).toEqual(new Set());
    await ledger.settle('eth', [b10]);
    expect(await ledger.pending('eth')).toEqual([]);
    // Settled and its record consumed: a third rewind over the same block has nothing left to retract.
    await ledger.retract('eth', [b10], first);
    expect(await ledger.pending('eth')).toEqual([]);
  });

  it('keeps alert records only for blocks a rewind can still reach', async () => {
    const ledger = createRedisReorgLedger(redis, prefix, { keepBlocks: 5 });
    const old = block(100, 'b');
    const m = evmNativeOut({ blockNumber: 100, blockHash: old.hash });
    await ledger.recordAlerted('btc', old, [m]);
    await ledger.recordAlerted('btc', block(105, 'b'), [evmNativeOut({ id: 'x-105' })]);
    expect(await redis.hkeys(`${prefix}:reorg:btc:alerted`)).toHaveLength(2);
    await ledger.recordAlerted('btc', block(106, 'b'), [evmNativeOut({ id: 'x-106' })]);
    expect((await redis.hkeys(`${prefix}:reorg:btc:alerted`)).sort()).toEqual([`105-${block(105, 'b').hash}`, `106-${block(106, 'b').hash}`]);
    await ledger.retract('btc', [old], new Date());
    expect(await ledger.pending('btc')).toEqual([]);
  });
});
