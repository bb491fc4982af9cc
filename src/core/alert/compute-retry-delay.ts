/**
 * The delivery retry policy: exponential backoff with a cap, and a receiver's
 * Retry-After honoured as a lower bound (itself capped, so a hostile or buggy
 * receiver cannot park an alert for days).
 *   delay(n) = min(maxDelayMs, baseDelayMs * 2^(n-1)),  n = attempts made so far (1-based)
 */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Upper bound for a Retry-After we obey. */
  readonly maxRetryAfterMs: number;
}

/** ~20 attempts over about 8 hours: 5 s, 10 s, 20 s ... capped at 30 min. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 20,
  baseDelayMs: 5_000,
  maxDelayMs: 30 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

export function computeRetryDelay(policy: RetryPolicy, attemptsMade: number, retryAfterMs?: number): number {
  const exponent = Math.max(0, attemptsMade - 1);
  // 2^exponent overflows to Infinity for huge attempt counts; min() keeps it capped.
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= exponential) return Math.round(exponential);
  return Math.round(Math.min(retryAfterMs, Math.max(policy.maxRetryAfterMs, exponential)));
}
