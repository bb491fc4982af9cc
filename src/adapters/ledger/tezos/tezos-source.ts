import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeTezosBlock } from '../../../core/ledger/tezos/normalize-tezos-block.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerSource, LedgerSourceFactory, LedgerSourceOptions } from '../../ledger/ledger-source.js';

/**
 * Tezos over the Octez node RPC (`:8732`, or a public RPC such as
 * https://mainnet.tezos.ecadinfra.com): `GET /chains/main/blocks/head/header` for the
 * head, `GET /chains/main/blocks/{level}` for a block with its operations
 * and their results, `GET /chains/main/blocks/{level}/header` for reorg walks.
 * Octez answers 404 for a level it does not have yet: retried.
 */
export function createTezosSource({ http, chain }: LedgerSourceOptions): LedgerSource {
  let malformedOperations = 0;

  async function fetchBlock(level: number): Promise<LedgerBlock> {
    const { block, malformed } = normalizeTezosBlock(await http.get(`/chains/main/blocks/${level}`), level);
    malformedOperations += malformed.length;
    return block;
  }

  async function fetchHeader(level: number): Promise<BlockHeader> {
    const raw = (await http.get(`/chains/main/blocks/${level}/header`)) as { hash?: unknown; level?: unknown; predecessor?: unknown } | null;
    return normalizeTezosBlock({ hash: raw?.hash, header: { level: raw?.level, predecessor: raw?.predecessor }, operations: [] }, level).block.header;
  }

  return {
    async fetchHeadNumber() {
      const head = (await http.get('/chains/main/blocks/head/header')) as { level?: unknown } | null;
      const level = head?.level;
      if (typeof level !== 'number' || !Number.isSafeInteger(level) || level < 0) throw new RetryableError('RPC_BAD_RESPONSE', `Tezos head header on chain ${chain.id} has no level`);
      return level;
    },
    fetchBlocks: (levels) => Promise.all(levels.map(fetchBlock)),
    fetchHeaders: (levels) => Promise.all(levels.map(fetchHeader)),
    describe: () => ({ api: 'octez rpc', blocks: 'GET /chains/main/blocks/{level}', host: http.currentHost(), malformedOperations }),
  };
}

export const TEZOS_SOURCE: LedgerSourceFactory = {
  // Octez has no API keys; hosted RPC gateways that want one take it as a header (docs/tezos.md).
  apiKeyHeader: (apiKey) => ({ name: 'x-api-key', value: apiKey }),
  create: createTezosSource,
};
