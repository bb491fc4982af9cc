/**
 * Is a chain being followed? Pure: the poller's status, its thresholds and
 * the time in, a verdict out (issue #10 "health that tells the truth").
 * - `lagging`: more than `maxLagBlocks` confirmed-or-not blocks behind the head;
 * - `stalled`: no poll step has succeeded for `stallAfterMs` (node down,
 *   every request failing, Redis unreachable);
 * - `standby`: another replica holds the lease and polls it;
 * - `starting`: no step has succeeded yet, within the stall window.
 */
export interface ChainHealthInput {
  readonly headNumber: number | null;
  readonly processedNumber: number | null;
  readonly lagBlocks: number | null;
  readonly lastStepOkAt: number | null;
  readonly startedAt: number;
  readonly consecutiveFailures: number;
  readonly lastErrorCode: string | null;
  readonly standby: boolean;
}

export interface ChainHealthThresholds {
  readonly maxLagBlocks: number;
  readonly stallAfterMs: number;
}

export type ChainHealthState = 'ok' | 'starting' | 'standby' | 'lagging' | 'stalled';

export interface ChainHealth {
  readonly state: ChainHealthState;
  /** ok, starting and standby are healthy; lagging and stalled are what the watchdog reports. */
  readonly healthy: boolean;
  /** One sentence for /readyz and the watchdog email. */
  readonly detail: string;
}

export function judgeChainHealth(status: ChainHealthInput, thresholds: ChainHealthThresholds, nowMs: number): ChainHealth {
  if (status.standby) return { state: 'standby', healthy: true, detail: 'another replica holds the poller lease and polls this chain' };
  const since = status.lastStepOkAt ?? status.startedAt;
  const quietMs = nowMs - since;
  const failing = status.consecutiveFailures > 0 ? ` (${status.consecutiveFailures} failed step(s) in a row, last ${status.lastErrorCode ?? 'error'})` : '';
  if (quietMs > thresholds.stallAfterMs) {
    return {
      state: 'stalled',
      healthy: false,
      detail: `${status.lastStepOkAt === null ? 'no poll step has succeeded since start' : `no poll step has succeeded for ${Math.round(quietMs / 1000)} s`}${failing}; processed block ${status.processedNumber ?? 'none'}`,
    };
  }
  if (status.lastStepOkAt === null) return { state: 'starting', healthy: true, detail: `starting${failing}` };
  if (status.lagBlocks !== null && status.lagBlocks > thresholds.maxLagBlocks) {
    return {
      state: 'lagging',
      healthy: false,
      detail: `${status.lagBlocks} blocks behind the head (threshold ${thresholds.maxLagBlocks}): processed ${status.processedNumber ?? 'none'}, head ${status.headNumber ?? 'unknown'}${failing}`,
    };
  }
  return { state: 'ok', healthy: true, detail: `processed ${status.processedNumber ?? 'none'}, head ${status.headNumber ?? 'unknown'}, ${status.lagBlocks ?? 0} behind` };
}
