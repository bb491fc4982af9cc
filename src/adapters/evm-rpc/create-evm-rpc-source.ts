import { PermanentError, RetryableError } from '../../core/errors.js';
import type { BlockHeader } from '../../core/ports.js';
import type { EvmBlockData, EvmInternalTransfer, EvmTokenStandard, TokenMetadata } from '../../core/evm/evm-block-data.js';
import { normalizeEvmBlock, normalizeEvmHeader, type NormalizedEvmBlock } from '../../core/evm/normalize-evm-block.js';
import { normalizeEvmLogs } from '../../core/evm/normalize-evm-logs.js';
import { normalizeEvmReceipts } from '../../core/evm/normalize-evm-receipts.js';
import { normalizeEvmCallTraces } from '../../core/evm/normalize-evm-call-traces.js';
import { normalizeEvmParityTraces } from '../../core/evm/normalize-evm-parity-traces.js';
import { DECIMALS_SELECTOR, SYMBOL_SELECTOR, decodeTokenMetadata, unknownTokenMetadata } from '../../core/evm/decode-token-metadata.js';
import { tokenMetadataKey } from '../../core/evm/token-metadata-key.js';
import { parseQuantity } from '../../core/evm/parse-rpc-value.js';
import type { EvmRpcClient, JsonRpcOutcome, JsonRpcRequest } from './create-evm-rpc-client.js';
import { JsonRpcCallError, isHistoricalStateMissing, isMethodUnavailable, translateEvmRpcError } from './translate-evm-rpc-error.js';

/** How the node gives internal transfers: geth callTracer, parity trace_block, or not at all. */
export type EvmTraceMode = 'callTracer' | 'parity' | 'none';

/**
 * Where a block's logs come from, best first: eth_getBlockReceipts (logs and statuses in one call per
 * block), one range eth_getLogs for the whole batch, eth_getLogs per block hash, or, on endpoints
 * that disable eth_getLogs, eth_getTransactionReceipt for every transaction.
 */
export type EvmLogsMode = 'blockReceipts' | 'rangeLogs' | 'blockLogs' | 'txReceipts';

/** What the node was found to offer, for /readyz-style status pages. */
export interface EvmNodeStatus {
  readonly chain: string;
  /** undefined until the first blocks were fetched. */
  readonly logs: EvmLogsMode | undefined;
  readonly traces: EvmTraceMode | undefined;
  /** Blocks below this number are traced with Arbitrum's arbtrace_block (pre-Nitro history). */
  readonly arbtraceBelowBlock: number | undefined;
}

/** What the EVM source reports about the node; the poller turns it into logs and metrics. */
export interface EvmRpcSourceEvents {
  onTraceModeChanged?(mode: EvmTraceMode, previous: EvmTraceMode | undefined): void;
  onReceiptsModeChanged?(blockReceipts: boolean): void;
  onLogsModeChanged?(mode: EvmLogsMode, previous: EvmLogsMode | undefined): void;
  /** A block is processed without its internal transfers (its traces kept failing). */
  onTraceGap?(blockNumber: number, reason: string): void;
  /**
   * A per-token or per-transaction lookup is given up and the movement alerted with what is known:
   * `token-metadata` (the token is shown as UNKNOWN, amounts in raw units), `tx-status` (the
   * transaction counts as successful). `subject` is the token contract or transaction hash.
   */
  onLookupGap?(gap: EvmLookupGap): void;
  /**
   * The node's head went below one it reported before (a lagging backend behind a load balancer, or
   * a real reorg to a shorter chain). It was asked again; `accepted` is what the follower is given.
   */
  onHeadBackwards?(info: { readonly previous: number; readonly reported: number; readonly accepted: number }): void;
}

/** A lookup given up (see EvmRpcSourceEvents.onLookupGap). */
export interface EvmLookupGap {
  readonly lookup: 'token-metadata' | 'tx-status';
  readonly subject: string;
  readonly blockNumber: number | null;
  /** `execution-failed`: the call failed in the EVM (deterministic); `retries-exhausted`: it kept failing transiently. */
  readonly reason: 'execution-failed' | 'retries-exhausted';
  readonly error: Error;
}

export interface EvmRpcSourceOptions {
  readonly chain: string;
  readonly client: EvmRpcClient;
  /** 'off' never asks for traces. */
  readonly traces: 'auto' | 'off';
  /** Which head to follow: the newest block (default) or the node's `finalized` block (the finality follower). */
  readonly head?: 'latest' | 'finalized';
  /** How often to probe again for trace support (a node may be upgraded or another URL may offer it). */
  readonly traceReprobeMs?: number;
  readonly now?: () => number;
  readonly events?: EvmRpcSourceEvents;
  /**
   * Steps in a row a per-token or per-transaction lookup may fail transiently (each failure fails
   * the step, which is retried with backoff) before it is given up: one contract or transaction
   * never holds the chain hostage.
   */
  readonly maxLookupAttempts?: number;
  /**
   * Arbitrum One: blocks below the Nitro genesis (22,207,817) were produced by the classic chain and
   * can only be traced with arbtrace_block (parity format), which Nitro nodes forward to a classic node.
   */
  readonly arbtraceBelowBlock?: number;
}

/** Transactions of one block whose success is wanted (see EvmRpcSource.fetchStepTxStatuses). */
export interface TxStatusRequest {
  readonly block: BlockHeader;
  readonly txHashes: readonly string[];
}

export interface EvmRpcSource {
  fetchHeadNumber(): Promise<number>;
  fetchBlocks(numbers: readonly number[]): Promise<readonly EvmBlockData[]>;
  fetchHeaders(numbers: readonly number[]): Promise<readonly BlockHeader[]>;
  /**
   * Success of a few transactions of one block (batched eth_getTransactionReceipt). A receipt that
   * kept failing past maxLookupAttempts is left out (the transaction then counts as successful).
   */
  fetchTxStatuses(block: BlockHeader, txHashes: readonly string[]): Promise<ReadonlyMap<string, boolean>>;
  /**
   * The same for every block of a step in ONE JSON-RPC batch (not a round trip per block or per
   * transaction): success by lowercase transaction hash; each receipt is checked against its block.
   */
  fetchStepTxStatuses(wanted: readonly TxStatusRequest[]): Promise<ReadonlyMap<string, boolean>>;
  /**
   * symbol()/decimals() of token contracts (batched eth_call), keyed and cached by
   * tokenMetadataKey(standard, contract). `blockNumber` only names the block in gap reports.
   */
  fetchTokenMetadata(tokens: readonly { readonly contract: string; readonly standard: EvmTokenStandard }[], blockNumber?: number): Promise<ReadonlyMap<string, TokenMetadata>>;
  readonly traceMode: EvmTraceMode | undefined;
  readonly blockReceipts: boolean | undefined;
  readonly logsMode: EvmLogsMode | undefined;
  status(): EvmNodeStatus;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const rangeLogsRequest = (first: number, last: number): JsonRpcRequest => ({ method: 'eth_getLogs', params: [{ fromBlock: hex(first), toBlock: hex(last) }] });
const MAX_TRACE_ATTEMPTS = 3;
/** How long a step's blocks are reused by its retry (a retried step comes within the follower's 5 s backoff). */
const KEEP_BLOCKS_MS = 30_000;
const DEFAULT_MAX_LOOKUP_ATTEMPTS = 5;
/**
 * Gas given to each symbol()/decimals() eth_call. Real getters use a few thousand (proxies tens of
 * thousands); without a cap the node lends the whole block gas limit (30M+), so a hostile getter
 * that loops burns seconds of node time per call, or hits the node's EVM timeout.
 */
const METADATA_CALL_GAS = '0xf4240'; // 1,000,000
/** Failure counters kept at most (entries are dropped on success or give-up; this bounds leftovers of reorged blocks). */
const MAX_TRACKED_LOOKUPS = 10_000;

/**
 * The EVM ChainSource. Per step it sends:
 * 1. one batch: eth_getBlockByNumber(n, true) for every n, plus
 *    eth_getBlockReceipts(n) when the node has it, plus the trace call, plus
 *    (without block receipts, once ranges are known to work) one range
 *    eth_getLogs for the batch, each log checked against its block's hash;
 * 2. only when that range form is refused, eth_getLogs({blockHash}) per block.
 * No per-transaction receipt calls: statuses are fetched only for the few
 * transactions that matched, for the whole step at once (fetchStepTxStatuses).
 */
export function createEvmRpcSource(options: EvmRpcSourceOptions): EvmRpcSource {
  const { chain, client } = options;
  const now = options.now ?? Date.now;
  const reprobeMs = options.traceReprobeMs ?? 3_600_000;
  let traceMode: EvmTraceMode | undefined = options.traces === 'off' ? 'none' : undefined;
  let traceProbedAt = 0;
  let blockReceipts: boolean | undefined;
  let logsMode: EvmLogsMode | undefined;
  const tokenCache = new Map<string, TokenMetadata>();
  const maxLookupAttempts = options.maxLookupAttempts ?? DEFAULT_MAX_LOOKUP_ATTEMPTS;
  // Consecutive failed steps per lookup (`token:<key>`, `tx:<hash>`): bounded, then the lookup is given up.
  const lookupFailures = new Map<string, number>();

  /** Counts one more failure of a lookup; true when it has now failed maxLookupAttempts times (and is forgotten). */
  function exhausted(key: string): boolean {
    const failures = (lookupFailures.get(key) ?? 0) + 1;
    if (failures >= maxLookupAttempts) {
      lookupFailures.delete(key);
      return true;
    }
    if (lookupFailures.size >= MAX_TRACKED_LOOKUPS) lookupFailures.clear();
    lookupFailures.set(key, failures);
    return false;
  }
  // Trace failures per block: retried a few steps, then the block goes on without internal transfers.
  const traceFailures = new Map<number, number>();

  if (traceMode === 'none') options.events?.onTraceModeChanged?.('none', undefined);

  function setTraceMode(mode: EvmTraceMode): void {
    const previous = traceMode;
    traceMode = mode;
    traceProbedAt = now();
    if (previous !== mode) options.events?.onTraceModeChanged?.(mode, previous);
  }

  function setBlockReceipts(value: boolean): void {
    if (blockReceipts !== value) {
      blockReceipts = value;
      options.events?.onReceiptsModeChanged?.(value);
    }
  }

  function setLogsMode(mode: EvmLogsMode): void {
    const previous = logsMode;
    if (previous === mode) return;
    logsMode = mode;
    options.events?.onLogsModeChanged?.(mode, previous);
  }

  function fail(outcome: JsonRpcOutcome & { ok: false }, what: string): never {
    throw translateEvmRpcError(new JsonRpcCallError(outcome.error), `${what} on chain ${chain}`);
  }

  function isClassicArbitrum(n: number): boolean {
    return options.traces !== 'off' && options.arbtraceBelowBlock !== undefined && n < options.arbtraceBelowBlock;
  }

  function traceRequest(mode: EvmTraceMode, n: number): JsonRpcRequest | undefined {
    if (isClassicArbitrum(n)) return { method: 'arbtrace_block', params: [hex(n)] };
    if (mode === 'callTracer') return { method: 'debug_traceBlockByNumber', params: [hex(n), { tracer: 'callTracer' }] };
    if (mode === 'parity') return { method: 'trace_block', params: [hex(n)] };
    return undefined;
  }

  /** Probes debug_traceBlockByNumber/callTracer, then trace_block, on block n. */
  async function probeTraces(n: number): Promise<void> {
    for (const mode of ['callTracer', 'parity'] as const) {
      const request = mode === 'callTracer' ? { method: 'debug_traceBlockByNumber', params: [hex(n), { tracer: 'callTracer' }] } : { method: 'trace_block', params: [hex(n)] };
      const [outcome] = await client.batch([request]);
      if (outcome?.ok) {
        // A node that ignores the tracer answers with struct logs: not usable.
        const first: unknown = Array.isArray(outcome.result) ? outcome.result[0] : undefined;
        const ignoredTracer = mode === 'callTracer' && typeof first === 'object' && first !== null && 'result' in first &&
          typeof first.result === 'object' && first.result !== null && 'structLogs' in first.result;
        if (!ignoredTracer) return setTraceMode(mode);
        continue;
      }
      // The method exists; this node only pruned the block's state. Per-block gaps are handled in fetchBlocks.
      if (outcome && isHistoricalStateMissing(outcome.error)) return setTraceMode(mode);
      if (outcome && !isMethodUnavailable(outcome.error)) fail(outcome, `${request.method} of block ${n}`);
    }
    setTraceMode('none');
  }

  // The highest head reported; a lower one is asked again before the follower sees it.
  let highestHead: number | undefined;

  /**
   * A head below the last one is asked once more (the retry may reach another backend or URL) and
   * the higher answer wins. Both answers are current, so a real shortening of the chain (both low)
   * is followed; a lagging backend answering once does not make the follower wait a poll interval
   * for nothing. Either way the follower never rewinds on a head alone: only parent hashes do that.
   */
  async function fetchHeadNumber(): Promise<number> {
    const reported = await fetchHeadNumberOnce();
    if (highestHead === undefined || reported >= highestHead) {
      highestHead = reported;
      return reported;
    }
    const previous = highestHead;
    const accepted = Math.max(reported, await fetchHeadNumberOnce());
    highestHead = accepted;
    options.events?.onHeadBackwards?.({ previous, reported, accepted });
    return accepted;
  }

  async function fetchHeadNumberOnce(): Promise<number> {
    if (options.head === 'finalized') {
      const block = await client.call('eth_getBlockByNumber', ['finalized', false]);
      const number = typeof block === 'object' && block !== null && 'number' in block ? block.number : undefined;
      return parseQuantity(number, `finalized block number of chain ${chain}`);
    }
    const result = await client.call('eth_blockNumber', []);
    return parseQuantity(result, `head block number of chain ${chain}`);
  }

  // The blocks of the last fetchBlocks, for a step that failed after them (a lookup, Redis) and is
  // retried: it starts from the same block, so it is given these instead of fetching them again.
  let lastBlocks: { readonly at: number; readonly byNumber: ReadonlyMap<number, EvmBlockData> } | undefined;

  /** Only the follower's reorg rewind asks for headers: from then on nothing fetched before may be reused. */
  async function fetchHeaders(numbers: readonly number[]): Promise<readonly BlockHeader[]> {
    lastBlocks = undefined;
    client.forget();
    const outcomes = await client.batch(numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [hex(n), false] })));
    return outcomes.map((o, i) => {
      const n = numbers[i]!;
      if (!o.ok) fail(o, `eth_getBlockByNumber of block ${n}`);
      if (o.result === null) throw new RetryableError('BLOCK_NOT_AVAILABLE', `block ${n} of chain ${chain} is not available from the node yet`);
      return normalizeEvmHeader(o.result);
    });
  }

  /** A node whose answers do not hold together is skipped for the next attempt (if there is another URL). */
  async function fetchBlocks(numbers: readonly number[]): Promise<readonly EvmBlockData[]> {
    try {
      // The leading blocks the last call fetched (within KEEP_BLOCKS_MS) are reused; the rest is fetched.
      const reused: EvmBlockData[] = [];
      if (lastBlocks !== undefined && now() - lastBlocks.at <= KEEP_BLOCKS_MS) {
        for (const n of numbers) {
          const block = lastBlocks.byNumber.get(n);
          if (block === undefined) break;
          reused.push(block);
        }
      }
      const fetched = await fetchBlocksFromPreferredNode(numbers.slice(reused.length));
      const blocks = [...reused, ...fetched];
      lastBlocks = { at: reused.length > 0 ? lastBlocks!.at : now(), byNumber: new Map(blocks.map((b) => [b.header.number, b] as const)) };
      return blocks;
    } catch (err) {
      if (err instanceof RetryableError && (err.code === 'RPC_BAD_RESPONSE' || err.code === 'RPC_INCONSISTENT')) client.failover();
      throw err;
    }
  }

  async function fetchBlocksFromPreferredNode(numbers: readonly number[]): Promise<readonly EvmBlockData[]> {
    if (numbers.length === 0) return [];
    const modern = numbers.filter((n) => !isClassicArbitrum(n));
    if (options.traces !== 'off' && modern.length > 0 && (traceMode === undefined || now() - traceProbedAt >= reprobeMs)) await probeTraces(modern[0]!);
    const mode = traceMode ?? 'none';
    const useReceipts = logsMode === undefined || logsMode === 'blockReceipts';
    const calls: JsonRpcRequest[] = [];
    const slots = numbers.map((n) => {
      const block = calls.push({ method: 'eth_getBlockByNumber', params: [hex(n), true] }) - 1;
      const receipts = useReceipts ? calls.push({ method: 'eth_getBlockReceipts', params: [hex(n)] }) - 1 : -1;
      const trace = traceRequest(mode, n);
      const traces = trace ? calls.push(trace) - 1 : -1;
      return { n, block, receipts, traces };
    });
    // Once the node is known to answer range eth_getLogs, ask it in the same batch as the blocks: one round
    // trip per step instead of two (each log is still checked against its block's hash).
    const rangeLogs = logsMode === 'rangeLogs' ? calls.push(rangeLogsRequest(numbers[0]!, numbers[numbers.length - 1]!)) - 1 : -1;
    const outcomes = await client.batch(calls);

    const blocks: { n: number; block: NormalizedEvmBlock; receipts: JsonRpcOutcome | undefined; traces: JsonRpcOutcome | undefined }[] = [];
    // A block with logs has a non-zero logsBloom (the OR of its logs' blooms): it must get at least one log from a range query.
    const mayHaveLogs = new Set<number>();
    for (const s of slots) {
      const o = outcomes[s.block]!;
      if (!o.ok) fail(o, `eth_getBlockByNumber of block ${s.n}`);
      if (o.result === null) throw new RetryableError('BLOCK_NOT_AVAILABLE', `block ${s.n} of chain ${chain} is not available from the node yet`);
      const bloom = typeof o.result === 'object' && 'logsBloom' in o.result ? o.result.logsBloom : undefined;
      if (typeof bloom === 'string' && /[1-9a-f]/i.test(bloom.slice(2))) mayHaveLogs.add(s.n);
      blocks.push({ n: s.n, block: normalizeEvmBlock(o.result, s.n), receipts: s.receipts >= 0 ? outcomes[s.receipts] : undefined, traces: s.traces >= 0 ? outcomes[s.traces] : undefined });
    }

    // Receipts probe: the first answer decides for the life of the source.
    let haveReceipts = useReceipts;
    if (useReceipts) {
      const firstFailure = blocks.find((b) => b.receipts && !b.receipts.ok)?.receipts;
      if (firstFailure && !firstFailure.ok && isMethodUnavailable(firstFailure.error)) {
        setBlockReceipts(false);
        setLogsMode('rangeLogs');
        haveReceipts = false;
      } else if (firstFailure && !firstFailure.ok) {
        fail(firstFailure, `eth_getBlockReceipts of block ${blocks[0]!.n}`);
      } else {
        setBlockReceipts(true);
        setLogsMode('blockReceipts');
      }
    }

    // Receipts of another fork (or not one per transaction) are asked again, alone and checked; never used.
    if (haveReceipts) {
      const refused = blocks.filter((b) => b.receipts?.ok === true && receiptsProblem(b.receipts.result, b.block) !== undefined);
      if (refused.length > 0) {
        const again = await client.batch(refused.map((b) => ({ method: 'eth_getBlockReceipts', params: [hex(b.n)], check: (result: unknown) => receiptsProblem(result, b.block) })));
        refused.forEach((b, i) => (b.receipts = again[i]));
      }
    }

    let logsByBlock: readonly JsonRpcOutcome[] = [];
    let receiptsByBlock: readonly (readonly unknown[])[] | undefined;
    if (!haveReceipts) {
      const fetched = await fetchLogsWithoutBlockReceipts(blocks.map((b) => b.block), mayHaveLogs, rangeLogs >= 0 ? outcomes[rangeLogs] : undefined);
      logsByBlock = fetched.logs;
      receiptsByBlock = fetched.receipts;
    }

    let traceUnavailable = false;
    const result = blocks.map((b, i): EvmBlockData => {
      let logs;
      let txStatus: ReadonlyMap<string, boolean> | null = null;
      if (haveReceipts) {
        const r = b.receipts!;
        if (!r.ok) fail(r, `eth_getBlockReceipts of block ${b.n}`);
        const normalized = normalizeEvmReceipts(r.result, b.block.header);
        if (normalized.txStatus.size !== b.block.transactions.length) {
          throw new RetryableError('RPC_BAD_RESPONSE', `the RPC node returned ${normalized.txStatus.size} receipts for the ${b.block.transactions.length} transactions of block ${b.n}`);
        }
        logs = normalized.logs;
        txStatus = normalized.txStatus;
      } else if (receiptsByBlock !== undefined) {
        // eth_getLogs disabled: every transaction's receipt (logs and status).
        const normalized = normalizeEvmReceipts(receiptsByBlock[i], b.block.header);
        logs = normalized.logs;
        txStatus = normalized.txStatus;
      } else {
        const l = logsByBlock[i]!;
        if (!l.ok) fail(l, `eth_getLogs of block ${b.n}`);
        logs = normalizeEvmLogs(l.result, b.block.header);
      }
      let internalTransfers: EvmInternalTransfer[] | null = null;
      if (b.traces && isClassicArbitrum(b.n)) {
        // Pre-Nitro Arbitrum history: arbtrace_block or nothing (the node may not reach a classic node).
        try {
          if (!b.traces.ok) throw new PermanentError('TRACE_UNAVAILABLE', b.traces.error.message);
          internalTransfers = normalizeEvmParityTraces(b.traces.result, b.block.header);
        } catch (err) {
          if (!(err instanceof PermanentError)) throw err;
          options.events?.onTraceGap?.(b.n, `arbtrace_block: ${err.message}`);
        }
      } else if (b.traces) {
        if (!b.traces.ok && isHistoricalStateMissing(b.traces.error)) {
          // A pruned node cannot trace old blocks (catching up after downtime): retrying never helps,
          // and stalling the chain would hide every other movement. Go on without this block's internal transfers.
          options.events?.onTraceGap?.(b.n, b.traces.error.message);
        } else if (!b.traces.ok) {
          const failures = (traceFailures.get(b.n) ?? 0) + 1;
          traceFailures.set(b.n, failures);
          if (!isMethodUnavailable(b.traces.error)) {
            if (failures < MAX_TRACE_ATTEMPTS) fail(b.traces, `traces of block ${b.n}`);
            traceFailures.delete(b.n);
            options.events?.onTraceGap?.(b.n, b.traces.error.message);
          } else {
            traceUnavailable = true;
          }
        } else {
          traceFailures.delete(b.n);
          try {
            internalTransfers = mode === 'callTracer'
              ? normalizeEvmCallTraces(b.traces.result, { number: b.n, txHashes: b.block.transactions.map((t) => t.hash) })
              : normalizeEvmParityTraces(b.traces.result, b.block.header);
          } catch (err) {
            if (!(err instanceof PermanentError)) throw err;
            traceUnavailable = true;
          }
        }
      }
      return { header: b.block.header, timestamp: b.block.timestamp, transactions: b.block.transactions, logs, internalTransfers, txStatus };
    });
    // The node (or the URL we failed over to) stopped offering traces: probe again next step.
    if (traceUnavailable) {
      traceMode = undefined;
      throw new RetryableError('TRACES_CHANGED', `chain ${chain}: the node stopped answering ${mode} trace calls; probing again`);
    }
    return result;
  }

  /**
   * Logs of blocks when the node has no eth_getBlockReceipts: one range eth_getLogs over the batch
   * (each log is then checked against its block's hash by normalizeEvmLogs, so a fork in between is
   * an inconsistency, retried), else eth_getLogs per block hash, else (eth_getLogs disabled, as on
   * some public endpoints) every transaction's receipt. A refused form is not asked again.
   */
  async function fetchLogsWithoutBlockReceipts(
    blocks: readonly NormalizedEvmBlock[],
    mayHaveLogs: ReadonlySet<number>,
    rangeAnswer: JsonRpcOutcome | undefined,
  ): Promise<{ logs: readonly JsonRpcOutcome[]; receipts?: readonly (readonly unknown[])[] }> {
    if (logsMode === 'rangeLogs' || logsMode === undefined) {
      const first = blocks[0]!.header.number;
      const last = blocks[blocks.length - 1]!.header.number;
      // The answer that rode in the blocks' batch is used only if it passes the same check as a fresh
      // request; otherwise the range is asked again on its own, retried per call by the client.
      const prefetched = rangeAnswer?.ok === true && rangeLogsProblem(rangeAnswer.result, blocks, mayHaveLogs) === undefined ? rangeAnswer : undefined;
      const [outcome] = prefetched !== undefined ? [prefetched] : await client.batch([{ ...rangeLogsRequest(first, last), check: (result: unknown) => rangeLogsProblem(result, blocks, mayHaveLogs) }]);
      if (outcome?.ok && Array.isArray(outcome.result)) {
        setLogsMode('rangeLogs');
        const byNumber = new Map<number, unknown[]>(blocks.map((b) => [b.header.number, []]));
        for (const log of outcome.result as unknown[]) {
          const n = typeof log === 'object' && log !== null && 'blockNumber' in log ? Number(log.blockNumber) : NaN;
          const list = byNumber.get(n);
          if (list === undefined) throw new RetryableError('RPC_INCONSISTENT', `the RPC node returned a log of block ${String(n)} for the range ${first}-${last} on chain ${chain}`);
          list.push(log);
        }
        // A load-balanced endpoint can answer a range from a backend that has not seen the newest blocks:
        // no logs for a block whose bloom says it has some is an inconsistency (retried), not an empty block.
        const missing = blocks.find((b) => mayHaveLogs.has(b.header.number) && byNumber.get(b.header.number)!.length === 0);
        if (missing !== undefined) {
          throw new RetryableError('RPC_INCONSISTENT', `the RPC node returned no logs for block ${missing.header.number} of chain ${chain}, whose logs bloom is not empty`);
        }
        return { logs: blocks.map((b) => ({ ok: true as const, result: byNumber.get(b.header.number) })) };
      }
      // Ranges refused (disabled, too large for this provider's limits): per block hash from now on.
      setLogsMode('blockLogs');
    }
    if (logsMode === 'blockLogs') {
      const outcomes = await client.batch(blocks.map((b) => ({ method: 'eth_getLogs', params: [{ blockHash: b.header.hash }], check: (result: unknown) => logsProblem(result, b.header) })));
      const refused = outcomes.find((o): o is JsonRpcOutcome & { ok: false } => !o.ok && isMethodUnavailable(o.error));
      if (refused === undefined) return { logs: outcomes };
      setLogsMode('txReceipts');
    }
    const hashes = blocks.map((b) => b.transactions.map((t) => t.hash));
    const calls = blocks.flatMap((b) => b.transactions.map((t) => ({ method: 'eth_getTransactionReceipt', params: [t.hash], check: (result: unknown) => receiptProblem(result, b.header) })));
    const outcomes = await client.batch(calls);
    let k = 0;
    const receipts = hashes.map((list, i) =>
      list.map((h) => {
        const o = outcomes[k++]!;
        if (!o.ok) fail(o, `eth_getTransactionReceipt of ${h} in block ${blocks[i]!.header.number}`);
        if (o.result === null) throw new RetryableError('RPC_INCONSISTENT', `the RPC node has no receipt for transaction ${h} of block ${blocks[i]!.header.number} (reorg in progress?)`);
        return o.result;
      }),
    );
    return { logs: [], receipts };
  }

  function fetchTxStatuses(block: BlockHeader, txHashes: readonly string[]): Promise<ReadonlyMap<string, boolean>> {
    return fetchStepTxStatuses([{ block, txHashes }]);
  }

  async function fetchStepTxStatuses(wanted: readonly TxStatusRequest[]): Promise<ReadonlyMap<string, boolean>> {
    const items = wanted.flatMap(({ block, txHashes }) => txHashes.map((h) => ({ block, h })));
    if (items.length === 0) return new Map();
    let outcomes: readonly JsonRpcOutcome[];
    try {
      outcomes = await client.batch(items.map(({ block, h }) => ({ method: 'eth_getTransactionReceipt', params: [h], check: (result: unknown) => receiptProblem(result, block) })));
    } catch (err) {
      // The whole batch failed (after the client's own retries): a failed attempt for each of its lookups.
      const givenUp = items.filter(({ h }) => exhausted(`tx:${h}`));
      if (givenUp.length < items.length) throw err;
      for (const { block, h } of items) reportGap({ lookup: 'tx-status', subject: h, blockNumber: block.number, reason: 'retries-exhausted', error: asError(err) });
      return new Map();
    }
    const receipts = new Map<BlockHeader, unknown[]>();
    let failure: Error | undefined;
    outcomes.forEach((o, i) => {
      const { block, h } = items[i]!;
      let error: RetryableError | PermanentError | undefined;
      if (!o.ok) error = translateEvmRpcError(new JsonRpcCallError(o.error), `eth_getTransactionReceipt of ${h} in block ${block.number} on chain ${chain}`);
      else if (o.result === null) error = new RetryableError('RPC_INCONSISTENT', `the RPC node has no receipt for transaction ${h} of block ${block.number} (reorg in progress?)`);
      if (error === undefined) {
        lookupFailures.delete(`tx:${h}`);
        const list = receipts.get(block) ?? [];
        if (list.length === 0) receipts.set(block, list);
        list.push((o as JsonRpcOutcome & { ok: true }).result);
      } else if (exhausted(`tx:${h}`)) {
        // Alerted with what is known: the transaction counts as successful (a reverted one moved nothing,
        // so at worst a value leg is reported that did not happen; never a movement lost).
        reportGap({ lookup: 'tx-status', subject: h, blockNumber: block.number, reason: 'retries-exhausted', error });
      } else {
        failure ??= error;
      }
    });
    if (failure) throw failure;
    // Each block's receipts are checked against that block's hash (a receipt from another fork is retried).
    const statuses = new Map<string, boolean>();
    for (const [block, list] of receipts) for (const [h, ok] of normalizeEvmReceipts(list, block).txStatus) statuses.set(h, ok);
    return statuses;
  }

  async function fetchTokenMetadata(
    tokens: readonly { readonly contract: string; readonly standard: EvmTokenStandard }[],
    blockNumber?: number,
  ): Promise<ReadonlyMap<string, TokenMetadata>> {
    const out = new Map<string, TokenMetadata>();
    const missing = tokens.filter((t) => {
      const cached = tokenCache.get(tokenMetadataKey(t.standard, t.contract));
      if (cached) out.set(tokenMetadataKey(t.standard, t.contract), cached);
      return cached === undefined;
    });
    if (missing.length === 0) return out;
    const calls: JsonRpcRequest[] = [];
    for (const t of missing) {
      calls.push({ method: 'eth_call', params: [{ to: t.contract, data: SYMBOL_SELECTOR, gas: METADATA_CALL_GAS }, 'latest'] });
      calls.push({ method: 'eth_call', params: [{ to: t.contract, data: DECIMALS_SELECTOR, gas: METADATA_CALL_GAS }, 'latest'] });
    }
    const gap = (t: (typeof missing)[number], reason: EvmLookupGap['reason'], error: Error): void =>
      reportGap({ lookup: 'token-metadata', subject: t.contract, blockNumber: blockNumber ?? null, reason, error });
    let outcomes: readonly JsonRpcOutcome[];
    try {
      outcomes = await client.batch(calls);
    } catch (err) {
      const givenUp = missing.filter((t) => exhausted(`token:${tokenMetadataKey(t.standard, t.contract)}`));
      if (givenUp.length < missing.length) throw err;
      for (const t of missing) {
        gap(t, 'retries-exhausted', asError(err));
        out.set(tokenMetadataKey(t.standard, t.contract), unknownTokenMetadata(t.standard));
      }
      return out;
    }
    let failure: Error | undefined;
    missing.forEach((t, i) => {
      const key = tokenMetadataKey(t.standard, t.contract);
      const symbol = outcomes[2 * i]!;
      const decimals = outcomes[2 * i + 1]!;
      const data = (o: JsonRpcOutcome): string | undefined => (o.ok && typeof o.result === 'string' ? o.result : undefined);
      const translated = (o: JsonRpcOutcome & { ok: false }): RetryableError | PermanentError =>
        translateEvmRpcError(new JsonRpcCallError(o.error), `eth_call symbol()/decimals() of token ${t.contract} on chain ${chain}`);
      // A revert means "no such getter": fall back (raw units for an ERC-20), and cache the fallback.
      // A transient error (node busy) also falls back for the symbol, but is asked again next time.
      const definitive = (o: JsonRpcOutcome): boolean => o.ok || translated(o).name === 'PermanentError';
      if (t.standard === 'erc20' && !decimals.ok && translated(decimals).code === 'RPC_EXECUTION_FAILED') {
        // Out of gas, invalid opcode, the node's EVM timeout: deterministic, so retrying would stall the chain
        // forever on one hostile token. Report the movement with the token unknown and amounts raw.
        const meta = unknownTokenMetadata(t.standard);
        tokenCache.set(key, meta);
        lookupFailures.delete(`token:${key}`);
        out.set(key, meta);
        gap(t, 'execution-failed', translated(decimals));
        return;
      }
      // An ERC-20 amount is only readable with its decimals: a transient failure must not turn
      // 1.5 USDC into "1500000 USDC" in an alert that can never be corrected. Retry the step instead,
      // a bounded number of times; then alert it as an unknown token in raw units.
      if (t.standard === 'erc20' && !decimals.ok && !definitive(decimals)) {
        const error = new RetryableError('RPC_TOKEN_METADATA', `decimals() of token ${t.contract} on chain ${chain} failed transiently; retrying the step`, { cause: translated(decimals) });
        if (!exhausted(`token:${key}`)) {
          failure ??= error;
          return;
        }
        out.set(key, unknownTokenMetadata(t.standard));
        gap(t, 'retries-exhausted', error);
        return;
      }
      lookupFailures.delete(`token:${key}`);
      const meta = decodeTokenMetadata(t.standard, data(symbol), data(decimals));
      if (definitive(symbol) && definitive(decimals)) tokenCache.set(key, meta);
      out.set(key, meta);
    });
    if (failure) throw failure;
    return out;
  }

  function reportGap(gap: EvmLookupGap): void {
    options.events?.onLookupGap?.(gap);
  }

  return {
    fetchHeadNumber,
    fetchBlocks,
    fetchHeaders,
    fetchTxStatuses,
    fetchStepTxStatuses,
    fetchTokenMetadata,
    get traceMode() {
      return traceMode;
    },
    get blockReceipts() {
      return blockReceipts;
    },
    get logsMode() {
      return logsMode;
    },
    status: () => ({ chain, logs: logsMode, traces: traceMode, arbtraceBelowBlock: options.arbtraceBelowBlock }),
  };
}

/*
 * Checks run on results before they are accepted (JsonRpcRequest.check): a node serving a stale
 * fork answers with logs and receipts of another block under the same number. Such results are
 * asked again, never used, and the block is never skipped (the step fails if they persist). The
 * normalisers check the same again (normalizeEvmLogs/normalizeEvmReceipts): these only make the
 * retry per call instead of per step.
 */

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function sameHash(value: unknown, hash: string): boolean {
  // Equal strings first: nodes answer lowercase, and lowercasing copies (this runs for every log and receipt).
  return typeof value === 'string' && (value === hash || value.toLowerCase() === hash.toLowerCase());
}

/** Logs of one block (eth_getLogs by block hash, or a receipt's logs). */
function logsProblem(result: unknown, block: BlockHeader): string | undefined {
  if (!Array.isArray(result)) return undefined;
  const stray: unknown = (result as unknown[]).find((log) => !sameHash(field(log, 'blockHash'), block.hash));
  return stray === undefined ? undefined : `a log from another fork than block ${block.number} (block hash ${String(field(stray, 'blockHash'))}, expected ${block.hash})`;
}

/** A range eth_getLogs: every log belongs to one of the blocks, under its hash, and no block whose bloom says it has logs comes back empty. */
function rangeLogsProblem(result: unknown, blocks: readonly NormalizedEvmBlock[], mayHaveLogs: ReadonlySet<number>): string | undefined {
  if (!Array.isArray(result)) return undefined;
  const hashes = new Map(blocks.map((b) => [b.header.number, b.header.hash] as const));
  const seen = new Set<number>();
  for (const log of result) {
    const n = Number(field(log, 'blockNumber'));
    const hash = hashes.get(n);
    if (hash === undefined) return `a log of block ${String(field(log, 'blockNumber'))} outside the range asked`;
    if (!sameHash(field(log, 'blockHash'), hash)) return `a log from another fork than block ${n} (block hash ${String(field(log, 'blockHash'))}, expected ${hash})`;
    seen.add(n);
  }
  // A load-balanced endpoint can answer from a backend that has not seen the newest blocks.
  const empty = [...mayHaveLogs].find((n) => !seen.has(n));
  return empty === undefined ? undefined : `no logs for block ${empty}, whose logs bloom is not empty`;
}

/** One eth_getTransactionReceipt of a transaction of `block`. */
function receiptProblem(result: unknown, block: BlockHeader): string | undefined {
  if (result === null) return `no receipt for a transaction of block ${block.number} (reorg in progress or a lagging backend)`;
  if (!sameHash(field(result, 'blockHash'), block.hash)) return `a receipt from another fork than block ${block.number}`;
  const logs = field(result, 'logs');
  return logsProblem(logs, block);
}

/** eth_getBlockReceipts of `block`: one receipt per transaction, all of this block. */
function receiptsProblem(result: unknown, block: NormalizedEvmBlock): string | undefined {
  if (!Array.isArray(result)) return undefined;
  if (result.length !== block.transactions.length) return `${result.length} receipts for the ${block.transactions.length} transactions of block ${block.header.number}`;
  for (const receipt of result) {
    const problem = receiptProblem(receipt, block.header);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
