import type { LedgerChainConfig } from '../config/ledger-chain-schema.js';
import type { LedgerBlock } from '../core/ledger/ledger-block.js';
import { ledgerProfileOf } from '../core/ledger/ledger-profiles.js';
import { matchLedgerBlock } from '../core/ledger/match-ledger-block.js';
import type { Movement } from '../core/movement.js';
import { createLedgerHttpClient } from '../adapters/ledger/ledger-http-client.js';
import type { LedgerSource } from '../adapters/ledger/ledger-source.js';
import { LEDGER_SOURCES } from '../adapters/ledger/ledger-sources.js';
import type { ChainFollower } from './chain-follower.js';
import { createAccountChainFollower, httpRetryOf, type AccountChainPollerOptions } from './account-chain-follower.js';

export interface LedgerPollerOptions extends AccountChainPollerOptions {
  readonly chain: LedgerChainConfig;
  /** Tests hand in their own source (a replay of recorded responses goes through the real adapter instead). */
  readonly source?: LedgerSource;
}

export interface LedgerPoller {
  readonly follower: ChainFollower<LedgerBlock>;
  readonly source: LedgerSource;
}

/**
 * Any ledger family (issue #14) through the same ChainFollower as EVM and
 * Tron: cursor in Redis, confirmations, parent-hash continuity and reorg
 * rewinds, retries that never skip a block; the family's source fetches and
 * normalises, the one pure matcher decides what is alerted.
 */
export function createLedgerPoller(options: LedgerPollerOptions): LedgerPoller {
  const { chain } = options;
  const profile = ledgerProfileOf(chain.kind);
  const factory = LEDGER_SOURCES[chain.kind];
  if (profile === undefined || factory === undefined) throw new Error(`chainwatch does not support ${chain.kind} chains yet`);
  const source =
    options.source ??
    factory.create({
      chain,
      http: createLedgerHttpClient({
        chain: chain.id,
        urls: [chain.apiUrl, ...(chain.fallbackApiUrls ?? [])],
        apiKeyHeader: chain.apiKey !== undefined && chain.apiKey !== '' && factory.apiKeyHeader !== undefined ? factory.apiKeyHeader(chain.apiKey) : undefined,
        timeoutMs: chain.rpcTimeoutMs,
        retry: httpRetryOf(options, chain.id, `${profile.title} API`),
      }),
    });

  const nativeAsset = profile.nativeAssetOf?.(chain.options) ?? profile.nativeAsset;
  const detect = (block: LedgerBlock, { headNumber }: { readonly headNumber: number }): Promise<readonly Movement[]> | readonly Movement[] => {
    const movements = matchLedgerBlock(block, { chain: chain.id, index: options.currentWatchlist(), headNumber, profile: { nativeAsset } });
    return options.enricher === undefined ? movements : options.enricher.enrich(movements);
  };

  const follower = createAccountChainFollower(options, chain, source, detect);
  return { follower, source };
}
