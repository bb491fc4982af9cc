import type { LedgerChainConfig } from '../config/ledger-chain-schema.js';
import type { LedgerBlock } from '../core/ledger/ledger-block.js';
import { ledgerProfileOf } from '../core/ledger/ledger-profiles.js';
import { matchLedgerBlock } from '../core/ledger/match-ledger-block.js';
import type { Movement } from '../core/movement.js';
import { createLedgerHttpClient } from '../adapters/ledger/ledger-http-client.js';
import type { LedgerSource } from '../adapters/ledger/ledger-source.js';
import { LEDGER_SOURCES } from '../adapters/ledger/ledger-sources.js';
import type { RetryPolicy } from '../adapters/shared/retry-policy.js';
import { ChainFollower, type PollerWiring } from './chain-follower.js';
import { txShapes } from '../core/follow/tx-shapes.js';
import { beforeStepWithEnricher, type MovementEnricher } from './movement-enricher.js';

export interface LedgerPollerOptions extends PollerWiring {
  readonly chain: LedgerChainConfig;
  /** HTTP retry tuning (tests shorten it). */
  readonly retry?: Pick<RetryPolicy, 'attempts' | 'baseDelayMs' | 'maxDelayMs'>;
  readonly maxBackoffMs?: number;
  /** Issue #8: severity, USD value and flags filled before movements are queued. */
  readonly enricher?: MovementEnricher;
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
  const { chain, logger, metrics } = options;
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
        retry: {
          attempts: options.retry?.attempts ?? 3,
          baseDelayMs: options.retry?.baseDelayMs ?? 250,
          maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
          onRetry: ({ err, attempt, delayMs }) => {
            metrics.rpcErrors.inc({ chain: chain.id });
            // Errors name the chain, method and host only: never the API key or URL path.
            logger.warn({ chain: chain.id, attempt, retry_in_ms: delayMs, err }, `${profile.title} API request failed; retrying`);
          },
        },
      }),
    });

  const nativeAsset = profile.nativeAssetOf?.(chain.options) ?? profile.nativeAsset;
  const detect = (block: LedgerBlock, { headNumber }: { readonly headNumber: number }): Promise<readonly Movement[]> | readonly Movement[] => {
    const movements = matchLedgerBlock(block, { chain: chain.id, index: options.currentWatchlist(), headNumber, profile: { nativeAsset } });
    return options.enricher === undefined ? movements : options.enricher.enrich(movements);
  };

  const follower = new ChainFollower<LedgerBlock>({
    chain: chain.id,
    confirmations: chain.confirmations,
    startBlock: chain.startBlock,
    pollIntervalMs: chain.pollIntervalMs,
    maxBlocksPerStep: chain.maxBlocksPerBatch,
    source,
    cursorStore: options.cursorStore,
    sink: options.sink,
    logger,
    metrics,
    ...beforeStepWithEnricher(options.enricher, options.beforeStep),
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    ...(options.lease ? { lease: options.lease } : {}),
    ...(options.reorgLedger ? { reorgLedger: options.reorgLedger } : {}),
    detect: async (block, context) => {
      const movements = await detect(block, context);
      // Follow the money (issue #11): value a watched account sent; token legs only when it signed (collectOutgoingLegs).
      return options.follow === undefined ? movements : options.follow.afterMatch({ chain: chain.id, movements, txShape: txShapes(block.transactions), rematch: async () => detect(block, context) });
    },
  });
  return { follower, source };
}
