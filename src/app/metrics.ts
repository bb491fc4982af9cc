import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics shared by every role in the process; /metrics serves them.
 * Label `chain` is the configured chain id.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly blocksProcessed: Counter<'chain'>;
  readonly headLagBlocks: Gauge<'chain'>;
  readonly lastProcessedBlock: Gauge<'chain'>;
  readonly movementsDetected: Counter<'chain' | 'kind'>;
  readonly reorgs: Counter<'chain'>;
  /** Failed RPC calls by kind (timeout, unreachable, rate_limited, http_error, bad_response, call_failed, inconsistent, head_backwards...). */
  readonly rpcErrors: Counter<'chain' | 'kind'>;
  /** RPC calls sent again after a failure (only the failed ones, not their whole step). */
  readonly rpcRetries: Counter<'chain'>;
  readonly pollFailures: Counter<'chain'>;
  readonly pollerLeader: Gauge<'chain'>;
  readonly tracesAvailable: Gauge<'chain'>;
  readonly traceGaps: Counter<'chain'>;
  readonly lookupGaps: Counter<'chain' | 'lookup' | 'reason'>;
  readonly evmLogsMode: Gauge<'chain' | 'mode'>;
  readonly deliveries: Counter<'channel' | 'target'>;
  readonly deliveryFailures: Counter<'channel' | 'target'>;
  readonly watchlistEntries: Gauge<'chain'>;
  readonly watchlistReloads: Counter<'result'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chainwatch_process_' });
  const registers = [registry];
  return {
    registry,
    blocksProcessed: new Counter({ name: 'chainwatch_blocks_processed_total', help: 'Blocks checked against the watchlist', labelNames: ['chain'], registers }),
    headLagBlocks: new Gauge({ name: 'chainwatch_head_lag_blocks', help: 'Blocks between the chain head and the last processed block', labelNames: ['chain'], registers }),
    lastProcessedBlock: new Gauge({ name: 'chainwatch_last_processed_block', help: 'Number of the last processed block', labelNames: ['chain'], registers }),
    movementsDetected: new Counter({ name: 'chainwatch_movements_detected_total', help: 'Movements touching watched addresses', labelNames: ['chain', 'kind'], registers }),
    reorgs: new Counter({ name: 'chainwatch_reorgs_total', help: 'Chain reorganisations rewound', labelNames: ['chain'], registers }),
    rpcErrors: new Counter({ name: 'chainwatch_rpc_errors_total', help: 'Failed RPC calls (retried) by kind: timeout, unreachable, rate_limited, http_error, bad_response, call_failed, inconsistent (a result of another fork), head_backwards, ...', labelNames: ['chain', 'kind'], registers }),
    rpcRetries: new Counter({ name: 'chainwatch_rpc_retries_total', help: 'RPC calls sent again after a failure (each failed call alone, never its whole poll step)', labelNames: ['chain'], registers }),
    pollerLeader: new Gauge({ name: 'chainwatch_poller_leader', help: '1 while this process holds the chain\'s poller lease (polls it), 0 while it stands by', labelNames: ['chain'], registers }),
    pollFailures: new Counter({ name: 'chainwatch_poll_failures_total', help: 'Poll steps that failed (RPC, Redis or bad data) and will be retried from the same block', labelNames: ['chain'], registers }),
    tracesAvailable: new Gauge({ name: 'chainwatch_traces_available', help: '1 when the node offers call traces for internal transfers, else 0', labelNames: ['chain'], registers }),
    traceGaps: new Counter({ name: 'chainwatch_trace_gaps_total', help: 'Blocks processed without internal transfers because their traces could not be had (pruned state, repeated errors)', labelNames: ['chain'], registers }),
    lookupGaps: new Counter({ name: 'chainwatch_lookup_gaps_total', help: 'Per-token or per-transaction lookups given up (execution failure, or failing past the retry bound): the movement was alerted with what was known', labelNames: ['chain', 'lookup', 'reason'], registers }),
    evmLogsMode: new Gauge({ name: 'chainwatch_evm_logs_mode', help: '1 for the way logs are fetched from the EVM node (blockReceipts, rangeLogs, blockLogs, txReceipts), 0 for the others', labelNames: ['chain', 'mode'], registers }),
    deliveries: new Counter({ name: 'chainwatch_deliveries_total', help: 'Alerts delivered', labelNames: ['channel', 'target'], registers }),
    deliveryFailures: new Counter({ name: 'chainwatch_delivery_failures_total', help: 'Failed delivery attempts (retried with backoff)', labelNames: ['channel', 'target'], registers }),
    watchlistEntries: new Gauge({ name: 'chainwatch_watchlist_entries', help: 'Watched entries per chain', labelNames: ['chain'], registers }),
    watchlistReloads: new Counter({ name: 'chainwatch_watchlist_reloads_total', help: 'Watchlist reloads by result', labelNames: ['result'], registers }),
  };
}
