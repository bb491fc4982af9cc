import { Empty, ErrorNote, Loading, MovementTable, useResource } from '../components.js';
import { formatAmount, formatTime } from '../format.js';
import type { AddressDetail, Meta } from '../types.js';

export function AddressPage({ chain, address, meta }: { chain: string; address: string; meta: Meta }) {
  const { data, error } = useResource<AddressDetail>(`/api/addresses/${encodeURIComponent(chain)}/${encodeURIComponent(address)}`);
  const explorer = data?.explorerUrl;
  return (
    <section>
      <div class="page-head">
        <h1 class="address-title"><span class="muted">{chain}</span> <code>{data?.address ?? address}</code></h1>
        {explorer !== null && explorer !== undefined ? <a href={`${explorer.replace(/\/+$/, '')}/address/${data?.address ?? address}`} target="_blank" rel="noopener noreferrer">explorer ↗</a> : null}
      </div>
      {error !== undefined ? <ErrorNote error={error} /> : null}
      {data === undefined && error === undefined ? <Loading what="address" /> : null}
      {data !== undefined ? (
        <>
          {data.counterparty !== null ? <p class="card">Labelled <strong>{data.counterparty.label}</strong> ({data.counterparty.category})</p> : null}
          <h2>Watchlist entries</h2>
          {data.listed.length === 0 ? <Empty>Not on a watchlist file.</Empty> : (
            <div class="table-wrap">
              <table>
                <thead><tr><th>Label</th><th>Incident</th><th>Tags</th><th>Source</th><th>Defined in</th><th>Status</th></tr></thead>
                <tbody>
                  {data.listed.map((e) => (
                    <tr key={`${e.file}:${e.line}`}>
                      <td data-th="Label">{e.label}</td>
                      <td data-th="Incident"><a href={`/incidents/${encodeURIComponent(e.incident)}`}>{e.incident}</a></td>
                      <td data-th="Tags">{e.tags.join(', ')}</td>
                      <td data-th="Source">{/^https?:\/\//.test(e.source) ? <a href={e.source} target="_blank" rel="noopener noreferrer">{e.source}</a> : e.source}</td>
                      <td data-th="Defined in"><code>{e.file}:{e.line}</code></td>
                      <td data-th="Status">{e.removed !== null ? `removed: ${e.removed}` : e.enabled ? 'watched' : 'disabled'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.tenants.length > 0 ? (
            <>
              <h2>Tenant and runtime entries</h2>
              <ul>{data.tenants.map((t, i) => <li key={i}>{t.tenantId !== undefined ? `tenant ${t.tenantId}` : `${t.owner ?? 'overlay'}: ${t.label ?? ''} (${t.incident ?? ''})`}</li>)}</ul>
            </>
          ) : null}
          {data.derived !== null ? (
            <>
              <h2>Derived entry (followed funds)</h2>
              <dl class="card provenance">
                <dt>Incident</dt><dd><a href={`/incidents/${encodeURIComponent(data.derived.incident)}`}>{data.derived.incident}</a>, hop {data.derived.hop}{data.derived.peelSteps > 0 ? ` (+${data.derived.peelSteps} peel steps)` : ''}</dd>
                <dt>Status</dt><dd>{data.derived.status}{data.derived.statusReason !== undefined ? `: ${data.derived.statusReason}` : ''}</dd>
                <dt>From</dt><dd><a href={`/addresses/${encodeURIComponent(chain)}/${encodeURIComponent(data.derived.provenance.parentAddress)}`}><code>{data.derived.provenance.parentAddress}</code></a></dd>
                <dt>Transaction</dt><dd><code>{data.derived.provenance.txHash}</code> (block {data.derived.provenance.blockNumber}, leg {data.derived.provenance.leg})</dd>
                <dt>Amount</dt><dd>{formatAmount(data.derived.provenance.amount, data.derived.provenance.asset.decimals)} {data.derived.provenance.asset.symbol} (rule {data.derived.provenance.rule})</dd>
                <dt>Path</dt><dd>{data.derived.path.join(' → ')}</dd>
                <dt>Seen</dt><dd>{formatTime(data.derived.firstSeen)} – {formatTime(data.derived.lastSeen)}</dd>
              </dl>
            </>
          ) : null}
          <h2>Movements</h2>
          {data.movements.length === 0 ? <Empty>No movements of this address in the history.</Empty> : <MovementTable movements={data.movements} meta={meta} />}
        </>
      ) : null}
    </section>
  );
}
