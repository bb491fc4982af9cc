import { Empty, ErrorNote, Loading, useResource } from '../components.js';
import { formatTime, formatUsd } from '../format.js';
import type { IncidentRow } from '../types.js';

export function IncidentsPage() {
  const { data, error } = useResource<{ data: readonly IncidentRow[] }>('/api/incidents', 10_000);
  return (
    <section>
      <div class="page-head"><h1>Incidents</h1></div>
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {data === undefined && error === undefined ? <Loading what="incidents" /> : null}
      {data !== undefined && data.data.length === 0 ? <Empty>No incidents: the watchlists list none.</Empty> : null}
      {data !== undefined && data.data.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead><tr><th>Incident</th><th>Chains</th><th class="num">Listed</th><th class="num">Movements</th><th class="num">Stolen (USD)</th><th class="num">To exchanges</th><th class="num">To mixers</th><th class="num">To bridges</th><th>Last movement</th></tr></thead>
            <tbody>
              {data.data.map((i) => (
                <tr key={i.incident}>
                  <td data-th="Incident"><a href={`/incidents/${encodeURIComponent(i.incident)}`}>{i.incident}</a></td>
                  <td data-th="Chains">{i.chains.join(', ')}</td>
                  <td data-th="Listed" class="num">{i.listed}</td>
                  <td data-th="Movements" class="num">{i.movements}</td>
                  <td data-th="Stolen" class="num">{formatUsd(i.totals.usd?.stolen)}</td>
                  <td data-th="To exchanges" class="num">{formatUsd(i.totals.usd?.toExchanges)}</td>
                  <td data-th="To mixers" class="num">{formatUsd(i.totals.usd?.toMixers)}</td>
                  <td data-th="To bridges" class="num">{formatUsd(i.totals.usd?.toBridges)}</td>
                  <td data-th="Last movement">{formatTime(i.lastMovementAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
