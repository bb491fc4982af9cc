import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeZilliqaBlock, zilliqaTxCount } from '../../../core/ledger/zilliqa/normalize-zilliqa-block.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerSource, LedgerSourceFactory, LedgerSourceOptions } from '../../ledger/ledger-source.js';

/**
 * Zilliqa over its JSON-RPC API (https://api.zilliqa.com, a seed/lookup node):
 * `GetNumTxBlocks` for the head (count - 1), `GetTxBlock` for a block's header,
 * `GetTxnBodiesForTxBlock` for its transactions with receipts (only when the
 * header announces some: nodes answer an error for an empty block).
 */
export function createZilliqaSource({ http, chain }: LedgerSourceOptions): LedgerSource {
  let malformedTransactions = 0;
  const isPermanent = (e: { code?: unknown }) => e.code === -32601;

  async function fetchBlock(n: number): Promise<LedgerBlock> {
    const txBlock = await http.rpc('GetTxBlock', [String(n)], { isPermanent });
    const bodies = zilliqaTxCount(txBlock) > 0 ? await http.rpc('GetTxnBodiesForTxBlock', [String(n)], { isPermanent }) : [];
    const { block, malformed } = normalizeZilliqaBlock(txBlock, bodies, n);
    malformedTransactions += malformed.length;
    return block;
  }

  async function fetchHeader(n: number): Promise<BlockHeader> {
    const txBlock = (await http.rpc('GetTxBlock', [String(n)], { isPermanent })) as { header?: Record<string, unknown> } | null;
    // Same checks as a full block, without fetching its transactions.
    return normalizeZilliqaBlock({ ...txBlock, header: { ...txBlock?.header, NumTxns: 0 } }, [], n).block.header;
  }

  return {
    async fetchHeadNumber() {
      const count = Number(await http.rpc('GetNumTxBlocks', [], { isPermanent }));
      if (!Number.isSafeInteger(count) || count < 1) throw new RetryableError('RPC_BAD_RESPONSE', `Zilliqa GetNumTxBlocks on chain ${chain.id} answered no block count`);
      return count - 1;
    },
    fetchBlocks: (numbers) => Promise.all(numbers.map(fetchBlock)),
    fetchHeaders: (numbers) => Promise.all(numbers.map(fetchHeader)),
    describe: () => ({ api: 'zilliqa json-rpc', blocks: 'GetTxBlock + GetTxnBodiesForTxBlock', host: http.currentHost(), malformedTransactions }),
  };
}

export const ZILLIQA_SOURCE: LedgerSourceFactory = {
  apiKeyHeader: (apiKey) => ({ name: 'x-api-key', value: apiKey }),
  create: createZilliqaSource,
};
