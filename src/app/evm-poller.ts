import type { EvmChainConfig } from '../config/schema.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import type { Movement } from '../core/movement.js';
import type { EvmBlockData, TokenMetadata } from '../core/evm/evm-block-data.js';
import type { EvmLeg } from '../core/evm/collect-evm-legs.js';
import { findEvmLookupNeeds } from '../core/evm/find-evm-lookup-needs.js';
import { matchEvmBlock } from '../core/evm/match-evm-block.js';
import { tokenMetadataKey } from '../core/evm/token-metadata-key.js';
import { createEvmRpcClient, type RpcEndpointHealth } from '../adapters/evm-rpc/create-evm-rpc-client.js';
import { createEvmRpcSource, type EvmLogsMode, type EvmRpcSource } from '../adapters/evm-rpc/create-evm-rpc-source.js';
import { subscribeNewHeads, type NewHeadsSubscription } from '../adapters/evm-rpc/subscribe-new-heads.js';
import { ChainFollower, type ChainSource, type PollerWiring } from './chain-follower.js';
import { beforeStepWithEnricher, type MovementEnricher } from './movement-enricher.js';
import { RepeatGate } from './repeat-gate.js';
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
  /** Reconnect backoff of the newHeads WebSocket (chain.wsUrl); tests shorten it. */
  readonly newHeads?: { readonly minBackoffMs?: number; readonly maxBackoffMs?: number };
}

interface StepLookups {
  readonly index: WatchlistIndex;
  readonly txStatus: ReadonlyMap<string, boolean>;
  readonly tokens: ReadonlyMap<string, TokenMetadata>;
  readonly legs: readonly EvmLeg[];
}

/** Step ranges fetched ahead of the one being matched by the running loop (bounded: memory is this many steps). */
const PIPELINE_DEPTH = 2;

const EVM_LOGS_MODES: readonly EvmLogsMode[] = ['blockReceipts', 'rangeLogs', 'blockLogs', 'txReceipts'];

/** `rpcEndpoints`: each RPC URL's health as this poller's client saw it (dashboard chains page). */
export type EvmPoller = ChainFollower<EvmBlockData> & { readonly source: EvmRpcSource; rpcEndpoints(): readonly RpcEndpointHealth[] };

/**
 * Wires the EVM JSON-RPC source and the pure matcher into a ChainFollower.
 * Per block: match against the current watchlist; only if something touches
 * a watched address, fetch the status of those few transactions (unless the
 * block came with receipts) and the symbol/decimals of the tokens involved.
 * `pollOnce()` runs a single step (tests); `start()`/`stop()` run the loop.
 */
export function createEvmPoller(options: EvmPollerOptions): EvmPoller {
  const { chain, logger, metrics } = options;
  const rpcLogGate = new RepeatGate(60_000, Date.now);
  const client = createEvmRpcClient({
    chain: chain.id,
    urls: chain.rpcUrls,
    timeoutMs: chain.rpcTimeoutMs,
    ...options.rpc,
    onAttemptFailed: ({ url, attempt, error, kind, failedCalls, retriedCalls, retryInMs }) => {
      for (const [k, n] of Object.entries(failedCalls)) metrics.rpcErrors.inc({ chain: chain.id, kind: k }, n);
      metrics.rpcRetries.inc({ chain: chain.id }, retriedCalls);
      // Under a rate-limited endpoint every few requests fail: one line per kind per minute, with how many were held back.
      const gate = rpcLogGate.check(kind);
      if (!gate.log) return;
      // `url` is already redacted and error messages never carry full URLs.
      logger.warn({ chain: chain.id, rpc: url, kind, attempt, retried_calls: retriedCalls, retry_in_ms: retryInMs, repeated: gate.repeated, err: error }, 'RPC request failed; retrying the failed calls');
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
      onHeadBackwards({ previous, reported, accepted }) {
        metrics.rpcErrors.inc({ chain: chain.id, kind: 'head_backwards' });
        const gate = rpcLogGate.check('head_backwards');
        if (gate.log) logger.warn({ chain: chain.id, kind: 'head_backwards', previous_head: previous, reported_head: reported, accepted_head: accepted, repeated: gate.repeated }, 'the RPC node reported a head below an earlier one; asked again');
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
  // its blocks (statuses in ONE batch for every block of the step), instead of a round trip per block inside
  // detect (which halved catch-up speed on busy lists).
  const lookups = new WeakMap<EvmBlockData, StepLookups>();
  async function fetchBlocksWithLookups(numbers: readonly number[]): Promise<readonly EvmBlockData[]> {
    const blocks = await source.fetchBlocks(numbers);
    const index = options.currentWatchlist();
    const needs = blocks.map((block) => findEvmLookupNeeds(block, chain.id, index));
    const tokens = new Map(needs.flatMap((n) => n.tokens).map((t) => [tokenMetadataKey(t.standard, t.contract), t] as const));
    const [txStatus, metadata] = await Promise.all([
      source.fetchStepTxStatuses(blocks.map((block, i) => ({ block: block.header, txHashes: needs[i]!.txHashes }))),
      source.fetchTokenMetadata([...tokens.values()]),
    ]);
    blocks.forEach((block, i) => lookups.set(block, { index, txStatus, tokens: metadata, legs: needs[i]!.legs }));
    return blocks;
  }

  // The running loop pipelines a catch-up: while the follower matches, queues and saves one step's blocks,
  // the next PIPELINE_DEPTH steps' blocks (and their lookups) are already being fetched, so the node is never
  // idle waiting for chainwatch: one range's receipts are served while the next range's blocks and logs are
  // asked for and chainwatch normalises another. Only ranges the last head said are due are fetched ahead;
  // the follower still checks every block's parent hash and saves its cursor only after a block's movements
  // are queued, so a block reorged out after it was fetched is caught like any other.
  // pollOnce() alone (tests) fetches exactly its own step.
  let pipelining = false;
  let lastHead: number | undefined;
  interface AheadRange { readonly first: number; readonly count: number; doneAt: number | undefined; readonly blocks: Promise<readonly EvmBlockData[]> }
  let ahead: AheadRange[] = [];
  // Blocks fetched ahead are used by the very next steps; after a failed step (backoff) they are fetched again.
  const maxAheadAgeMs = Math.max(chain.pollIntervalMs, 1_000);

  /** Queues fetches of the ranges after `first - 1` until PIPELINE_DEPTH are in flight or the due head is reached. */
  function fetchAhead(first: number): void {
    if (!pipelining || lastHead === undefined) return;
    let next = ahead.length > 0 ? ahead[ahead.length - 1]!.first + ahead[ahead.length - 1]!.count : first;
    while (ahead.length < PIPELINE_DEPTH) {
      const last = Math.min(next + chain.maxBlocksPerBatch - 1, lastHead - (chain.confirmations - 1));
      if (last < next) return;
      const blocks = fetchBlocksWithLookups(range(next, last));
      const entry: AheadRange = { first: next, count: last - next + 1, doneAt: undefined, blocks };
      // A failure surfaces in the step that uses these blocks (which then fails and is retried as usual).
      blocks.then(() => (entry.doneAt = Date.now()), () => undefined);
      ahead.push(entry);
      next = last + 1;
    }
  }

  // When the head was asked for, and the background ask in flight (at most one).
  let headAskedAt: number | undefined;
  let headInFlight: Promise<unknown> | undefined;
  async function askHead(): Promise<number> {
    const askedAt = Date.now();
    const head = await source.fetchHeadNumber();
    lastHead = head;
    headAskedAt = askedAt;
    return head;
  }

  const stepSource: ChainSource<EvmBlockData> = {
    async fetchHeadNumber() {
      // Catching up with the next range already fetched ahead (so below the last head): the step needs no fresh
      // head to know it is due, and waiting for one would queue behind the node's work on the ranges ahead,
      // idling chainwatch for a round trip every step. The head asked for at the previous step serves (it is
      // at most a step old; an older head only under-counts confirmations, never processes a block too early)
      // and a fresh one is asked for alongside, for the next step and the ranges fetched ahead.
      if (pipelining && ahead.length > 0 && lastHead !== undefined && headAskedAt !== undefined && Date.now() - headAskedAt <= maxAheadAgeMs) {
        headInFlight ??= askHead().catch(() => undefined).finally(() => (headInFlight = undefined));
        return lastHead;
      }
      return askHead();
    },
    fetchHeaders(numbers) {
      // Only a reorg rewind asks for headers: nothing fetched ahead is used, and the next step asks for the head.
      ahead = [];
      headAskedAt = undefined;
      return source.fetchHeaders(numbers);
    },
    async fetchBlocks(numbers) {
      const fetched = ahead.shift();
      const usable = fetched !== undefined && fetched.first === numbers[0] && fetched.count === numbers.length && (fetched.doneAt === undefined || Date.now() - fetched.doneAt <= maxAheadAgeMs);
      // Ranges queued behind one that does not fit this step were fetched for another position: dropped.
      if (!usable) ahead = [];
      const next = numbers.length > 0 ? numbers[numbers.length - 1]! + 1 : undefined;
      if (usable) {
        // The pipeline is flowing: top it up before waiting for this range.
        if (next !== undefined) fetchAhead(next);
        return fetched.blocks;
      }
      // Not pipelined (first step, after a failure or a rewind): fetch this range alone, then the next ones.
      const blocks = await fetchBlocksWithLookups(numbers);
      if (next !== undefined) fetchAhead(next);
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
    ...(options.reorgLedger ? { reorgLedger: options.reorgLedger } : {}),
    ...(options.follow ? { follow: options.follow } : {}),
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
      const [txStatus, tokens] = await Promise.all([source.fetchStepTxStatuses([{ block: block.header, txHashes: needs.txHashes }]), source.fetchTokenMetadata(needs.tokens, block.header.number)]);
      return matchEvmBlock(block, { ...context, txStatus, tokens, legs: needs.legs });
  }
  // Issue #13: with chain.wsUrl, every head the node announces wakes the loop at once (latency of an alert is
  // then the fetch and the queue, not half a poll interval). The finality follower trails the `finalized`
  // block, which newHeads does not announce: it keeps polling only.
  let newHeads: NewHeadsSubscription | undefined;
  function followNewHeads(url: string): NewHeadsSubscription {
    return subscribeNewHeads({
      chain: chain.id,
      url,
      ...options.newHeads,
      onHead: (number) => {
        if (lastHead === undefined || number > lastHead) follower.wake();
      },
      onStateChange: (state) => {
        if (state.connected) logger.info({ chain: chain.id, ws: state.url }, 'following new heads over WebSocket (eth_subscribe newHeads)');
        else logger.warn({ chain: chain.id, ws: state.url, reason: state.reason, retry_in_ms: state.retryInMs }, 'newHeads WebSocket lost: polling every pollIntervalMs until it is back');
      },
    });
  }

  const startLoop = follower.start.bind(follower);
  const stopLoop = follower.stop.bind(follower);
  return Object.assign(follower, {
    source,
    rpcEndpoints: () => client.endpoints(),
    start(): void {
      pipelining = true;
      if (chain.wsUrl !== undefined && options.followFinalized !== true && newHeads === undefined) newHeads = followNewHeads(chain.wsUrl);
      startLoop();
    },
    async stop(): Promise<void> {
      pipelining = false;
      ahead = [];
      headAskedAt = undefined;
      newHeads?.close();
      newHeads = undefined;
      await stopLoop();
    },
  });
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}
