import { RetryableError } from '../../../core/errors.js';
import { normalizePolkadotBlock, normalizePolkadotHeader } from '../../../core/ledger/polkadot/normalize-polkadot-block.js';
import { ss58PrefixOf } from '../../../core/ledger/polkadot/polkadot-profile.js';
import type { LedgerSourceFactory } from '../ledger-source.js';

/**
 * Polkadot through Substrate API Sidecar (REST over a node's RPC, the service
 * exchanges run for deposits): `GET /blocks/head/header?finalized=true` for the
 * finalized head, `GET /blocks/{n}` for extrinsics already decoded with the
 * runtime's metadata (success, events, signer, fee), `GET /blocks/{n}/header`
 * for reorg walks. Following finalized heads only, a block never changes.
 */
export const polkadotSourceFactory: LedgerSourceFactory = {
  create({ chain, http }) {
    const ss58Prefix = ss58PrefixOf({ addressPrefix: chain.addressPrefix });
    let skippedExtrinsics = 0;
    let lastSkipped: string | null = null;
    return {
      async fetchHeadNumber() {
        const header = (await http.get('/blocks/head/header?finalized=true')) as { number?: unknown } | null;
        const height = Number(header?.number);
        if (!Number.isSafeInteger(height) || height < 1) throw new RetryableError('RPC_BAD_RESPONSE', `blocks/head/header on chain ${chain.id} answered no block number`);
        return height;
      },
      async fetchBlocks(numbers) {
        return Promise.all(
          numbers.map(async (height) => {
            const normalized = normalizePolkadotBlock(await http.get(`/blocks/${height}`), height, ss58Prefix);
            if (normalized.skipped.length > 0) {
              skippedExtrinsics += normalized.skipped.length;
              lastSkipped = `${normalized.skipped[0]!.hash} at ${height}: ${normalized.skipped[0]!.reason}`.slice(0, 300);
            }
            return normalized.block;
          }),
        );
      },
      async fetchHeaders(numbers) {
        return Promise.all(numbers.map(async (height) => normalizePolkadotHeader(await http.get(`/blocks/${height}/header`), height)));
      },
      describe: () => ({ api: 'substrate-api-sidecar', head: 'finalized', ss58_prefix: ss58Prefix, skipped_extrinsics: skippedExtrinsics, last_skipped_extrinsic: lastSkipped }),
    };
  },
};
