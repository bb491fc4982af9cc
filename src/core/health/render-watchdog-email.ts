import { sanitizeHeaderValue } from '../alert/sanitize-header-value.js';
import type { ChainHealth } from './judge-chain-health.js';

export interface WatchdogEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** The operator's email when a chain starts or stops falling behind (pure; the time is passed in). */
export function renderWatchdogEmail(input: { readonly subjectPrefix: string; readonly chain: string; readonly health: ChainHealth; readonly at: Date }): WatchdogEmail {
  const { chain, health } = input;
  const problem = !health.healthy;
  const what = problem ? (health.state === 'stalled' ? 'STALLED' : 'FALLING BEHIND') : 'RECOVERED';
  const subject = sanitizeHeaderValue(`${input.subjectPrefix} [WATCHDOG] ${chain}: ${what}`);
  const lines = [
    problem
      ? `chainwatch is not keeping up with ${chain}: movements on this chain may be alerted late or not yet.`
      : `chainwatch is following ${chain} again; anything that moved meanwhile is being alerted now.`,
    '',
    `State:   ${health.state}`,
    `Detail:  ${health.detail}`,
    `Time:    ${input.at.toISOString()}`,
    '',
    problem ? 'See /readyz and /metrics (chainwatch_head_lag_blocks, chainwatch_poll_failures_total, chainwatch_rpc_errors_total) and docs/operations.md.' : '',
  ];
  const text = lines.map(sanitizeLine).join('\n');
  const html = `<p>${lines.filter((l) => l !== '').map((l) => escapeHtml(sanitizeLine(l))).join('<br>')}</p>`;
  return { subject, text, html };
}

function sanitizeLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
