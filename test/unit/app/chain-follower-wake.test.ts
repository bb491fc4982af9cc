import { describe, expect, it } from 'vitest';
import { ChainFollower } from '../../../src/app/chain-follower.js';
import { createLogger } from '../../../src/app/logger.js';
import { createMetrics } from '../../../src/app/metrics.js';
import type { BlockHeader, ChainCursor } from '../../../src/core/ports.js';
import { waitFor } from '../../helpers/wait-for.js';

// A chain in memory whose head the test moves; the poll interval is an hour, so only wake() can run a step.
function follower(chain: { head: number }) {
  const header = (n: number): BlockHeader => ({ number: n, hash: `0x${n.toString(16).padStart(64, '0')}`, parentHash: `0x${(n - 1).toString(16).padStart(64, '0')}` });
  const cursors = new Map<string, ChainCursor>();
  const processed: number[] = [];
  const f = new ChainFollower<{ header: BlockHeader }>({
    chain: 'mem', confirmations: 1, startBlock: 1, pollIntervalMs: 3_600_000, maxBlocksPerStep: 10,
    source: {
      fetchHeadNumber: async () => chain.head,
      fetchBlocks: async (numbers) => numbers.map((n) => ({ header: header(n) })),
      fetchHeaders: async (numbers) => numbers.map(header),
    },
    cursorStore: { load: async (c) => cursors.get(c), save: async (c, cursor) => void cursors.set(c, cursor) },
    sink: { publish: async () => undefined },
    detect: (block) => (processed.push(block.header.number), []),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
  });
  return { f, processed };
}

describe('ChainFollower.wake() (a new head was announced)', () => {
  it('runs the next step at once instead of after the poll interval', async () => {
    const chain = { head: 3 };
    const { f, processed } = follower(chain);
    f.start();
    try {
      await waitFor(() => processed.length === 3, { what: 'the first blocks' });
      chain.head = 5;
      f.wake();
      await waitFor(() => processed.length === 5, { what: 'the blocks after wake()' });
      expect(processed).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await f.stop();
    }
  });
});
