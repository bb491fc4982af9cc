/**
 * The subscription retry schedule (issue #9), Svix-style: a plain list of
 * delays after attempt 1, 2, ... About 3 days in all. Each delay gets +-10 %
 * jitter so a receiver coming back is not hit by every retry at once. A
 * receiver's Retry-After (429/503) lengthens the wait, capped.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/**
 * Delay before the next attempt after `attemptsMade` failed ones, or undefined
 * when the schedule is exhausted (the delivery is dead). `random` is in [0, 1).
 */
export function computeSubscriptionRetryDelay(params: {
  readonly schedule: readonly number[];
  readonly attemptsMade: number;
  readonly random: number;
  readonly retryAfterMs?: number | undefined;
  readonly maxRetryAfterMs: number;
}): number | undefined {
  const base = params.schedule[params.attemptsMade - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (0.9 + 0.2 * params.random));
  const retryAfter = params.retryAfterMs;
  if (retryAfter === undefined || !Number.isFinite(retryAfter)) return jittered;
  return Math.max(jittered, Math.min(retryAfter, params.maxRetryAfterMs));
}
