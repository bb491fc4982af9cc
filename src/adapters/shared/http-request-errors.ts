import { PermanentError, RetryableError } from '../../core/errors.js';

/**
 * The error for a node's non-2xx answer: 429 rate limited (with Retry-After when given), 408 and 5xx
 * retryable, anything else rejected for good (a wrong URL or API key). `notFoundIsRetryable`: REST nodes
 * answer 404 for a block that is not there yet. `what` names the request, never the URL's secrets.
 */
export function httpStatusError(status: number, retryAfter: string | null, what: string, options: { readonly notFoundIsRetryable?: boolean } = {}): Error {
  if (status === 429) {
    const err = new RetryableError('RPC_RATE_LIMITED', `${what} was rate limited (HTTP 429)`);
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) Object.assign(err, { retryAfterMs: seconds * 1000 });
    return err;
  }
  if ((status === 404 && options.notFoundIsRetryable === true) || status === 408 || status >= 500) return new RetryableError('RPC_HTTP_ERROR', `${what} failed with HTTP ${status}`);
  return new PermanentError('RPC_HTTP_REJECTED', `${what} was rejected with HTTP ${status} (check the URL and API key)`);
}

/** A failed fetch as a RetryableError: keeps the network code, drops the message (fetch errors can quote the URL). */
export function fetchFailureError(err: unknown, what: string): Error {
  const e = err as { name?: unknown; cause?: { code?: unknown } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new RetryableError('RPC_TIMEOUT', `${what} timed out`);
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : 'network error';
  return new RetryableError('RPC_UNREACHABLE', `${what} failed (${code})`);
}
