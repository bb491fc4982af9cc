import type { Movement } from '../core/movement.js';
import type { BlockHeader } from '../core/ports.js';
import { txShapes } from '../core/follow/tx-shapes.js';
import type { RetryPolicy } from '../adapters/shared/retry-policy.js';
import { ChainFollower, type ChainSource, type PollerWiring } from './chain-follower.js';
import { beforeStepWithEnricher, type MovementEnricher } from './movement-enricher.js';

/** What Tron and the ledger families share: an HTTP API followed block by block, matched by a pure function. */
export interface AccountChainPollerOptions extends PollerWiring {
  /** HTTP retry tuning (tests shorten it). */
  readonly retry?: Pick<RetryPolicy, 'attempts' | 'baseDelayMs' | 'maxDelayMs'>;
  readonly maxBackoffMs?: number;
  /** Issue #8: severity, USD value and flags filled before movements are queued. */
  readonly enricher?: MovementEnricher;
}

interface FollowedChain {
  readonly id: string;
  readonly confirmations: number;
  readonly startBlock: 'latest' | number;
  readonly pollIntervalMs: number;
  readonly maxBlocksPerBatch: number;
}

/** The node client's retries: counted and logged by chain, method and host only (never a key or URL path). */
export function httpRetryOf(options: AccountChainPollerOptions, chainId: string, what: string): RetryPolicy {
  return {
    attempts: options.retry?.attempts ?? 3,
    baseDelayMs: options.retry?.baseDelayMs ?? 250,
    maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
    onRetry: ({ err, attempt, delayMs }) => {
      options.metrics.rpcErrors.inc({ chain: chainId });
      options.logger.warn({ chain: chainId, attempt, retry_in_ms: delayMs, err }, `${what} request failed; retrying`);
    },
  };
}

/**
 * The ChainFollower of an account chain (cursor in Redis, confirmations,
 * parent-hash reorg handling, enrichment before queueing), with follow the
 * money (issue #11) after each block: entries derived from what watched
 * addresses sent, and the block re-matched for same-block hops.
 */
export function createAccountChainFollower<TBlock extends { readonly header: BlockHeader; readonly transactions: readonly { readonly hash: string }[] }>(
  options: AccountChainPollerOptions,
  chain: FollowedChain,
  source: ChainSource<TBlock>,
  detect: (block: TBlock, context: { readonly headNumber: number }) => Promise<readonly Movement[]> | readonly Movement[],
): ChainFollower<TBlock> {
  return new ChainFollower<TBlock>({
    chain: chain.id,
    confirmations: chain.confirmations,
    startBlock: chain.startBlock,
    pollIntervalMs: chain.pollIntervalMs,
    maxBlocksPerStep: chain.maxBlocksPerBatch,
    source,
    cursorStore: options.cursorStore,
    sink: options.sink,
    logger: options.logger,
    metrics: options.metrics,
    ...beforeStepWithEnricher(options.enricher, options.beforeStep),
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    ...(options.lease ? { lease: options.lease } : {}),
    ...(options.reorgLedger ? { reorgLedger: options.reorgLedger } : {}),
    ...(options.follow ? { follow: options.follow } : {}),
    detect: async (block, context) => {
      const movements = await detect(block, context);
      return options.follow === undefined ? movements : options.follow.afterMatch({ chain: chain.id, movements, txShape: txShapes(block.transactions), rematch: async () => detect(block, context) });
    },
  });
}
