import { RetryableError, redactUrl } from '../../core/errors.js';
import { DEFAULT_RPC_BACKOFF, computeRpcBackoffMs } from '../../core/rpc/compute-rpc-backoff.js';
import { HttpStatusError, JsonRpcCallError, MalformedResponseError, isHistoricalStateMissing, translateEvmRpcError, type JsonRpcErrorObject } from './translate-evm-rpc-error.js';

export interface JsonRpcRequest {
  readonly method: string;
  readonly params: readonly unknown[];
  /**
   * Checks a successful result before it is accepted: returns why it is unusable (logs of another
   * fork, no logs where the bloom says there are some), or undefined. An unusable result is
   * re-requested like a failed call (this call alone, on the next URL) and never returned.
   */
  readonly check?: (result: unknown) => string | undefined;
}

export type JsonRpcOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: JsonRpcErrorObject };

/** One failed attempt, as reported to onAttemptFailed (metrics and logs). */
export interface RpcAttemptFailure {
  /** Redacted: scheme and host only. */
  readonly url: string;
  readonly attempt: number;
  /** The first failure of the attempt, translated (its message is redacted). */
  readonly error: RetryableError | Error;
  /** Metric label: the error code without `RPC_`, lowercased (timeout, unreachable, rate_limited, http_error, bad_response, call_failed, inconsistent...). */
  readonly kind: string;
  /** Calls of the attempt that failed, by kind: a whole-request failure fails every call it carried. */
  readonly failedCalls: Readonly<Record<string, number>>;
  /** Calls that will be sent again (0 when the retries are exhausted). */
  readonly retriedCalls: number;
  readonly retryInMs: number;
}

export interface EvmRpcClient {
  /**
   * Sends all calls in ONE HTTP request (a JSON-RPC batch) and returns one
   * outcome per call, in order. Only what failed is sent again: a transport
   * failure (network, timeout, HTTP 429/5xx, a body that is not JSON) re-sends
   * the request; a call missing from the answer, a transient JSON-RPC error or
   * a result its `check` refuses re-sends that call alone. Retries fail over
   * across URLs with capped, jittered backoff honouring Retry-After (capped).
   * After `maxAttempts` a RetryableError is thrown, and the calls that did
   * succeed are kept for a short while, so the retried step does not fetch them
   * again. Per-call JSON-RPC errors that are permanent (method unavailable,
   * revert) or still failing after the retries are returned, not thrown: the
   * caller decides.
   */
  batch(calls: readonly JsonRpcRequest[]): Promise<JsonRpcOutcome[]>;
  /** One call; a JSON-RPC error is thrown translated (RetryableError/PermanentError). */
  call(method: string, params: readonly unknown[]): Promise<unknown>;
  /** Moves on to the next URL: for answers that parse as JSON-RPC but whose content is garbage. */
  failover(): void;
  /** Drops every result kept from failed batches (a reorg is being rewound: blocks by number may have changed). */
  forget(): void;
  /** Health of each configured URL as this client has seen it (dashboard chains page); URLs redacted. */
  endpoints(): readonly RpcEndpointHealth[];
}

/** One RPC URL as the client has seen it. Times are epoch ms; the error is its code and redacted message. */
export interface RpcEndpointHealth {
  /** Scheme and host only. */
  readonly url: string;
  /** The URL the next request goes to (failover moves it on). */
  readonly preferred: boolean;
  readonly lastOkAt: number | null;
  readonly lastFailureAt: number | null;
  readonly lastError: string | null;
  /** Failed attempts since its last success. */
  readonly consecutiveFailures: number;
}

export interface EvmRpcClientOptions {
  readonly chain: string;
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  /** Attempts per call across all URLs (default: 3 rounds over the URL list, at least 6). */
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Longest Retry-After obeyed (default 10 s): longer ones are cut short. */
  readonly maxRetryAfterMs?: number;
  /** How long results of a failed batch are kept for its retry (default 30 s). */
  readonly keepFetchedMs?: number;
  /**
   * After failing over, how long to stay on a later URL before trying the first (primary) one again
   * (default 60 s): the operator's first URL is usually their own node, the others paid or public fallbacks.
   */
  readonly primaryRetryMs?: number;
  /** Called on every failed attempt (for metrics and logs); the message is already redacted. */
  readonly onAttemptFailed?: (info: RpcAttemptFailure) => void;
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the backoff jitter (tests fix it). */
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Methods whose answer is fixed by their parameters (a block number, hash or transaction): safe to keep for a retried step. */
const KEEPABLE_METHODS = new Set([
  'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getBlockReceipts', 'eth_getLogs', 'eth_getTransactionReceipt',
  'debug_traceBlockByNumber', 'debug_traceBlockByHash', 'trace_block', 'arbtrace_block',
]);
const BLOCK_TAGS = /"(latest|pending|safe|finalized|earliest)"/;
/** Bounds the memory of kept results (full blocks can be large): oldest first out. */
const MAX_KEPT = 256;

type Pending = { readonly index: number; readonly call: JsonRpcRequest };

/**
 * JSON-RPC over HTTP with real batching, several URLs with failover, backoff,
 * Retry-After and timeouts. fetch is used directly (not an ethers provider):
 * we want raw results for the core's normalisers, not formatted objects.
 * URLs are redacted in every error and callback (paths carry API keys).
 */
export function createEvmRpcClient(options: EvmRpcClientOptions): EvmRpcClient {
  if (options.urls.length === 0) throw new Error(`chain ${options.chain}: no RPC URL configured`);
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const backoff = {
    baseMs: options.baseBackoffMs ?? DEFAULT_RPC_BACKOFF.baseMs,
    maxMs: options.maxBackoffMs ?? DEFAULT_RPC_BACKOFF.maxMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RPC_BACKOFF.maxRetryAfterMs,
  };
  const maxAttempts = options.maxAttempts ?? Math.max(6, options.urls.length * 3);
  const keepFetchedMs = options.keepFetchedMs ?? 30_000;
  let preferred = 0;
  /** When the client last moved off the first URL (null while on it). */
  let leftPrimaryAt: number | null = null;
  const primaryRetryMs = options.primaryRetryMs ?? 60_000;
  const moveTo = (index: number): void => {
    if (index !== 0 && preferred === 0) leftPrimaryAt = now();
    if (index === 0) leftPrimaryAt = null;
    preferred = index;
  };
  let nextId = 1;
  const endpoints = new Map(options.urls.map((url) => [url, toEndpoint(url)] as const));
  const health = options.urls.map(() => ({ lastOkAt: null as number | null, lastFailureAt: null as number | null, lastError: null as string | null, consecutiveFailures: 0 }));
  // Results of calls that succeeded in a batch that failed as a whole: served once to its retry.
  const kept = new Map<string, { readonly outcome: JsonRpcOutcome; readonly at: number }>();

  function keepKey(call: JsonRpcRequest): string | undefined {
    if (!KEEPABLE_METHODS.has(call.method)) return undefined;
    const key = `${call.method}:${JSON.stringify(call.params)}`;
    return BLOCK_TAGS.test(key) ? undefined : key;
  }

  function keep(call: JsonRpcRequest, outcome: JsonRpcOutcome): void {
    const key = keepKey(call);
    if (key === undefined || !outcome.ok) return;
    kept.delete(key);
    kept.set(key, { outcome, at: now() });
    while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  }

  /** A result kept from a failed batch, once: a block by number may be replaced by a reorg, so it is never served twice. */
  function takeKept(call: JsonRpcRequest): JsonRpcOutcome | undefined {
    // Nearly always empty: skip building a key (a JSON string of the params) for each of thousands of calls.
    if (kept.size === 0) return undefined;
    const key = keepKey(call);
    const entry = key === undefined ? undefined : kept.get(key);
    if (entry === undefined) return undefined;
    kept.delete(key!);
    return now() - entry.at <= keepFetchedMs ? entry.outcome : undefined;
  }

  /** One HTTP request; the answer per call, undefined for a call the answer left out (or garbled). */
  async function send(url: string, calls: readonly JsonRpcRequest[]): Promise<(JsonRpcOutcome | undefined)[]> {
    const ids = calls.map(() => nextId++);
    const body = calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params }));
    const endpoint = endpoints.get(url)!;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new HttpStatusError(res.status, parseRetryAfter(res.headers.get('retry-after')));
      }
      // Inside the try: a connection reset or the timeout can strike while the body streams in.
      text = await res.text();
    } catch (err) {
      if (err instanceof HttpStatusError) throw err;
      throw withoutUrl(err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new MalformedResponseError('body is not JSON (malformed or truncated)', { cause: err });
    }
    // A whole-batch error object (batch too large, rate limit) instead of an array.
    if (!Array.isArray(parsed)) throw new MalformedResponseError('batch response is not an array');
    const byId = new Map<number, JsonRpcOutcome>();
    for (const item of parsed) {
      // A garbled item is left out: its call is sent again, the good ones are kept.
      const outcome = parseOutcome(item);
      if (outcome !== undefined) byId.set(outcome.id, outcome.outcome);
    }
    return ids.map((id) => byId.get(id));
  }

  async function batch(calls: readonly JsonRpcRequest[]): Promise<JsonRpcOutcome[]> {
    if (calls.length === 0) return [];
    const methods = [...new Set(calls.map((c) => c.method))].join(',');
    const outcomes: (JsonRpcOutcome | undefined)[] = new Array<JsonRpcOutcome | undefined>(calls.length);
    let pending: Pending[] = [];
    // Back to the primary URL once it has had time to recover; if it still fails, the attempt fails over again.
    if (preferred !== 0 && leftPrimaryAt !== null && now() - leftPrimaryAt >= primaryRetryMs) moveTo(0);
    calls.forEach((call, index) => {
      const stored = takeKept(call);
      if (stored?.ok === true && call.check?.(stored.result) === undefined) outcomes[index] = stored;
      else pending.push({ index, call });
    });
    let roundTried = new Set<number>();
    let roundsFailed = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const i = preferred;
      const url = options.urls[i]!;
      const what = `${methods} (${pending.length} calls) on chain ${options.chain} via ${redactUrl(url)}`;
      const retry: Pending[] = [];
      const failedCalls: Record<string, number> = {};
      let firstError: RetryableError | Error | undefined;
      let retryAfterMs: number | undefined;
      const failed = (p: Pending, error: RetryableError | Error): void => {
        retry.push(p);
        const kind = kindOf(error);
        failedCalls[kind] = (failedCalls[kind] ?? 0) + 1;
        firstError ??= error;
      };
      try {
        const answers = await send(url, pending.map((p) => p.call));
        health[i] = { ...health[i]!, lastOkAt: now(), consecutiveFailures: 0 };
        pending.forEach((p, k) => {
          const answer = answers[k];
          if (answer === undefined) return failed(p, new RetryableError('RPC_BAD_RESPONSE', `${what}: the answer left out ${p.call.method}`));
          if (!answer.ok) {
            outcomes[p.index] = answer;
            if (isTransientCallError(answer.error)) failed(p, translateEvmRpcError(new JsonRpcCallError(answer.error), `${p.call.method} on chain ${options.chain} via ${redactUrl(url)}`));
            return;
          }
          const refused = p.call.check?.(answer.result);
          if (refused !== undefined) return failed(p, new RetryableError('RPC_INCONSISTENT', `${p.call.method} on chain ${options.chain} via ${redactUrl(url)}: ${refused}`));
          outcomes[p.index] = answer;
        });
      } catch (err) {
        const error = translateEvmRpcError(err, what);
        if (error.name === 'PermanentError' && !(err instanceof HttpStatusError)) throw error;
        retryAfterMs = err instanceof HttpStatusError ? err.retryAfterMs : undefined;
        for (const p of pending) failed(p, error);
      }
      if (retry.length === 0) break;
      const error = firstError!;
      // Fail over at once to a URL not yet tried this round; back off once every URL failed.
      roundTried.add(i);
      moveTo((i + 1) % options.urls.length);
      let retryInMs = 0;
      if (roundTried.size >= options.urls.length) {
        roundTried = new Set();
        roundsFailed++;
        retryInMs = computeRpcBackoffMs(backoff, roundsFailed, random(), retryAfterMs);
      }
      const exhausted = attempt >= maxAttempts;
      // A call still answering a transient JSON-RPC error is returned as that error: the caller decides.
      // A refused result (logs of another fork) is never stored, so it stays unanswered.
      const unanswered = retry.filter((p) => outcomes[p.index] === undefined);
      const seen = health[i]!;
      health[i] = { ...seen, lastFailureAt: now(), lastError: `${error instanceof RetryableError ? `${error.code}: ` : ''}${error.message}`, consecutiveFailures: seen.consecutiveFailures + 1 };
      options.onAttemptFailed?.({ url: redactUrl(url), attempt, error, kind: kindOf(error), failedCalls, retriedCalls: exhausted ? 0 : retry.length, retryInMs: exhausted ? 0 : retryInMs });
      if (exhausted) {
        if (unanswered.length === 0) break;
        calls.forEach((call, index) => {
          const outcome = outcomes[index];
          if (outcome !== undefined) keep(call, outcome);
        });
        const code = error instanceof RetryableError && error.code === 'RPC_INCONSISTENT' ? 'RPC_INCONSISTENT' : 'RPC_UNAVAILABLE';
        throw new RetryableError(code, `every RPC URL of chain ${options.chain} failed ${maxAttempts} attempts (${methods}): ${unanswered.length} of ${calls.length} calls unanswered`, { cause: error });
      }
      pending = retry;
      if (retryInMs > 0) await sleep(retryInMs);
    }
    return outcomes.map((o, index) => {
      if (o === undefined) throw new RetryableError('RPC_BAD_RESPONSE', `${calls[index]!.method} on chain ${options.chain} returned nothing`);
      return o;
    });
  }

  return {
    batch,
    failover() {
      moveTo((preferred + 1) % options.urls.length);
    },
    forget() {
      kept.clear();
    },
    endpoints: () => options.urls.map((url, k) => ({ url: redactUrl(url), preferred: k === preferred, ...health[k]! })),
    async call(method, params) {
      const [outcome] = await batch([{ method, params }]);
      if (!outcome) throw new RetryableError('RPC_BAD_RESPONSE', `${method} on chain ${options.chain} returned nothing`);
      if (!outcome.ok) throw translateEvmRpcError(new JsonRpcCallError(outcome.error), `${method} on chain ${options.chain}`);
      return outcome.result;
    },
  };
}

/**
 * A per-call JSON-RPC error worth asking again (internal error, limits, header not found). Not:
 * a permanent one (method unavailable, revert, bad params), nor pruned state (it stays pruned).
 */
function isTransientCallError(error: JsonRpcErrorObject): boolean {
  if (isHistoricalStateMissing(error)) return false;
  return translateEvmRpcError(new JsonRpcCallError(error), 'call').name === 'RetryableError';
}

/** The metric label of a failure: its code without `RPC_`, lowercased. */
function kindOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code.replace(/^RPC_/, '').toLowerCase() : 'error';
}

/** One item of a batch answer; undefined when it is not a well-formed JSON-RPC response. */
function parseOutcome(item: unknown): { readonly id: number; readonly outcome: JsonRpcOutcome } | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const r = item as { id?: unknown; result?: unknown; error?: unknown };
  if (typeof r.id !== 'number') return undefined;
  if (r.error !== undefined && r.error !== null) {
    const e = r.error as { code?: unknown; message?: unknown; data?: unknown };
    if (typeof e.code !== 'number') return undefined;
    return { id: r.id, outcome: { ok: false, error: { code: e.code, message: typeof e.message === 'string' ? e.message : '', data: e.data } } };
  }
  if (!('result' in r)) return undefined;
  return { id: r.id, outcome: { ok: true, result: r.result } };
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * fetch() refuses URLs with credentials (and would put the whole URL, password
 * included, in its error): `https://user:pass@host/` becomes a Basic
 * authorization header on the bare URL.
 */
function toEndpoint(raw: string): { readonly url: string; readonly headers: Readonly<Record<string, string>> } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: raw, headers: {} };
  }
  if (parsed.username === '' && parsed.password === '') return { url: raw, headers: {} };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}

/**
 * A fetch failure keeps its name and network code (what the translator reads)
 * but not its message or cause chain, which can quote the request URL and so
 * an API key in its path.
 */
function withoutUrl(err: unknown): Error {
  if (!(err instanceof Error)) return new Error('fetch failed');
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (err as { code?: unknown }).code;
  const safe = new Error(typeof code === 'string' ? `fetch failed (${code})` : 'fetch failed');
  safe.name = err.name;
  if (typeof code === 'string') (safe as Error & { code?: string }).code = code;
  return safe;
}
