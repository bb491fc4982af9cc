import { useState } from 'preact/hooks';
import { AddressLink, Empty, ErrorNote, Loading, useResource } from '../components.js';
import { navigate, useLocation } from '../router.js';
import type { StatusCounts, WatchlistAnswer } from '../types.js';

export function WatchlistsPage() {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const [text, setText] = useState(q);
  const { data, error } = useResource<WatchlistAnswer>(`/api/watchlists?q=${encodeURIComponent(q)}`);
  return (
    <section>
      <div class="page-head"><h1>Watchlists</h1></div>
      <form class="search" role="search" onSubmit={(e) => { e.preventDefault(); navigate(`/watchlists?q=${encodeURIComponent(text.trim())}`); }}>
        <input type="search" name="q" placeholder="Address, label, incident or tag" aria-label="Search watchlists" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
      </form>
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {data === undefined && error === undefined ? <Loading what="watchlists" /> : null}
      {data !== undefined && q !== '' ? (
        data.results.length === 0 ? <Empty>Nothing matches “{q}” in the listed, tenant or derived entries.</Empty> : (
          <div class="table-wrap">
            <table class="results">
              <thead><tr><th>Kind</th><th>Chain</th><th>Address</th><th>Label</th><th>Incident</th><th>Source</th><th>Status</th></tr></thead>
              <tbody>
                {data.results.map((r, i) => (
                  <tr key={i}>
                    <td data-th="Kind">{r.kind}</td>
                    <td data-th="Chain">{r.chain}</td>
                    <td data-th="Address"><AddressLink chain={r.chain} address={r.address} /></td>
                    <td data-th="Label">{r.label}</td>
                    <td data-th="Incident"><a href={`/incidents/${encodeURIComponent(r.incident)}`}>{r.incident}</a></td>
                    <td data-th="Source"><code>{r.source}</code></td>
                    <td data-th="Status">{r.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.truncated ? <p class="muted">More matches: refine the search.</p> : null}
          </div>
        )
      ) : null}
      {data !== undefined ? (
        <div class="cards">
          <Counts title="Per chain" counts={data.stats.byChain} extra={data.stats.tenantByChain} extraName="tenant" />
          <Counts title="Per incident" counts={data.stats.byIncident} extra={data.stats.derivedByIncident} extraName="derived" />
        </div>
      ) : null}
    </section>
  );
}

function Counts({ title, counts, extra, extraName }: { title: string; counts: Record<string, StatusCounts>; extra: Record<string, number>; extraName: string }) {
  const keys = [...new Set([...Object.keys(counts), ...Object.keys(extra)])].sort();
  return (
    <div class="card">
      <h3>{title}</h3>
      {keys.length === 0 ? <Empty>No entries.</Empty> : (
        <table class="compact">
          <thead><tr><th /><th class="num">watched</th><th class="num">disabled</th><th class="num">removed</th><th class="num">{extraName}</th></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k}><td>{k}</td><td class="num">{counts[k]?.watched ?? 0}</td><td class="num">{counts[k]?.disabled ?? 0}</td><td class="num">{counts[k]?.removed ?? 0}</td><td class="num">{extra[k] ?? 0}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
