import { describe, expect, it } from 'vitest';
import { DEFAULT_RPC_BACKOFF, computeRpcBackoffMs, type RpcBackoffPolicy } from '../../../src/core/rpc/compute-rpc-backoff.js';
import { DEFAULT_MAX_STEP_BACKOFF_MS, computeStepBackoffMs } from '../../../src/core/rpc/compute-step-backoff.js';

const policy: RpcBackoffPolicy = { baseMs: 100, maxMs: 2_000, maxRetryAfterMs: 5_000 };

describe('computeRpcBackoffMs: the per-request retry policy', () => {
  it('doubles per failed round, between half and all of the exponential delay (equal jitter)', () => {
    for (const [round, exponential] of [[1, 100], [2, 200], [3, 400], [4, 800], [5, 1600]] as const) {
      expect(computeRpcBackoffMs(policy, round, 0)).toBe(exponential / 2);
      expect(computeRpcBackoffMs(policy, round, 0.5)).toBe((exponential * 3) / 4);
      expect(computeRpcBackoffMs(policy, round, 0.999999)).toBe(exponential);
    }
  });

  it('is capped at maxMs however many rounds failed (no overflow to Infinity)', () => {
    expect(computeRpcBackoffMs(policy, 6, 1)).toBe(2_000);
    expect(computeRpcBackoffMs(policy, 10_000, 1)).toBe(2_000);
    expect(computeRpcBackoffMs(policy, 10_000, 0)).toBe(1_000);
  });

  it('never retries at once: even a zero jitter waits half the delay; a jitter outside [0, 1) is clamped', () => {
    expect(computeRpcBackoffMs(policy, 1, 0)).toBeGreaterThan(0);
    expect(computeRpcBackoffMs(policy, 1, -3)).toBe(50);
    expect(computeRpcBackoffMs(policy, 1, 7)).toBe(100);
  });

  it('honours Retry-After as a lower bound, capped at maxRetryAfterMs', () => {
    expect(computeRpcBackoffMs(policy, 1, 0, 1_000)).toBe(1_000);
    // A public endpoint asking for an hour is retried after the cap, not an hour later.
    expect(computeRpcBackoffMs(policy, 1, 0, 3_600_000)).toBe(5_000);
    // A Retry-After shorter than the backoff does not shorten it.
    expect(computeRpcBackoffMs(policy, 5, 0, 10)).toBe(800);
    // Garbage is ignored.
    expect(computeRpcBackoffMs(policy, 1, 0, Number.NaN)).toBe(50);
  });

  it('defaults keep a recovering node close: at most 5 s between rounds, Retry-After at most 10 s', () => {
    expect(computeRpcBackoffMs(DEFAULT_RPC_BACKOFF, 50, 1)).toBe(5_000);
    expect(computeRpcBackoffMs(DEFAULT_RPC_BACKOFF, 1, 0, 120_000)).toBe(10_000);
  });
});

describe('computeStepBackoffMs: the follower waits before retrying a failed step', () => {
  it('one poll interval after the first failure, doubling, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => computeStepBackoffMs(n, 500, 5_000))).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('is capped by default at 5 s, even with a long poll interval and many failures in a row', () => {
    expect(DEFAULT_MAX_STEP_BACKOFF_MS).toBe(5_000);
    expect(computeStepBackoffMs(1, 12_000)).toBe(5_000);
    expect(computeStepBackoffMs(10_000, 1_000)).toBe(5_000);
  });
});
