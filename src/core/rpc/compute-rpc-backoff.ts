/**
 * How long an RPC client waits before re-sending a failed request, once every
 * URL failed this round (a failover to an untried URL happens at once).
 *   exp(n)   = min(maxMs, baseMs * 2^(n-1)),  n = rounds failed so far (1-based)
 *   delay(n) = exp(n)/2 + random * exp(n)/2   ("equal jitter": never instant, never in lockstep)
 * A server's Retry-After (HTTP 429/503) is honoured as a lower bound but capped at
 * maxRetryAfterMs: a public endpoint asking for minutes must not stall detection;
 * the request is retried (or failed over) sooner and may be refused again.
 */
export interface RpcBackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Upper bound for a Retry-After we obey. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RPC_BACKOFF: RpcBackoffPolicy = { baseMs: 250, maxMs: 5_000, maxRetryAfterMs: 10_000 };

/** `random` is a number in [0, 1) (Math.random in production, fixed in tests). */
export function computeRpcBackoffMs(policy: RpcBackoffPolicy, roundsFailed: number, random: number, retryAfterMs?: number): number {
  const exponent = Math.max(0, roundsFailed - 1);
  // 2^exponent overflows to Infinity for huge counts; min() keeps it capped.
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random, 0), 1);
  const delay = exponential / 2 + (jitter * exponential) / 2;
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= delay) return Math.round(delay);
  return Math.round(Math.max(delay, Math.min(retryAfterMs, policy.maxRetryAfterMs)));
}
