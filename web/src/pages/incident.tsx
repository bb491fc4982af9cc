import { useMemo } from 'preact/hooks';
import { AmountList, Empty, ErrorNote, Loading, MovementTable, useResource } from '../components.js';
import { TrailGraph } from '../trail-graph.js';
import { formatUsd } from '../format.js';
import type { IncidentDetail, Meta } from '../types.js';

export function IncidentPage({ id, meta }: { id: string; meta: Meta }) {
  const { data, error } = useResource<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`, 15_000);
  const decimals = useMemo(() => new Map((data?.timeline ?? []).map((m) => [m.asset.symbol, m.asset.decimals] as const)), [data]);
  const t = data?.totals;
  return (
    <section>
      <div class="page-head"><h1>Incident {id}</h1>{data !== undefined ? <span class="muted">{data.source === 'follow' ? 'trail from the follow stage' : 'trail from watchlists and movement history'}</span> : null}</div>
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {data === undefined && error === undefined ? <Loading what="incident" /> : null}
      {t !== undefined ? (
        <div class="cards">
          <div class="card stat"><h3>Stolen</h3><AmountList amounts={t.stolen} decimals={decimals} /><div class="muted">{formatUsd(t.usd?.stolen)}</div></div>
          <div class="card stat"><h3>Still held</h3><AmountList amounts={t.stillHeld} decimals={decimals} /><div class="muted">{formatUsd(t.usd?.stillHeld)}</div></div>
          <div class="card stat"><h3>To exchanges</h3>{t.toExchanges.length === 0 ? <span class="muted">—</span> : t.toExchanges.map((x) => <div key={x.exchange}>{x.exchange}: <AmountList amounts={x.amounts} decimals={decimals} /></div>)}<div class="muted">{formatUsd(t.usd?.toExchanges)}</div></div>
          <div class="card stat"><h3>To mixers</h3><AmountList amounts={t.toMixers} decimals={decimals} /><div class="muted">{formatUsd(t.usd?.toMixers)}</div></div>
          <div class="card stat"><h3>To bridges</h3><AmountList amounts={t.toBridges} decimals={decimals} /><div class="muted">{formatUsd(t.usd?.toBridges)}</div></div>
          <div class="card stat"><h3>Hops</h3><div>{t.maxHop} deep</div><div class="muted">{t.activeEntries} active derived entries</div></div>
        </div>
      ) : null}
      {data !== undefined ? (
        <>
          <h2>Trail</h2>
          {data.trail.nodes.length === 0 ? <Empty>No trail yet.</Empty> : <TrailGraph trail={data.trail} decimals={decimals} />}
          <p class="muted small legend"><span class="key key-listed">listed</span> <span class="key key-hop">derived hop</span> <span class="key key-recipient">recipient (not followed)</span> <span class="key key-sink">exchange / mixer / bridge</span> — click a node for its address page.</p>
          <h2>Timeline</h2>
          {data.timeline.length === 0 ? <Empty>No movements of this incident in the history yet.</Empty> : <MovementTable movements={data.timeline} meta={meta} />}
        </>
      ) : null}
    </section>
  );
}
