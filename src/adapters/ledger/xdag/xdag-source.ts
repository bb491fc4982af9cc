import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeXdagBlock, xdagAppliedBlocks, xdagLinkedBlocks, xdagMainBlock } from '../../../core/ledger/xdag/normalize-xdag-block.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerSource, LedgerSourceFactory, LedgerSourceOptions } from '../../ledger/ledger-source.js';

/** More blocks than one main block plausibly applies: beyond it the node is answering nonsense. */
const MAX_APPLIED_BLOCKS = 5_000;
/** Requests in flight per main block: a busy main block must not open thousands of sockets at once. */
const PARALLEL_REQUESTS = 16;

/**
 * XDAG over xdagj's JSON-RPC (port 10001 by default):
 * - `xdag_blockNumber`: the main-block height (the follower's block number);
 * - `xdag_getBlockByNumber(height, "0")`: the main block (page 0 = no
 *   transaction history query) with its refs; the parent is the main block one
 *   height below (answers carry no parent hash);
 * - `xdag_getBlockByHash(address, "0")`: each block reachable from the main
 *   block through its links whose fee ref names this main block or a block it
 *   applied (xdagj sets `BlockInfo.ref` to the block whose walk applied it); the
 *   walk stops at blocks applied by earlier main blocks.
 */
export function createXdagSource({ http, chain }: LedgerSourceOptions): LedgerSource {
  let malformedTransactions = 0;
  const isPermanent = (e: { code?: unknown }) => e.code === -32601;
  const mainBlock = (height: number) => http.rpc('xdag_getBlockByNumber', [String(height), '0'], { isPermanent });

  async function appliedBlocks(main: unknown, height: number): Promise<unknown[]> {
    const { address } = xdagMainBlock(main, height);
    const fetched = new Map<string, unknown>();
    const descended = new Set<string>();
    let parents: unknown[] = [main];
    while (parents.length > 0) {
      const next = [...new Set(parents.flatMap(xdagLinkedBlocks))].filter((a) => a !== address && !fetched.has(a));
      if (fetched.size + next.length > MAX_APPLIED_BLOCKS) throw new RetryableError('RPC_BAD_RESPONSE', `XDAG main block ${height} on chain ${chain.id} links more than ${MAX_APPLIED_BLOCKS} blocks`);
      for (let i = 0; i < next.length; i += PARALLEL_REQUESTS) {
        const batch = next.slice(i, i + PARALLEL_REQUESTS);
        const answers = await Promise.all(batch.map((a) => http.rpc('xdag_getBlockByHash', [a, '0'], { isPermanent })));
        batch.forEach((a, j) => fetched.set(a, answers[j]));
      }
      // Descend only into blocks this main block applied: a block applied through a witness block
      // names the witness in its fee ref, so it is known once the witness is.
      const fresh = xdagAppliedBlocks(address, fetched).filter((a) => !descended.has(a));
      fresh.forEach((a) => descended.add(a));
      parents = fresh.map((a) => fetched.get(a));
    }
    return xdagAppliedBlocks(address, fetched).map((a) => fetched.get(a));
  }

  async function fetchBlock(height: number): Promise<LedgerBlock> {
    const [main, previous] = await Promise.all([mainBlock(height), mainBlock(height - 1)]);
    const { block, malformed } = normalizeXdagBlock(main, previous, await appliedBlocks(main, height), height);
    malformedTransactions += malformed.length;
    return block;
  }

  async function fetchHeader(height: number): Promise<BlockHeader> {
    const [main, previous] = await Promise.all([mainBlock(height), mainBlock(height - 1)]);
    return normalizeXdagBlock(main, previous, [], height).block.header;
  }

  return {
    async fetchHeadNumber() {
      const head = Number(await http.rpc('xdag_blockNumber', [], { isPermanent }));
      if (!Number.isSafeInteger(head) || head < 1) throw new RetryableError('RPC_BAD_RESPONSE', `XDAG xdag_blockNumber on chain ${chain.id} answered no height`);
      return head;
    },
    fetchBlocks: (numbers) => Promise.all(numbers.map(fetchBlock)),
    fetchHeaders: (numbers) => Promise.all(numbers.map(fetchHeader)),
    describe: () => ({ api: 'xdagj json-rpc', blocks: 'xdag_getBlockByNumber + xdag_getBlockByHash', host: http.currentHost(), malformedTransactions }),
  };
}

export const XDAG_SOURCE: LedgerSourceFactory = { create: createXdagSource };
