import { useEffect, useRef, useState } from 'preact/hooks';
import { apiGet, UnauthorizedError } from '../api.js';
import { Empty, ErrorNote, Loading, MovementTable } from '../components.js';
import { navigate, useLocation } from '../router.js';
import type { ListedMovement, Meta, Page } from '../types.js';

const FILTERS = ['chain', 'incident', 'severity', 'direction', 'from', 'to'] as const;

/** datetime-local values are local times; the API takes ISO instants. */
function toIso(local: string): string | undefined {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
function toLocalInput(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function MovementsPage({ meta }: { meta: Meta }) {
  const { query } = useLocation();
  const filterQuery = new URLSearchParams();
  for (const f of FILTERS) {
    const v = query.get(f);
    if (v !== null && v !== '') filterQuery.set(f, v);
  }
  const filterKey = filterQuery.toString();
  const [movements, setMovements] = useState<ListedMovement[] | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [live, setLive] = useState<'connecting' | 'live' | 'off'>('connecting');
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [loadingOlder, setLoadingOlder] = useState(false);
  const newest = useRef<string | undefined>(undefined);

  useEffect(() => {
    setMovements(undefined);
    setError(undefined);
    const controller = new AbortController();
    let source: EventSource | undefined;
    apiGet<Page<ListedMovement>>(`/api/movements?${filterKey}`, controller.signal).then(
      (page) => {
        setMovements([...page.data]);
        setCursor(page.nextCursor);
        newest.current = page.data[0]?.streamId;
        // The live feed: only what is newer than the page, so nothing shows twice or falls between.
        // A time range that ends in the past has nothing live to add.
        if (filterQuery.get('to') !== null) {
          setLive('off');
          return;
        }
        const liveQuery = new URLSearchParams(filterQuery);
        liveQuery.delete('to');
        if (newest.current !== undefined) liveQuery.set('after', newest.current);
        source = new EventSource(`/api/movements/stream?${liveQuery.toString()}`);
        source.onopen = () => setLive('live');
        source.onerror = () => setLive('connecting');
        source.addEventListener('movement', (event) => {
          const m = JSON.parse((event as MessageEvent<string>).data) as ListedMovement;
          setMovements((list) => (list === undefined || list.some((x) => x.streamId === m.streamId) ? list : [m, ...list]));
          setFresh((s) => new Set([...s, m.streamId]));
        });
      },
      (err: unknown) => {
        if (!controller.signal.aborted && !(err instanceof UnauthorizedError)) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      controller.abort();
      source?.close();
    };
  }, [filterKey]);

  const loadOlder = async (): Promise<void> => {
    if (cursor === null) return;
    setLoadingOlder(true);
    try {
      const q = new URLSearchParams(filterQuery);
      q.set('cursor', cursor);
      const page = await apiGet<Page<ListedMovement>>(`/api/movements?${q.toString()}`);
      setMovements((list) => [...(list ?? []), ...page.data]);
      setCursor(page.nextCursor);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) setError(err instanceof Error ? err.message : String(err));
    } finally {
      setLoadingOlder(false);
    }
  };

  const setFilter = (name: (typeof FILTERS)[number], value: string): void => {
    const q = new URLSearchParams(filterQuery);
    if (value === '') q.delete(name);
    else q.set(name, value);
    const s = q.toString();
    navigate(`/movements${s !== '' ? `?${s}` : ''}`);
  };

  return (
    <section>
      <div class="page-head">
        <h1>Movements</h1>
        <span class={`live live-${live}`} role="status">{live === 'live' ? '● live' : live === 'off' ? 'history' : '○ connecting'}</span>
      </div>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Chain
          <select name="chain" value={filterQuery.get('chain') ?? ''} onChange={(e) => setFilter('chain', (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {meta.chains.map((c) => <option key={c.id} value={c.id}>{c.id}</option>)}
          </select>
        </label>
        <label>
          Incident
          <select name="incident" value={filterQuery.get('incident') ?? ''} onChange={(e) => setFilter('incident', (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {meta.incidents.map((i) => <option key={i} value={i}>{i}</option>)}
          </select>
        </label>
        <label>
          Severity ≥
          <select name="severity" value={filterQuery.get('severity') ?? ''} onChange={(e) => setFilter('severity', (e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {meta.severities.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Direction
          <select name="direction" value={filterQuery.get('direction') ?? ''} onChange={(e) => setFilter('direction', (e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            <option value="out">out</option>
            <option value="in">in</option>
            <option value="self">self</option>
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" name="from" value={toLocalInput(filterQuery.get('from'))} onChange={(e) => setFilter('from', toIso((e.target as HTMLInputElement).value) ?? '')} />
        </label>
        <label>
          To
          <input type="datetime-local" name="to" value={toLocalInput(filterQuery.get('to'))} onChange={(e) => setFilter('to', toIso((e.target as HTMLInputElement).value) ?? '')} />
        </label>
        {filterKey !== '' ? <button type="button" class="link" onClick={() => navigate('/movements')}>Clear filters</button> : null}
      </form>
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {movements === undefined && error === undefined ? <Loading what="movements" /> : null}
      {movements !== undefined && movements.length === 0 ? <Empty>No movements{filterKey !== '' ? ' match these filters' : ' yet'}. New ones appear here as they are detected.</Empty> : null}
      {movements !== undefined && movements.length > 0 ? <MovementTable movements={movements} meta={meta} fresh={fresh} /> : null}
      {cursor !== null && movements !== undefined ? (
        <button type="button" class="more" disabled={loadingOlder} onClick={() => void loadOlder()}>{loadingOlder ? 'Loading…' : 'Older movements'}</button>
      ) : null}
    </section>
  );
}
