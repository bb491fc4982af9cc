import { RetryableError, redactUrl } from '../../core/errors.js';
import { HttpStatusError, JsonRpcCallError, MalformedResponseError, translateEvmRpcError, type JsonRpcErrorObject } from './translate-evm-rpc-error.js';

export interface JsonRpcRequest {
  readonly method: string;
  readonly params: readonly unknown[];
}

export type JsonRpcOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: JsonRpcErrorObject };

export interface EvmRpcClient {
  /**
   * Sends all calls in ONE HTTP request (a JSON-RPC batch) and returns one
   * outcome per call, in order. Transport failures (network, timeout, HTTP
   * 429/5xx, garbage) fail over to the next URL with exponential backoff;
   * after `maxAttempts` a RetryableError is thrown. Per-call JSON-RPC errors
   * are returned, not thrown: the caller decides (e.g. method unavailable).
   */
  batch(calls: readonly JsonRpcRequest[]): Promise<JsonRpcOutcome[]>;
  /** One call; a JSON-RPC error is thrown translated (RetryableError/PermanentError). */
  call(method: string, params: readonly unknown[]): Promise<unknown>;
  /** Moves on to the next URL: for answers that parse as JSON-RPC but whose content is garbage. */
  failover(): void;
}

export interface EvmRpcClientOptions {
  readonly chain: string;
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  /** Attempts per batch across all URLs (default: 3 rounds over the URL list, at least 3). */
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Called on every failed attempt (for metrics and logs); the message is already redacted. */
  readonly onAttemptFailed?: (info: { readonly url: string; readonly attempt: number; readonly error: Error; readonly retryInMs: number }) => void;
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

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
  const baseBackoffMs = options.baseBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? Math.max(3, options.urls.length * 3);
  let preferred = 0;
  let nextId = 1;
  const endpoints = new Map(options.urls.map((url) => [url, toEndpoint(url)] as const));

  async function send(url: string, calls: readonly JsonRpcRequest[]): Promise<JsonRpcOutcome[]> {
    const ids = calls.map(() => nextId++);
    const body = calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params }));
    const endpoint = endpoints.get(url)!;
    let res: Response;
    try {
      res = await doFetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      throw withoutUrl(err);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new HttpStatusError(res.status, parseRetryAfter(res.headers.get('retry-after')));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await res.text());
    } catch (err) {
      throw new MalformedResponseError('body is not JSON', { cause: err });
    }
    // A whole-batch error object (batch too large, rate limit) instead of an array.
    if (!Array.isArray(parsed)) throw new MalformedResponseError('batch response is not an array');
    const byId = new Map<number, JsonRpcOutcome>();
    for (const item of parsed) {
      if (typeof item !== 'object' || item === null) throw new MalformedResponseError('batch item is not an object');
      const r = item as { id?: unknown; result?: unknown; error?: unknown };
      if (typeof r.id !== 'number') throw new MalformedResponseError('batch item without numeric id');
      if (r.error !== undefined && r.error !== null) {
        const e = r.error as { code?: unknown; message?: unknown; data?: unknown };
        if (typeof e.code !== 'number') throw new MalformedResponseError('error without code');
        byId.set(r.id, { ok: false, error: { code: e.code, message: typeof e.message === 'string' ? e.message : '', data: e.data } });
      } else if ('result' in r) {
        byId.set(r.id, { ok: true, result: r.result });
      } else {
        throw new MalformedResponseError('batch item without result or error');
      }
    }
    return ids.map((id) => {
      const outcome = byId.get(id);
      if (!outcome) throw new MalformedResponseError('batch response is missing a call');
      return outcome;
    });
  }

  async function batch(calls: readonly JsonRpcRequest[]): Promise<JsonRpcOutcome[]> {
    if (calls.length === 0) return [];
    const methods = [...new Set(calls.map((c) => c.method))].join(',');
    let lastError: Error | undefined;
    let roundTried = new Set<number>();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const i = preferred;
      const url = options.urls[i]!;
      try {
        const outcomes = await send(url, calls);
        return outcomes;
      } catch (err) {
        const error = translateEvmRpcError(err, `${methods} (${calls.length} calls) on chain ${options.chain} via ${redactUrl(url)}`);
        if (error.name === 'PermanentError' && !(err instanceof HttpStatusError)) throw error;
        lastError = error;
        roundTried.add(i);
        // Fail over at once to a URL not yet tried this round; back off once every URL failed.
        preferred = (i + 1) % options.urls.length;
        let retryInMs = 0;
        if (roundTried.size >= options.urls.length) {
          roundTried = new Set();
          retryInMs = Math.min(baseBackoffMs * 2 ** (attempt - 1), maxBackoffMs);
          const retryAfter = err instanceof HttpStatusError ? err.retryAfterMs : undefined;
          if (retryAfter !== undefined) retryInMs = Math.min(Math.max(retryInMs, retryAfter), maxBackoffMs * 6);
        }
        if (attempt === maxAttempts) retryInMs = 0;
        options.onAttemptFailed?.({ url: redactUrl(url), attempt, error, retryInMs });
        if (retryInMs > 0) await sleep(retryInMs);
      }
    }
    throw new RetryableError('RPC_UNAVAILABLE', `every RPC URL of chain ${options.chain} failed ${maxAttempts} attempts (${methods})`, { cause: lastError });
  }

  return {
    batch,
    failover() {
      preferred = (preferred + 1) % options.urls.length;
    },
    async call(method, params) {
      const [outcome] = await batch([{ method, params }]);
      if (!outcome) throw new RetryableError('RPC_BAD_RESPONSE', `${method} on chain ${options.chain} returned nothing`);
      if (!outcome.ok) throw translateEvmRpcError(new JsonRpcCallError(outcome.error), `${method} on chain ${options.chain}`);
      return outcome.result;
    },
  };
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
