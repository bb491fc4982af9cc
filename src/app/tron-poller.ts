import type { TronChainConfig } from '../config/schema.js';
import { findTronTokenNeeds } from '../core/tron/find-tron-token-needs.js';
import { matchTronBlock } from '../core/tron/match-tron-block.js';
import type { TronBlockData } from '../core/tron/tron-block-data.js';
import type { Movement } from '../core/movement.js';
import type { RetryPolicy } from '../adapters/shared/retry-policy.js';
import { createTronHttpSource } from '../adapters/tron-http/create-tron-http-source.js';
import { ChainFollower, type PollerWiring } from './chain-follower.js';
import { beforeStepWithEnricher, type MovementEnricher } from './movement-enricher.js';
import { txShapes } from '../core/follow/tx-shapes.js';

export interface TronPollerOptions extends PollerWiring {
  readonly chain: TronChainConfig;
  /** HTTP retry tuning (tests shorten it). */
  readonly retry?: Pick<RetryPolicy, 'attempts' | 'baseDelayMs' | 'maxDelayMs'>;
  readonly maxBackoffMs?: number;
  /** Issue #8: severity, USD value and flags filled before movements are queued. */
  readonly enricher?: MovementEnricher;
}

/**
 * Wires the Tron HTTP source and the pure matcher into the same ChainFollower
 * as EVM: cursor in Redis, confirmations (19 by default: a solidified block),
 * parent-hash reorg handling. `pollOnce()` runs a single step (tests).
 */
export function createTronPoller(options: TronPollerOptions): ChainFollower<TronBlockData> {
  const { chain, logger, metrics } = options;
  const source = createTronHttpSource({
    chain: chain.id,
    httpUrl: chain.httpUrl,
    apiKey: chain.apiKey,
    timeoutMs: chain.rpcTimeoutMs,
    retry: {
      attempts: options.retry?.attempts ?? 3,
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      onRetry: ({ err, attempt, delayMs }) => {
        metrics.rpcErrors.inc({ chain: chain.id });
        // Error messages name the chain, method and host only: never the API key or URL path.
        logger.warn({ chain: chain.id, attempt, retry_in_ms: delayMs, err }, 'Tron HTTP request failed; retrying');
      },
    },
  });
  const follower = new ChainFollower<TronBlockData>({
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
      // Follow the money (issue #11): derive entries from what watched addresses sent, re-match for same-block hops.
      return options.follow === undefined ? movements : options.follow.afterMatch({ chain: chain.id, movements, txShape: txShapes(block.transactions), rematch: () => detect(block, context) });
    },
  });

  async function detect(block: TronBlockData, { headNumber }: { readonly headNumber: number }): Promise<readonly Movement[]> {
      const index = options.currentWatchlist();
      // Symbol and decimals only for tokens outside the built-in table that moved a watched address's funds.
      const needs = findTronTokenNeeds(block, chain.id, index);
      const tokens = needs.length === 0 ? undefined : await source.fetchTrc20Metadata(needs);
      const movements = matchTronBlock(block, { chain: chain.id, index, headNumber, ...(tokens ? { tokens } : {}) });
      return options.enricher === undefined ? movements : options.enricher.enrich(movements);
  }
  return follower;
}
