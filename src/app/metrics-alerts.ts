import { Counter } from 'prom-client';
import type { Metrics } from './metrics.js';

export type { Metrics } from './metrics.js';

/**
 * Issue #8 metrics, registered on the process registry on first use (kept
 * out of metrics.ts so the shared interface stays as it is).
 */
function counter<L extends string>(metrics: Metrics, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = metrics.registry.getSingleMetric(name);
  if (existing !== undefined) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [metrics.registry] });
}

/** Feed answers not used (stale, invalid) or reads that failed: those movements have usdValue null. */
export function priceUnavailableCounter(metrics: Metrics): Counter<'symbol' | 'reason'> {
  return counter(metrics, 'chainwatch_price_unavailable_total', 'Price lookups that left USD values unknown (stale or invalid feed answer, failed read)', ['symbol', 'reason']);
}

/** Emails the SMTP server refused for good (5xx, authentication, envelope). */
export function emailPermanentFailureCounter(metrics: Metrics): Counter<'code'> {
  return counter(metrics, 'chainwatch_email_permanent_failures_total', 'Emails refused permanently by the SMTP server (kept in the failed set)', ['code']);
}

/** Movements added to an email group, and group emails created. */
export function emailGroupingCounters(metrics: Metrics): { grouped: Counter<'route'>; digests: Counter<'route'>; suppressed: Counter<'severity'> } {
  return {
    grouped: counter(metrics, 'chainwatch_email_grouped_movements_total', 'Movements added to an email group', ['route']),
    digests: counter(metrics, 'chainwatch_email_digests_total', 'Group emails created (one job each)', ['route']),
    suppressed: counter(metrics, 'chainwatch_email_below_min_severity_total', 'Movements below alerts.email.minSeverity: webhooks only, no email', ['severity']),
  };
}
