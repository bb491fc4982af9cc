import type { EvmChainConfig } from '../config/schema.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import type { Movement } from '../core/movement.js';
import type { EvmBlockData, TokenMetadata } from '../core/evm/evm-block-data.js';
import type { EvmLeg } from '../core/evm/collect-evm-legs.js';
import { findEvmLookupNeeds } from '../core/evm/find-evm-lookup-needs.js';
import { matchEvmBlock } from '../core/evm/match-evm-block.js';
import { tokenMetadataKey } from '../core/evm/token-metadata-key.js';
import { createEvmRpcClient } from '../adapters/evm-rpc/create-evm-rpc-client.js';
import { createEvmRpcSource, type EvmLogsMode, type EvmRpcSource } from '../adapters/evm-rpc/create-evm-rpc-source.js';
import { ChainFollower, type ChainSource, type PollerWiring } from './chain-follower.js';
import { beforeStepWithEnricher, type MovementEnricher } from './movement-enricher.js';
import { txShapes } from '../core/follow/tx-shapes.js';

export interface EvmPollerOptions extends PollerWiring {
  readonly chain: EvmChainConfig;
  /** RPC retry tuning (tests shorten it). */
  readonly rpc?: { readonly maxAttempts?: number; readonly baseBackoffMs?: number; readonly maxBackoffMs?: number };
  readonly traceReprobeMs?: number;
  readonly maxBackoffMs?: number;
  /** Steps in a row a per-token/per-transaction lookup may fail before it is given up (default 5; tests shorten it). */
  readonly maxLookupAttempts?: number;
  /** Issue #8: severity, USD value and flags filled before movements are queued. */
  readonly enricher?: MovementEnricher;
  /** Follow the node's `finalized` block instead of the newest one (the finality follower, issue #10). */
  readonly followFinalized?: boolean;
}

interface StepLookups {
  readonly index: WatchlistIndex;
  readonly txStatus: ReadonlyMap<string, boolean>;
  readonly tokens: ReadonlyMap<string, TokenMetadata>;
  readonly legs: readonly EvmLeg[];
}

const EVM_LOGS_MODES: readonly EvmLogsMode[] = ['blockReceipts', 'rangeLogs', 'blockLogs', 'txReceipts'];

export type EvmPoller = ChainFollower<EvmBlockData> & { readonly source: EvmRpcSource };

/**
 * Wires the EVM JSON-RPC source and the pure matcher into a ChainFollower.
 * Per block: match against the current watchlist; only if something touches
 * a watched address, fetch the status of those few transactions (unless the
 * block came with receipts) and the symbol/decimals of the tokens involved.
 * `pollOnce()` runs a single step (tests); `start()`/`stop()` run the loop.
 */
export function createEvmPoller(options: EvmPollerOptions): EvmPoller {
  const { chain, logger, metrics } = options;
  const client = createEvmRpcClient({
    chain: chain.id,
    urls: chain.rpcUrls,
    timeoutMs: chain.rpcTimeoutMs,
    ...options.rpc,
    onAttemptFailed: ({ url, attempt, error, retryInMs }) => {
      metrics.rpcErrors.inc({ chain: chain.id });
      // `url` is already redacted and error messages never carry full URLs.
      logger.warn({ chain: chain.id, rpc: url, attempt, retry_in_ms: retryInMs, err: error }, 'RPC request failed; failing over / retrying');
    },
  });
  const source = createEvmRpcSource({
    chain: chain.id,
    client,
    traces: chain.traces,
    ...(options.followFinalized === true ? { head: 'finalized' as const } : {}),
    ...(chain.arbtraceBelowBlock !== undefined ? { arbtraceBelowBlock: chain.arbtraceBelowBlock } : {}),
    ...(options.traceReprobeMs !== undefined ? { traceReprobeMs: options.traceReprobeMs } : {}),
    ...(options.maxLookupAttempts !== undefined ? { maxLookupAttempts: options.maxLookupAttempts } : {}),
    events: {
      onTraceModeChanged(mode, previous) {
        metrics.tracesAvailable.set({ chain: chain.id }, mode === 'none' ? 0 : 1);
        if (mode === 'none' && chain.traces === 'off') {
          logger.info({ chain: chain.id }, 'call traces disabled by config: internal transfers are not detected');
        } else if (mode === 'none') {
          // Logged once per change, not per block.
          logger.warn({ chain: chain.id }, 'the RPC node offers neither debug_traceBlockByNumber (callTracer) nor trace_block: internal transfers are not detected');
        } else {
          logger.info({ chain: chain.id, trace_mode: mode, previous_mode: previous ?? null }, 'call traces available: internal transfers are detected');
        }
      },
      onTraceGap(blockNumber, reason) {
        metrics.traceGaps.inc({ chain: chain.id });
        logger.warn({ chain: chain.id, block_number: blockNumber, reason }, 'block processed without internal transfers: its traces could not be had');
      },
      onLookupGap({ lookup, subject, blockNumber, reason, error }) {
        metrics.lookupGaps.inc({ chain: chain.id, lookup: lookup.replace('-', '_'), reason: reason.replace('-', '_') });
        const what = lookup === 'token-metadata'
          ? 'token metadata given up: its movements are alerted as token UNKNOWN with amounts in raw units'
          : 'transaction status given up: its movements are alerted as if it succeeded';
        logger.warn({ chain: chain.id, lookup, subject, block_number: blockNumber, reason, err: error }, what);
      },
      onReceiptsModeChanged(blockReceipts) {
        if (blockReceipts) logger.info({ chain: chain.id, block_receipts: true }, 'logs via eth_getBlockReceipts');
      },
      onLogsModeChanged(mode, previous) {
        for (const m of EVM_LOGS_MODES) metrics.evmLogsMode.set({ chain: chain.id, mode: m }, m === mode ? 1 : 0);
        const how: Record<EvmLogsMode, string> = {
          blockReceipts: 'logs via eth_getBlockReceipts',
          rangeLogs: 'eth_getBlockReceipts unavailable: logs via one range eth_getLogs per batch of blocks',
          blockLogs: 'range eth_getLogs refused: logs via eth_getLogs per block hash',
          txReceipts: 'eth_getLogs unavailable on this endpoint: logs via eth_getTransactionReceipt for every transaction (slow; use a node that offers eth_getLogs)',
        };
        const level = mode === 'txReceipts' ? 'warn' : 'info';
        logger[level]({ chain: chain.id, logs_mode: mode, previous_mode: previous ?? null }, how[mode]);
      },
    },
  });

  // Statuses of matched transactions and token metadata for a whole step are fetched together, right after
  // its blocks, instead of one round trip per block inside detect (which halved catch-up speed on busy lists).
  const lookups = new WeakMap<EvmBlockData, StepLookups>();
  const stepSource: ChainSource<EvmBlockData> = {
    fetchHeadNumber: () => source.fetchHeadNumber(),
    fetchHeaders: (numbers) => source.fetchHeaders(numbers),
    async fetchBlocks(numbers) {
      const blocks = await source.fetchBlocks(numbers);
      const index = options.currentWatchlist();
      const needs = blocks.map((block) => findEvmLookupNeeds(block, chain.id, index));
      const tokens = new Map(needs.flatMap((n) => n.tokens).map((t) => [tokenMetadataKey(t.standard, t.contract), t] as const));
      const [statuses, metadata] = await Promise.all([
        Promise.all(blocks.map((block, i) => source.fetchTxStatuses(block.header, needs[i]!.txHashes))),
        source.fetchTokenMetadata([...tokens.values()]),
      ]);
      blocks.forEach((block, i) => lookups.set(block, { index, txStatus: statuses[i]!, tokens: metadata, legs: needs[i]!.legs }));
      return blocks;
    },
  };

  const follower = new ChainFollower<EvmBlockData>({
    chain: chain.id,
    confirmations: chain.confirmations,
    startBlock: chain.startBlock,
    pollIntervalMs: chain.pollIntervalMs,
    maxBlocksPerStep: chain.maxBlocksPerBatch,
    source: stepSource,
    cursorStore: options.cursorStore,
    sink: options.sink,
    logger,
    metrics,
    ...beforeStepWithEnricher(options.enricher, options.beforeStep),
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    ...(options.lease ? { lease: options.lease } : {}),
    detect: async (block, context) => {
      const match = async (): Promise<readonly Movement[]> => {
        const movements = await detect(block, context);
        return options.enricher === undefined ? movements : options.enricher.enrich(movements);
      };
      const movements = await match();
      // Follow the money (issue #11): derive entries from what watched addresses sent, re-match for same-block hops.
      return options.follow === undefined ? movements : options.follow.afterMatch({ chain: chain.id, movements, txShape: txShapes(block.transactions), rematch: match });
    },
  });
  async function detect(block: EvmBlockData, { headNumber }: { readonly headNumber: number }): Promise<readonly Movement[]> {
      const index = options.currentWatchlist();
      const context = { chain: chain.id, index, headNumber, nativeSymbol: chain.nativeSymbol };
      const prefetched = lookups.get(block);
      if (prefetched?.index === index) return matchEvmBlock(block, { ...context, txStatus: prefetched.txStatus, tokens: prefetched.tokens, legs: prefetched.legs });
      // The watchlist changed since the step's blocks were fetched: look up what this block needs now.
      const needs = findEvmLookupNeeds(block, chain.id, index);
      const [txStatus, tokens] = await Promise.all([source.fetchTxStatuses(block.header, needs.txHashes), source.fetchTokenMetadata(needs.tokens, block.header.number)]);
      return matchEvmBlock(block, { ...context, txStatus, tokens, legs: needs.legs });
  }
  return Object.assign(follower, { source });
}
