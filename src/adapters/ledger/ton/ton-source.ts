import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeTonBlock } from '../../../core/ledger/ton/normalize-ton-block.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerHttpClient } from '../../ledger/ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from '../../ledger/ledger-source.js';

/** Transactions asked per page of `/api/v3/transactions` (toncenter caps limit at 1000; 256 keeps answers small). */
const PAGE_SIZE = 256;
/** Beyond this a masterchain block's transaction list is not believed (a node looping on offset). */
const MAX_PAGES = 400;

/**
 * TON over toncenter API v3 (an indexer: toncenter.com or a self-hosted
 * ton-indexer): the masterchain head from `/api/v3/masterchainInfo`, each
 * masterchain block (and its predecessor, for the parent hash) from
 * `/api/v3/blocks?workchain=-1&seqno=N`, and every shard transaction it
 * commits from `/api/v3/transactions?mc_seqno=N` page by page.
 */
export function createTonSource(http: LedgerHttpClient): LedgerSource & { readonly skippedTransactions: () => number } {
  // Root hashes of masterchain blocks already read: block N's parent is N-1's root hash, final once it exists.
  const rootHashes = new Map<number, string>();
  let skippedTransactions = 0;

  async function fetchMasterchainBlock(seqno: number): Promise<unknown> {
    const answer = (await http.get(`/api/v3/blocks?workchain=-1&seqno=${seqno}&limit=1`)) as { blocks?: unknown } | null;
    const blocks = answer?.blocks;
    if (!Array.isArray(blocks)) throw new RetryableError('RPC_BAD_RESPONSE', `TON /api/v3/blocks answered no block list for masterchain block ${seqno}`);
    const block = (blocks as { seqno?: unknown; workchain?: unknown; root_hash?: unknown }[]).find((x) => x.workchain === -1 && x.seqno === seqno);
    // The indexer has not written it yet: retried, never skipped.
    if (block === undefined || typeof block.root_hash !== 'string') throw new RetryableError('RPC_BLOCK_MISSING', `TON masterchain block ${seqno} is not indexed yet`);
    remember(seqno, block.root_hash);
    return block;
  }

  function remember(seqno: number, rootHash: string): void {
    rootHashes.set(seqno, rootHash);
    if (rootHashes.size > 256) rootHashes.delete(rootHashes.keys().next().value!);
  }

  async function rootHashOf(seqno: number): Promise<string> {
    const known = rootHashes.get(seqno);
    if (known !== undefined) return known;
    const block = (await fetchMasterchainBlock(seqno)) as { root_hash: string };
    return block.root_hash;
  }

  async function fetchTransactions(seqno: number): Promise<unknown[]> {
    const all: unknown[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = (await http.get(`/api/v3/transactions?mc_seqno=${seqno}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}&sort=asc`)) as { transactions?: unknown } | null;
      if (!Array.isArray(answer?.transactions)) throw new RetryableError('RPC_BAD_RESPONSE', `TON /api/v3/transactions answered no transaction list for masterchain block ${seqno}`);
      const list = answer.transactions as unknown[];
      all.push(...list);
      if (list.length < PAGE_SIZE) return all;
    }
    throw new RetryableError('RPC_BAD_RESPONSE', `TON masterchain block ${seqno} lists more than ${MAX_PAGES * PAGE_SIZE} transactions`);
  }

  async function fetchBlock(seqno: number): Promise<LedgerBlock> {
    const block = await fetchMasterchainBlock(seqno);
    const [parentRootHash, transactions] = await Promise.all([rootHashOf(seqno - 1), fetchTransactions(seqno)]);
    const { block: normalised, skipped } = normalizeTonBlock({ block, parentRootHash, transactions });
    skippedTransactions += skipped.length;
    return normalised;
  }

  return {
    async fetchHeadNumber() {
      const info = (await http.get('/api/v3/masterchainInfo')) as { last?: { seqno?: unknown } } | null;
      const seqno = info?.last?.seqno;
      if (typeof seqno !== 'number' || !Number.isSafeInteger(seqno) || seqno < 1) throw new RetryableError('RPC_BAD_RESPONSE', 'TON /api/v3/masterchainInfo answered no last.seqno');
      return seqno;
    },
    fetchBlocks: (numbers) => Promise.all(numbers.map(fetchBlock)),
    fetchHeaders: (numbers) =>
      Promise.all(
        numbers.map(async (seqno): Promise<BlockHeader> => {
          const block = await fetchMasterchainBlock(seqno);
          return normalizeTonBlock({ block, parentRootHash: await rootHashOf(seqno - 1), transactions: [] }).block.header;
        }),
      ),
    describe: () => ({ api: 'toncenter v3', host: http.currentHost(), transactions: 'mc_seqno pages', skippedTransactions }),
    skippedTransactions: () => skippedTransactions,
  };
}

export const TON_SOURCE: LedgerSourceFactory = {
  // toncenter takes its key in X-API-Key (without one it allows 1 request per second).
  apiKeyHeader: (apiKey) => ({ name: 'x-api-key', value: apiKey }),
  create: ({ http }) => createTonSource(http),
};
