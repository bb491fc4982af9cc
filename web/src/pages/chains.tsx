import { Empty, ErrorNote, Loading, useResource } from '../components.js';
import { formatAgo, formatInt } from '../format.js';
import type { ChainRow } from '../types.js';

export function ChainsPage() {
  const { data, error } = useResource<{ data: readonly ChainRow[] }>('/api/chains', 3000);
  return (
    <section>
      <div class="page-head"><h1>Chains</h1><span class="muted">refreshes every 3 s</span></div>
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {data === undefined && error === undefined ? <Loading what="chains" /> : null}
      {data !== undefined && data.data.length === 0 ? <Empty>No chains configured.</Empty> : null}
      {data !== undefined && data.data.length > 0 ? (
        <div class="table-wrap">
          <table class="chains">
            <thead>
              <tr><th>Chain</th><th class="num">Head</th><th class="num">Processed</th><th class="num">Lag</th><th class="num">Blocks/s</th><th>RPC</th><th>Traces / logs</th><th>Seeding</th><th>Lease holder</th><th>Updated</th></tr>
            </thead>
            <tbody>
              {data.data.map((c) => {
                const s = c.status;
                const lagging = s !== null && s.lagBlocks !== null && c.maxLagBlocks !== null && s.lagBlocks > c.maxLagBlocks;
                const seed = s === null ? undefined : s.checks[`seed:${c.chain}`];
                const health = s === null ? undefined : s.checks[`chain:${c.chain}`];
                return (
                  <tr key={c.chain} data-chain={c.chain}>
                    <td data-th="Chain"><strong>{c.chain}</strong> <span class="muted">{c.kind}</span>{!c.enabled ? <span class="flag">disabled</span> : null}{health !== undefined && !health.ready ? <div class="error small">{health.detail}</div> : null}</td>
                    <td data-th="Head" class="num">{formatInt(s?.headNumber)}</td>
                    <td data-th="Processed" class="num">{formatInt(s?.processedNumber)}</td>
                    <td data-th="Lag" class={`num lag ${lagging ? 'bad' : 'ok'}`} data-lag={s?.lagBlocks ?? ''}>{s === null ? '—' : `${formatInt(s.lagBlocks)} block${s.lagBlocks === 1 ? '' : 's'}`}{c.maxLagBlocks !== null ? <span class="muted small"> / max {c.maxLagBlocks}</span> : null}</td>
                    <td data-th="Blocks/s" class="num">{s?.blocksPerSecond === null || s === null ? '—' : s.blocksPerSecond.toLocaleString()}</td>
                    <td data-th="RPC">
                      {s === null ? <span class="muted">no poller reported</span> : (
                        <span>
                          {s.rpcEndpoints === undefined || s.rpcEndpoints.length === 0
                            ? s.endpoints.map((e) => <code key={e} class="block">{e}</code>)
                            : s.rpcEndpoints.map((e) => (
                                <div key={e.url} class="endpoint" data-endpoint={e.url}>
                                  <code>{e.url}</code>{e.preferred ? <span class="muted small"> in use</span> : null}{' '}
                                  <span class={e.consecutiveFailures > 0 ? 'bad' : e.lastOkAt !== null ? 'ok' : 'muted'}>{e.consecutiveFailures > 0 ? `failing (${e.consecutiveFailures}×)` : e.lastOkAt !== null ? `ok ${formatAgo(e.lastOkAt)}` : 'not used yet'}</span>
                                  {e.lastError !== null ? <div class="muted small">last error {formatAgo(e.lastFailureAt)}: {e.lastError}</div> : null}
                                </div>
                              ))}
                          <span class={s.consecutiveFailures > 0 ? 'bad' : 'ok'}>{s.consecutiveFailures > 0 ? `failing (${s.consecutiveFailures}×)` : 'healthy'}</span>
                          {s.lastErrorCode !== null ? <span class="muted"> last error {s.lastErrorCode}</span> : null}
                          <span class="muted small"> · {formatInt(s.rpcErrors)} RPC errors</span>
                        </span>
                      )}
                    </td>
                    <td data-th="Traces / logs">{s === null || Object.keys(s.capabilities).length === 0 ? <span class="muted">—</span> : Object.entries(s.capabilities).map(([k, v]) => <div key={k}>{k}: {v ?? 'not probed yet'}</div>)}</td>
                    <td data-th="Seeding">{seed === undefined ? <span class="muted">—</span> : <span class={seed.ready && seed.degraded !== true ? 'ok' : 'bad'}>{seed.detail ?? (seed.ready ? 'done' : 'seeding')}</span>}</td>
                    <td data-th="Lease holder"><code>{c.leaseHolder ?? '—'}</code></td>
                    <td data-th="Updated">{formatAgo(s?.updatedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
