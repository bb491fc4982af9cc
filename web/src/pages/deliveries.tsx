import { useState } from 'preact/hooks';
import { apiPost } from '../api.js';
import { Empty, ErrorNote, Loading, useResource } from '../components.js';
import { formatTime } from '../format.js';
import type { DeliveryChannel, DeliveryItem } from '../types.js';

export function DeliveriesPage() {
  const { data, error, reload } = useResource<{ data: readonly DeliveryChannel[] }>('/api/deliveries', 5000);
  const [note, setNote] = useState<string | undefined>();
  const replay = async (c: DeliveryChannel, item: DeliveryItem): Promise<void> => {
    try {
      await apiPost('/api/deliveries/replay', { channel: c.channel, target: c.target, id: item.id });
      setNote(`Replaying ${item.id} on ${c.channel} ${c.target}.`);
    } catch (err) {
      setNote(err instanceof Error ? err.message : String(err));
    }
    reload();
  };
  return (
    <section>
      <div class="page-head"><h1>Deliveries</h1><span class="muted">refreshes every 5 s</span></div>
      {note !== undefined ? <p class="note" role="status">{note}</p> : null}
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {data === undefined && error === undefined ? <Loading what="deliveries" /> : null}
      {data !== undefined && data.data.length === 0 ? <Empty>No delivery channels: configure email or webhooks, or let tenants subscribe.</Empty> : null}
      {data?.data.map((c) => (
        <article key={`${c.channel}/${c.target}`} class="card channel" data-channel={`${c.channel}/${c.target}`}>
          <h2>{c.channel} <code>{c.target}</code>{c.tenantId !== undefined ? <span class="muted"> tenant {c.tenantId}</span> : null}</h2>
          <p class="muted">{c.description}</p>
          <p class="counts">{Object.entries(c.counts).map(([k, v]) => <span key={k} class={`count count-${k}`}>{k} {v}</span>)}</p>
          <h3>Dead letters</h3>
          {c.deadLetters.length === 0 ? <Empty>None.</Empty> : <Items items={c.deadLetters} onReplay={(item) => void replay(c, item)} />}
          <details>
            <summary>Recent deliveries ({c.recent.length})</summary>
            {c.recent.length === 0 ? <Empty>None yet.</Empty> : <Items items={c.recent} />}
          </details>
        </article>
      ))}
    </section>
  );
}

function Items({ items, onReplay }: { items: readonly DeliveryItem[]; onReplay?: (item: DeliveryItem) => void }) {
  return (
    <div class="table-wrap">
      <table class="compact">
        <thead><tr><th>Delivery</th><th>State</th><th class="num">Attempts</th><th>Error</th><th>When</th>{onReplay !== undefined ? <th /> : null}</tr></thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} data-delivery-id={i.id} data-state={i.state}>
              <td data-th="Delivery"><code title={i.id}>{i.id.length > 28 ? `${i.id.slice(0, 28)}…` : i.id}</code>{i.summary !== null ? <div class="muted small">{i.summary}</div> : null}</td>
              <td data-th="State"><span class={`state state-${i.state}`}>{i.state}</span></td>
              <td data-th="Attempts" class="num">{i.attempts}</td>
              <td data-th="Error">{i.error ?? ''}</td>
              <td data-th="When">{formatTime(i.at)}</td>
              {onReplay !== undefined ? <td>{i.replayable ? <button type="button" onClick={() => onReplay(i)}>Replay</button> : null}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
