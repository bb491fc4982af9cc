/**
 * How long a chain follower waits before retrying a failed poll step (the same
 * blocks): one poll interval, doubling per failure in a row, capped. The cap is
 * low on purpose (default 5 s): every RPC request inside a step is already
 * retried with its own backoff, so a step fails only after those retries, and a
 * long step backoff is pure detection delay once the node is healthy again
 * (measured: a one-minute cap kept a recovering follower idle for minutes).
 *   delay(n) = min(maxMs, pollIntervalMs * 2^(n-1)),  n = failures in a row (1-based)
 */
export const DEFAULT_MAX_STEP_BACKOFF_MS = 5_000;

export function computeStepBackoffMs(failuresInARow: number, pollIntervalMs: number, maxMs: number = DEFAULT_MAX_STEP_BACKOFF_MS): number {
  const exponent = Math.max(0, failuresInARow - 1);
  return Math.round(Math.min(maxMs, pollIntervalMs * 2 ** exponent));
}
