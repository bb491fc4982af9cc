import { describe, expect, it } from 'vitest';
import { judgeChainHealth, type ChainHealthInput } from '../../../src/core/health/judge-chain-health.js';
import { renderWatchdogEmail } from '../../../src/core/health/render-watchdog-email.js';

const T = { maxLagBlocks: 5, stallAfterMs: 60_000 };
const base: ChainHealthInput = { headNumber: 100, processedNumber: 98, lagBlocks: 2, lastStepOkAt: 1_000_000, startedAt: 0, consecutiveFailures: 0, lastErrorCode: null, standby: false };

describe('judgeChainHealth', () => {
  it('ok within the lag threshold and recently advancing', () => {
    expect(judgeChainHealth(base, T, 1_010_000)).toMatchObject({ state: 'ok', healthy: true });
  });
  it('lagging beyond maxLagBlocks, naming processed and head', () => {
    const h = judgeChainHealth({ ...base, processedNumber: 90, lagBlocks: 10 }, T, 1_010_000);
    expect(h).toMatchObject({ state: 'lagging', healthy: false });
    expect(h.detail).toContain('10 blocks behind the head (threshold 5): processed 90, head 100');
  });
  it('stalled when no step succeeded for stallAfterMs, with the failing code; a stall outranks lag', () => {
    const h = judgeChainHealth({ ...base, lagBlocks: 50, consecutiveFailures: 7, lastErrorCode: 'RPC_HTTP_STATUS' }, T, 1_000_000 + 61_000);
    expect(h).toMatchObject({ state: 'stalled', healthy: false });
    expect(h.detail).toMatch(/no poll step has succeeded for 61 s \(7 failed step\(s\) in a row, last RPC_HTTP_STATUS\)/);
  });
  it('starting until the first step, then stalled if none succeeds in the window', () => {
    const fresh = { ...base, lastStepOkAt: null, headNumber: null, processedNumber: null, lagBlocks: null, startedAt: 500 };
    expect(judgeChainHealth(fresh, T, 30_000).state).toBe('starting');
    expect(judgeChainHealth(fresh, T, 70_000)).toMatchObject({ state: 'stalled', detail: expect.stringContaining('since start') as unknown });
  });
  it('standby replicas are healthy (the lease holder reports)', () => {
    expect(judgeChainHealth({ ...base, standby: true, lastStepOkAt: null }, T, 10_000_000)).toMatchObject({ state: 'standby', healthy: true });
  });
});

describe('renderWatchdogEmail', () => {
  it('says which chain, what is wrong, and strips control characters from the subject', () => {
    const health = judgeChainHealth({ ...base, processedNumber: 90, lagBlocks: 10 }, T, 1_010_000);
    const email = renderWatchdogEmail({ subjectPrefix: '[cw]\r\nBcc: x@example.com', chain: 'ethereum', health, at: new Date('2026-01-01T00:00:00Z') });
    expect(email.subject).toBe('[cw] Bcc: x@example.com [WATCHDOG] ethereum: FALLING BEHIND');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain('10 blocks behind the head');
    const ok = renderWatchdogEmail({ subjectPrefix: '[cw]', chain: 'ethereum', health: judgeChainHealth(base, T, 1_000_001), at: new Date(0) });
    expect(ok.subject).toBe('[cw] [WATCHDOG] ethereum: RECOVERED');
  });
});
