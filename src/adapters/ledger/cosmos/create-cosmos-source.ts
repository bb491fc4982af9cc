import { cosmosOptionsSchema } from '../../../core/ledger/cosmos/cosmos-profile.js';
import { normalizeCosmosBlock } from '../../../core/ledger/cosmos/normalize-cosmos-block.js';
import { RetryableError } from '../../../core/errors.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerHttpClient } from '../ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from '../ledger-source.js';

/**
 * A Cosmos SDK chain over its CometBFT RPC (port 26657, or a hosted one), by
 * the URI-over-HTTP GETs every CometBFT version serves: `/status` (head),
 * `/block?height=` (header, parent id, raw txs) and `/block_results?height=`
 * (each tx's code and events). No gRPC, LCD or tx indexer is needed.
 */
export const cosmosSourceFactory: LedgerSourceFactory = {
  create({ chain, http }) {
    return createCosmosSource(http, cosmosOptionsSchema.parse(chain.options ?? {}), chain.id);
  },
};

function createCosmosSource(http: LedgerHttpClient, options: ReturnType<typeof cosmosOptionsSchema.parse>, chainId: string): LedgerSource {
  let skippedTransactions = 0;
  let lastSkipped: string | null = null;

  async function call(path: string, what: string): Promise<unknown> {
    const answer = (await http.get(path)) as { result?: unknown; error?: unknown } | null;
    if (answer === null || typeof answer !== 'object') throw new RetryableError('RPC_BAD_RESPONSE', `${what} on chain ${chainId} answered no JSON-RPC object`);
    // "height N must be less than or equal to the current blockchain height", results not saved yet: the node will have them.
    if (answer.error !== undefined && answer.error !== null) throw new RetryableError('RPC_CALL_FAILED', `${what} on chain ${chainId} failed: ${describe(answer.error)}`);
    return answer.result;
  }

  return {
    async fetchHeadNumber() {
      const status = (await call('/status', 'status')) as { sync_info?: { latest_block_height?: unknown } } | null;
      const height = Number(status?.sync_info?.latest_block_height);
      if (!Number.isSafeInteger(height) || height < 1) throw new RetryableError('RPC_BAD_RESPONSE', `status on chain ${chainId} answered no latest_block_height`);
      return height;
    },
    async fetchBlocks(numbers) {
      return Promise.all(
        numbers.map(async (height) => {
          const [block, results] = await Promise.all([call(`/block?height=${height}`, 'block'), call(`/block_results?height=${height}`, 'block_results')]);
          const normalized = normalizeCosmosBlock({ block, results }, height, options);
          if (normalized.skipped.length > 0) {
            skippedTransactions += normalized.skipped.length;
            lastSkipped = `${normalized.skipped[0]!.hash} at ${height}: ${normalized.skipped[0]!.reason}`.slice(0, 300);
          }
          return normalized.block;
        }),
      );
    },
    async fetchHeaders(numbers): Promise<readonly BlockHeader[]> {
      return Promise.all(
        numbers.map(async (height) => {
          const block = await call(`/block?height=${height}`, 'block');
          // The header alone: no results are needed to walk parent ids back.
          return normalizeCosmosBlock({ block: stripTxs(block), results: { height: String(height), txs_results: [] } }, height, options).block.header;
        }),
      );
    },
    describe: () => ({ api: 'cometbft-rpc', methods: 'status, block, block_results', native_denom: options.nativeDenom, skipped_transactions: skippedTransactions, last_skipped_transaction: lastSkipped }),
  };
}

function stripTxs(block: unknown): unknown {
  const b = block as { block?: { data?: unknown } } | null;
  if (b === null || typeof b !== 'object' || b.block === undefined || typeof b.block !== 'object' || b.block === null) return block;
  return { ...b, block: { ...b.block, data: { txs: [] } } };
}

function describe(error: unknown): string {
  const e = error as { message?: unknown; data?: unknown } | null;
  const text = [e?.message, e?.data].filter((v) => typeof v === 'string').join(': ');
  return (text === '' ? 'error' : text).slice(0, 200);
}
