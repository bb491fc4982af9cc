import { describe, expect, it } from 'vitest';
import { ChainFollower } from '../../../src/app/chain-follower.js';
import { createLogger } from '../../../src/app/logger.js';
import { createMetrics } from '../../../src/app/metrics.js';
import type { Movement } from '../../../src/core/movement.js';
import type { BlockHeader, ChainCursor } from '../../../src/core/ports.js';

// Issue #13: a step's movements go out in one publish and the cursor is saved once per step. What must not
// change: the cursor never passes a block whose movements are not queued, and a block that fails to match
// does not hold back the blocks before it in the step.
const header = (n: number): BlockHeader => ({ number: n, hash: `0x${n.toString(16).padStart(64, '0')}`, parentHash: `0x${(n - 1).toString(16).padStart(64, '0')}` });
const movementOf = (n: number): Movement => ({ id: `mem-block${n}` }) as Movement;

function follower(options: { failDetectAt?: number; failPublish?: boolean } = {}) {
  const cursors = new Map<string, ChainCursor>();
  const publishes: string[][] = [];
  const saves: number[] = [];
  let publishFails = options.failPublish === true;
  const f = new ChainFollower<{ header: BlockHeader }>({
    chain: 'mem', confirmations: 1, startBlock: 1, pollIntervalMs: 3_600_000, maxBlocksPerStep: 5,
    source: {
      fetchHeadNumber: async () => 12,
      fetchBlocks: async (numbers) => numbers.map((n) => ({ header: header(n) })),
      fetchHeaders: async (numbers) => numbers.map(header),
    },
    cursorStore: {
      load: async (c) => cursors.get(c),
      save: async (c, cursor) => {
        saves.push(cursor.head.number);
        cursors.set(c, cursor);
      },
    },
    sink: {
      publish: async (movements) => {
        if (publishFails) throw new Error('queue down');
        publishes.push(movements.map((m) => m.id));
      },
    },
    detect: (block) => {
      if (block.header.number === options.failDetectAt) throw new Error(`cannot match block ${block.header.number}`);
      return [movementOf(block.header.number)];
    },
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });
  return { f, publishes, saves, cursors, healQueue: () => (publishFails = false) };
}

describe('ChainFollower: one queue write and one cursor save per step', () => {
  it('publishes every block of the step together, in block order, then saves the cursor at the last one', async () => {
    const { f, publishes, saves } = follower();
    await f.pollOnce();
    await f.pollOnce();
    expect(publishes).toEqual([
      ['mem-block1', 'mem-block2', 'mem-block3', 'mem-block4', 'mem-block5'],
      ['mem-block6', 'mem-block7', 'mem-block8', 'mem-block9', 'mem-block10'],
    ]);
    expect(saves).toEqual([5, 10]);
  });

  it('commits the blocks before one that fails to match, and the retried step starts at the failing block', async () => {
    const { f, publishes, saves } = follower({ failDetectAt: 4 });
    await expect(f.pollOnce()).rejects.toThrow('cannot match block 4');
    expect(publishes).toEqual([['mem-block1', 'mem-block2', 'mem-block3']]);
    expect(saves).toEqual([3]);
    expect(f.position?.head.number).toBe(3);
    await expect(f.pollOnce()).rejects.toThrow('cannot match block 4');
    expect(saves).toEqual([3]);
  });

  it('never moves the cursor when the queue refuses the step, and the retry queues every block again', async () => {
    const { f, publishes, saves, cursors, healQueue } = follower({ failPublish: true });
    await expect(f.pollOnce()).rejects.toThrow('queue down');
    expect(saves).toEqual([]);
    expect(cursors.size).toBe(0);
    healQueue();
    await f.pollOnce();
    expect(publishes).toEqual([['mem-block1', 'mem-block2', 'mem-block3', 'mem-block4', 'mem-block5']]);
    expect(saves).toEqual([5]);
  });
});
