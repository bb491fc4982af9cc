import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { kadenaOptionsSchema } from '../../../core/ledger/kadena/kadena-profile.js';
import { normalizeKadenaCut, type KadenaChainBlock } from '../../../core/ledger/kadena/normalize-kadena-cut.js';
import type { LedgerHttpClient } from '../../ledger/ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from '../../ledger/ledger-source.js';

/**
 * Kadena over a chainweb-node's REST API (`/chainweb/0.0/<network>`): the
 * current cut (`GET /cut`) gives each chain's head; the follower's block h is
 * every followed chain's block at height h on the branch of the current cut
 * (`POST /chain/{c}/block/branch?minheight=h&maxheight=h` with `upper` = the
 * chain's cut hash: winning branch only, header and payload with outputs in
 * one answer). The head is the lowest height of the followed chains.
 */
export function createKadenaSource(http: LedgerHttpClient, network: string, chains: readonly number[]): LedgerSource & { readonly skippedTransactions: () => number } {
  const base = `/chainweb/0.0/${encodeURIComponent(network === 'mainnet' ? 'mainnet01' : network)}`;
  let skippedTransactions = 0;

  async function fetchCut(): Promise<Map<number, { height: number; hash: string }>> {
    const cut = (await http.get(`${base}/cut`)) as { hashes?: Record<string, { height?: unknown; hash?: unknown }> } | null;
    const heads = new Map<number, { height: number; hash: string }>();
    for (const c of chains) {
      const entry = cut?.hashes?.[String(c)];
      if (typeof entry?.height !== 'number' || typeof entry.hash !== 'string') throw new RetryableError('RPC_BAD_RESPONSE', `Kadena cut has no head for chain ${c}`);
      heads.set(c, { height: entry.height, hash: entry.hash });
    }
    return heads;
  }

  async function fetchChainBlock(chainId: number, height: number, upper: string): Promise<KadenaChainBlock> {
    const answer = (await http.post(`${base}/chain/${chainId}/block/branch?minheight=${height}&maxheight=${height}`, { lower: [], upper: [upper] })) as { items?: unknown } | null;
    const items = Array.isArray(answer?.items) ? (answer.items as { header?: { height?: unknown }; payloadWithOutputs?: unknown }[]) : undefined;
    const item = items?.find((i) => i.header?.height === height);
    if (item === undefined) throw new RetryableError('RPC_BLOCK_MISSING', `Kadena chain ${chainId} has no block at height ${height} on the current branch yet`);
    return { chainId, header: item.header, payloadWithOutputs: item.payloadWithOutputs };
  }

  async function fetchCutBlocks(heights: readonly number[]): Promise<LedgerBlock[]> {
    const heads = await fetchCut();
    return Promise.all(
      heights.map(async (height) => {
        const blocks = await Promise.all(chains.map((c) => fetchChainBlock(c, height, heads.get(c)!.hash)));
        const { block, skipped } = normalizeKadenaCut(height, blocks);
        skippedTransactions += skipped.length;
        return block;
      }),
    );
  }

  return {
    async fetchHeadNumber() {
      const heads = await fetchCut();
      return Math.min(...[...heads.values()].map((h) => h.height));
    },
    fetchBlocks: fetchCutBlocks,
    fetchHeaders: async (heights) => (await fetchCutBlocks(heights)).map((b) => b.header),
    describe: () => ({ api: 'chainweb-node REST', host: http.currentHost(), chains: chains.join(','), skippedTransactions }),
    skippedTransactions: () => skippedTransactions,
  };
}

export const KADENA_SOURCE: LedgerSourceFactory = {
  create: ({ http, chain }) => createKadenaSource(http, chain.network, kadenaOptionsSchema.parse(chain.options ?? {}).chains),
};
