import { RetryableError } from '../../core/errors.js';

// Shared by the Bitcoin backends (Core RPC and Esplora): adapters do not import each other, so common I/O helpers live here.

export interface RetryPolicy {
  /** Attempts in total, first one included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Called before each retry (logging, metrics); never sees secrets. */
  readonly onRetry?: (info: { readonly err: unknown; readonly attempt: number; readonly delayMs: number }) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * Runs `call` and retries RetryableErrors with exponential backoff (honouring
 * a server's Retry-After hint carried as `retryAfterMs`). PermanentErrors and
 * anything else go straight to the caller.
 */
export async function retryPolicy<T>(policy: RetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof RetryableError) || attempt >= policy.attempts) throw err;
      const hinted = (err as RetryableError & { retryAfterMs?: number }).retryAfterMs;
      const delayMs = Math.min(hinted ?? policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      policy.onRetry?.({ err, attempt, delayMs });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
