import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeVechainBlock } from '../../../core/ledger/vechain/normalize-vechain-block.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerSource, LedgerSourceFactory, LedgerSourceOptions } from '../../ledger/ledger-source.js';

/**
 * VeChainThor over its REST API (a Thor node's `/`, or a hosted one such as
 * https://mainnet.vechain.org): `GET /blocks/best` for the head,
 * `GET /blocks/{n}?expanded=true` for a block with its transactions and their
 * receipts (outputs with VET transfers and events), `GET /blocks/{n}` for a
 * header. Thor answers `null` for a block it does not have yet: retried.
 */
export function createVechainSource({ http, chain }: LedgerSourceOptions): LedgerSource {
  let malformedTransactions = 0;

  async function fetchBlock(n: number): Promise<LedgerBlock> {
    const raw = await http.get(`/blocks/${n}?expanded=true`);
    if (raw === null) throw new RetryableError('BLOCK_NOT_FOUND', `VeChain block ${n} is not on chain ${chain.id}'s node yet`);
    const { block, malformed } = normalizeVechainBlock(raw, n);
    malformedTransactions += malformed.length;
    return block;
  }

  async function fetchHeader(n: number): Promise<BlockHeader> {
    const raw = (await http.get(`/blocks/${n}`)) as { number?: unknown; id?: unknown; parentID?: unknown } | null;
    if (raw === null) throw new RetryableError('BLOCK_NOT_FOUND', `VeChain block ${n} is not on chain ${chain.id}'s node yet`);
    // Same checks as a full block, without its transactions (a compressed block lists ids only).
    return normalizeVechainBlock({ ...raw, transactions: [] }, n).block.header;
  }

  return {
    async fetchHeadNumber() {
      const best = (await http.get('/blocks/best')) as { number?: unknown } | null;
      const n = best?.number;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new RetryableError('RPC_BAD_RESPONSE', `VeChain /blocks/best on chain ${chain.id} answered no block number`);
      return n;
    },
    fetchBlocks: (numbers) => Promise.all(numbers.map(fetchBlock)),
    fetchHeaders: (numbers) => Promise.all(numbers.map(fetchHeader)),
    describe: () => ({ api: 'thor rest', blocks: 'GET /blocks/{n}?expanded=true', host: http.currentHost(), malformedTransactions }),
  };
}

export const VECHAIN_SOURCE: LedgerSourceFactory = {
  // Thor has no API keys of its own; hosted gateways that want one take it as a header (docs/vechain.md).
  apiKeyHeader: (apiKey) => ({ name: 'x-api-key', value: apiKey }),
  create: createVechainSource,
};
