/**
 * The generic ChainFollower's retractions (issue #10) on a scripted chain with the real Redis reorg
 * ledger: a crash between the rewind and the cursor save repeats the rewind without a second or a
 * different retraction, and a reorg deeper than the remembered window still retracts what it orphaned.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisReorgLedger } from '../../src/adapters/redis/reorg-ledger.js';
import { ChainFollower, type ChainSource } from '../../src/app/chain-follower.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { buildMovementId, type Movement } from '../../src/core/movement.js';
import { movementJobId } from '../../src/core/movement-job.js';
import type { BlockHeader, ChainCursor, CursorStore } from '../../src/core/ports.js';
import { RECENT_BLOCKS_KEPT } from '../../src/core/reconcile-cursor.js';
import { collectingSink } from '../helpers/collecting-sink.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { evmNativeOut } from '../unit/alert/movements.js';

interface Block {
  readonly header: BlockHeader;
  /** Transactions paying the watched address. */
  readonly txs: readonly string[];
}

/** A chain as a list of blocks; `fork(from, branch, length, txs)` replaces everything from height `from`. */
function scriptedChain(length: number, txs: Record<number, string> = {}) {
  let blocks: Block[] = [];
  const hashOf = (branch: string, n: number): string => `0x${branch.padEnd(8, '0')}${n.toString(16).padStart(56, '0')}`;
  const extend = (branch: string, from: number, to: number, at: Record<number, string>): void => {
    for (let n = from; n <= to; n++) {
      const parentHash = n === 0 ? `0x${'0'.repeat(64)}` : blocks[n - 1]!.header.hash;
      const tx = at[n];
      blocks[n] = { header: { number: n, hash: hashOf(branch, n), parentHash }, txs: tx === undefined ? [] : [tx] };
    }
  };
  extend('a', 0, length - 1, txs);
  const source: ChainSource<Block> = {
    fetchHeadNumber: () => Promise.resolve(blocks.length - 1),
    fetchBlocks: (numbers) => Promise.resolve(numbers.map((n) => blocks[n]!)),
    fetchHeaders: (numbers) => Promise.resolve(numbers.map((n) => blocks[n]!.header)),
  };
  return {
    source,
    block: (n: number) => blocks[n]!,
    fork(from: number, branch: string, length: number, at: Record<number, string> = {}): void {
      blocks = blocks.slice(0, from);
      extend(branch, from, length - 1, at);
    },
  };
}

const WATCHED = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const detect = (block: Block): Movement[] =>
  block.txs.map((tx) => evmNativeOut({ id: buildMovementId('devchain', tx, 'native', WATCHED), chain: 'devchain', txHash: tx, blockNumber: block.header.number, blockHash: block.header.hash, confirmations: 1 }));
const txHash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

let redis: Redis;
const prefixes: string[] = [];
beforeAll(async () => {
  redis = await createRedisConnection(TEST_REDIS_URL);
});
afterAll(async () => {
  await redis.quit();
  for (const p of prefixes) await deleteRedisPrefix(p);
});

function harness(chain: ReturnType<typeof scriptedChain>, prefix: string, cursors: Map<string, ChainCursor>, options: { now: Date; failSaveAfterRewind?: boolean }) {
  const sink = collectingSink();
  let failNext = options.failSaveAfterRewind === true;
  const cursorStore: CursorStore = {
    load: (c) => Promise.resolve(cursors.get(c)),
    save: (c, cursor) => {
      // The process dies right after the rewind recorded its retractions, before the cursor moved back.
      if (failNext && cursors.get(c) !== undefined && cursor.head.number < cursors.get(c)!.head.number) {
        failNext = false;
        return Promise.reject(new Error('killed'));
      }
      cursors.set(c, cursor);
      return Promise.resolve();
    },
  };
  const follower = new ChainFollower<Block>({
    chain: 'devchain', confirmations: 1, startBlock: 0, pollIntervalMs: 10, maxBlocksPerStep: 50,
    source: chain.source, cursorStore, sink, detect, logger: createLogger({ level: 'silent' }), metrics: createMetrics(),
    reorgLedger: createRedisReorgLedger(redis, prefix), now: () => options.now,
  });
  const drain = async (): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      const step = await follower.pollOnce();
      if (step.processed === 0 && !step.reorged) return;
    }
    throw new Error('did not catch up');
  };
  return { follower, sink, drain };
}

const retractionsOf = (movements: readonly Movement[]) => movements.filter((m) => m.event === 'movement.reorged');

describe('ChainFollower retractions', () => {
  it('a crash between the rewind and the cursor save: the restarted follower sends the same retraction once, with the first detectedAt', async () => {
    const prefix = uniqueRedisPrefix('follower-reorg');
    prefixes.push(prefix);
    const cursors = new Map<string, ChainCursor>();
    const chain = scriptedChain(12, { 5: txHash(1) });
    const first = harness(chain, prefix, cursors, { now: new Date('2026-11-30T10:00:00Z'), failSaveAfterRewind: true });
    await first.drain();
    const orphan = chain.block(5).header;
    expect(first.sink.movements.map((m) => m.blockHash)).toEqual([orphan.hash]);

    chain.fork(4, 'b', 15, { 7: txHash(1) });
    await expect(first.drain()).rejects.toThrow('killed');
    expect(retractionsOf(first.sink.movements)).toEqual([]);

    const restarted = harness(chain, prefix, cursors, { now: new Date('2026-11-30T10:05:00Z') });
    await restarted.drain();
    const [retraction, ...more] = retractionsOf(restarted.sink.movements);
    expect(more).toEqual([]);
    expect(retraction).toMatchObject({ blockHash: orphan.hash, reorg: { orphanedBlockHash: orphan.hash, detectedAt: '2026-11-30T10:00:00.000Z' } });
    const redetected = restarted.sink.movements.filter((m) => m.event === undefined);
    expect(redetected.map((m) => [m.blockHash, movementJobId(m)])).toEqual([[chain.block(7).header.hash, `${retraction!.id}-redetected-${chain.block(7).header.hash.slice(2)}`]]);
    // Sent only once the new branch reached the orphaned height, before the re-detection.
    expect(restarted.sink.movements.indexOf(retraction!)).toBeLessThan(restarted.sink.movements.indexOf(redetected[0]!));
  });

  it('a reorg deeper than the remembered window still retracts the alerts of the orphaned blocks it remembers', async () => {
    const prefix = uniqueRedisPrefix('follower-deep');
    prefixes.push(prefix);
    const cursors = new Map<string, ChainCursor>();
    const length = RECENT_BLOCKS_KEPT + 80;
    const late = length - 10;
    const chain = scriptedChain(length, { 50: txHash(2), [late]: txHash(3) });
    const { sink, drain } = harness(chain, prefix, cursors, { now: new Date('2026-11-30T11:00:00Z') });
    await drain();
    expect(sink.movements.map((m) => m.txHash)).toEqual([txHash(2), txHash(3)]);
    const orphan = chain.block(late).header;

    // Everything from block 60 replaced: deeper than the RECENT_BLOCKS_KEPT blocks the cursor remembers.
    chain.fork(60, 'c', length + 5);
    await drain();
    const retractions = retractionsOf(sink.movements);
    expect(retractions.map((m) => [m.txHash, m.reorg?.orphanedBlockHash])).toEqual([[txHash(3), orphan.hash]]);
    // Block 50 was not orphaned: its alert stands.
    expect(sink.movements.filter((m) => m.txHash === txHash(2))).toHaveLength(1);
  });
});
