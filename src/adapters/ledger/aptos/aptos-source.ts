import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeAptosBlock, type AptosParentRef, type AptosRawBlock } from '../../../core/ledger/aptos/normalize-aptos-block.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerHttpClient } from '../../ledger/ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from '../../ledger/ledger-source.js';

/** The REST API's page size for transactions (a block with more is completed through /v1/transactions). */
const TRANSACTION_PAGE = 100;

/**
 * Aptos over its node REST API (`/v1`, a fullnode or the Aptos Labs API
 * gateway): `GET /v1` for the head (`block_height`),
 * `GET /v1/blocks/by_height/{h}?with_transactions=true` per block, completed
 * with `GET /v1/transactions?start=&limit=` when the block holds more
 * transactions than one page. Each batch also reads the block before it
 * (without transactions) for the parent hash and version continuity (see
 * normalizeAptosBlock).
 */
export function createAptosSource(http: LedgerHttpClient, chainId: string): LedgerSource {
  let skippedTransactions = 0;

  async function fetchRaw(height: number, withTransactions: boolean): Promise<AptosRawBlock> {
    const raw = (await http.get(`/v1/blocks/by_height/${height}?with_transactions=${withTransactions}`)) as AptosRawBlock | null;
    if (raw === null || typeof raw !== 'object') throw new RetryableError('RPC_BAD_RESPONSE', `Aptos block ${height} on chain ${chainId} is no object`);
    if (!withTransactions || !Array.isArray(raw.transactions)) return raw;
    const first = BigInt(raw.first_version);
    const total = Number(BigInt(raw.last_version) - first + 1n);
    const transactions: unknown[] = [...(raw.transactions as readonly unknown[])];
    while (transactions.length < total) {
      const start = first + BigInt(transactions.length);
      const page = await http.get(`/v1/transactions?start=${start}&limit=${Math.min(TRANSACTION_PAGE, total - transactions.length)}`);
      if (!Array.isArray(page) || page.length === 0) throw new RetryableError('RPC_BAD_RESPONSE', `Aptos transactions from version ${start} on chain ${chainId} came back empty`);
      transactions.push(...(page as unknown[]));
    }
    return { ...raw, transactions: transactions.slice(0, total) };
  }

  async function parentOf(height: number): Promise<AptosParentRef | null> {
    if (height === 0) return null;
    return normalizeAptosBlock(height - 1, await fetchRaw(height - 1, false), null, { withTransactions: false }).ref;
  }

  async function fetchNormalized(numbers: readonly number[], withTransactions: boolean): Promise<LedgerBlock[]> {
    const [raws, firstParent] = await Promise.all([Promise.all(numbers.map((n) => fetchRaw(n, withTransactions))), parentOf(numbers[0]!)]);
    const blocks: LedgerBlock[] = [];
    let parent = firstParent;
    for (let i = 0; i < numbers.length; i++) {
      const height = numbers[i]!;
      // Numbers come consecutive from the follower; a gap (reorg walks ask single heights) re-reads the parent.
      if (i > 0 && numbers[i - 1] !== height - 1) parent = await parentOf(height);
      const out = normalizeAptosBlock(height, raws[i], parent, { withTransactions });
      skippedTransactions += out.skipped.length;
      parent = out.ref;
      blocks.push(out.block);
    }
    return blocks;
  }

  return {
    async fetchHeadNumber() {
      const info = (await http.get('/v1')) as { block_height?: unknown } | null;
      const height = typeof info?.block_height === 'string' && /^\d{1,15}$/.test(info.block_height) ? Number(info.block_height) : undefined;
      if (height === undefined) throw new RetryableError('RPC_BAD_RESPONSE', `GET /v1 on chain ${chainId} answered no block_height`);
      return height;
    },
    fetchBlocks: (numbers) => fetchNormalized(numbers, true),
    async fetchHeaders(numbers): Promise<readonly BlockHeader[]> {
      return (await fetchNormalized(numbers, false)).map((b) => b.header);
    },
    describe: () => ({ api: 'REST /v1', numbers: 'block heights (parent = previous block, checked by version contiguity)', unreadableTransactionsSkipped: skippedTransactions, host: http.currentHost() }),
  };
}

export const APTOS_SOURCE: LedgerSourceFactory = {
  // The Aptos Labs API gateway takes its keys as a bearer token.
  apiKeyHeader: (apiKey) => ({ name: 'authorization', value: `Bearer ${apiKey}` }),
  create: ({ chain, http }) => createAptosSource(http, chain.id),
};
