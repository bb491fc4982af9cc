import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { PermanentError, RetryableError, redactUrl } from '../../core/errors.js';
import { fetchFailureError, httpStatusError } from '../shared/http-request-errors.js';
import { DEFAULT_RETRY_POLICY, retryPolicy, type RetryPolicy } from '../shared/retry-policy.js';

export interface LedgerHttpClientOptions {
  /** The chain id, for errors and logs. */
  readonly chain: string;
  /** The API base URL first, then fallbacks tried in order when it fails. */
  readonly urls: readonly string[];
  /** Header carrying the API key (`x-api-key`, `Authorization`...) and its value; both never logged. */
  readonly apiKeyHeader?: { readonly name: string; readonly value: string } | undefined;
  readonly timeoutMs: number;
  readonly retry?: RetryPolicy;
  readonly fetch?: typeof globalThis.fetch;
}

/** What a ledger chain's source uses to talk to its node: REST GET/POST and JSON-RPC 2.0, all retried. */
export interface LedgerHttpClient {
  /** GET `<base><path>` (path starts with `/`, query already encoded) -> parsed JSON. */
  get(path: string): Promise<unknown>;
  /** POST a JSON body to `<base><path>` -> parsed JSON. */
  post(path: string, body: unknown): Promise<unknown>;
  /**
   * JSON-RPC 2.0 call to `<base><path ?? ''>`: the `result`, or a RetryableError for an
   * `error` answer (nodes report "not yet available" that way); `isPermanent` marks
   * errors that will never succeed (an unknown method), which are then PermanentError.
   */
  rpc(method: string, params: unknown, options?: { readonly path?: string; readonly isPermanent?: (error: { code?: unknown; message?: unknown }) => boolean }): Promise<unknown>;
  /** The base URL in use, without path or credentials (for /readyz). */
  currentHost(): string;
}

/**
 * One HTTP client for every ledger family: per-request timeout, retries with
 * capped backoff (Retry-After honoured), failover to the next URL after a
 * failed request and back to the first a minute later. JSON is parsed
 * losslessly: integers beyond 2^53 (lamports, drops, planck amounts written
 * as bare numbers) come back as decimal strings, never rounded; a memo that
 * looks like a number stays a string. Errors name the chain, the method and
 * the host only: never a URL path, query or API key.
 */
export function createLedgerHttpClient(options: LedgerHttpClientOptions): LedgerHttpClient {
  if (options.urls.length === 0) throw new Error(`no API URL for chain ${options.chain}`);
  const doFetch = options.fetch ?? globalThis.fetch;
  const bases = options.urls.map((u) => u.replace(/\/+$/, ''));
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  let current = 0;
  let failedOverAt = 0;
  let rpcId = 0;

  function base(): string {
    // Back to the primary a minute after failing over: fallbacks are often rate limited public endpoints.
    if (current !== 0 && Date.now() - failedOverAt > 60_000) current = 0;
    return bases[current]!;
  }

  function failOver(): void {
    if (bases.length < 2) return;
    current = (current + 1) % bases.length;
    failedOverAt = Date.now();
  }

  async function request(method: 'GET' | 'POST', path: string, body: unknown, what: string): Promise<unknown> {
    return retryPolicy(policy, async () => {
      const url = base();
      const where = `${what} on chain ${options.chain} via ${redactUrl(url)}`;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (method === 'POST') headers['content-type'] = 'application/json';
      if (options.apiKeyHeader !== undefined && options.apiKeyHeader.value !== '') headers[options.apiKeyHeader.name] = options.apiKeyHeader.value;
      let res: Response;
      try {
        res = await doFetch(`${url}${path}`, { method, headers, ...(method === 'POST' ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (err) {
        failOver();
        throw fetchFailureError(err, where);
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        const err = httpStatusError(res.status, res.headers.get('retry-after'), where, { notFoundIsRetryable: true });
        if (err instanceof RetryableError) failOver();
        throw err;
      }
      const text = await res.text();
      try {
        return parseLossless(text, null, (value) => (isSafeNumber(value) ? Number(value) : value));
      } catch (err) {
        failOver();
        throw new RetryableError('RPC_BAD_RESPONSE', `${where} answered something that is not JSON`, { cause: err });
      }
    });
  }

  return {
    get: (path) => request('GET', path, undefined, `GET ${pathName(path)}`),
    post: (path, body) => request('POST', path, body, `POST ${pathName(path)}`),
    async rpc(method, params, rpcOptions) {
      const answer = (await request('POST', rpcOptions?.path ?? '', { jsonrpc: '2.0', id: ++rpcId, method, params }, method)) as { result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
      if (answer === null || typeof answer !== 'object') throw new RetryableError('RPC_BAD_RESPONSE', `${method} on chain ${options.chain} answered no JSON-RPC object`);
      if (answer.error !== undefined && answer.error !== null) {
        const message = `${method} on chain ${options.chain} failed: ${describeRpcError(answer.error)}`;
        if (rpcOptions?.isPermanent?.(answer.error) === true) throw new PermanentError('RPC_CALL_FAILED', message);
        throw new RetryableError('RPC_CALL_FAILED', message);
      }
      return answer.result;
    },
    currentHost: () => redactUrl(base()),
  };
}

function describeRpcError(error: { code?: unknown; message?: unknown }): string {
  const text = typeof error.message === 'string' ? error.message : typeof error.code === 'number' || typeof error.code === 'string' ? `code ${error.code}` : 'error';
  return text.slice(0, 200);
}

/** The path without its query (queries may hold keys or addresses that do not belong in logs). */
function pathName(path: string): string {
  const cut = path.indexOf('?');
  return (cut < 0 ? path : path.slice(0, cut)) || '/';
}
