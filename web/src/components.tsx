import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiGet, UnauthorizedError } from './api.js';
import { addressPath, explorerTx, formatAmount, formatTime, formatUsd, shortAddress } from './format.js';
import type { ListedMovement, Meta } from './types.js';

export function Loading({ what }: { what: string }) {
  return <p class="loading" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function ErrorNote({ error }: { error: string }) {
  return <p class="error" role="alert">{error}</p>;
}

/** Loads a JSON resource (again whenever `path` changes, and every `refreshMs` when set). */
export function useResource<T>(path: string | undefined, refreshMs?: number): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === undefined) return undefined;
    const controller = new AbortController();
    apiGet<T>(path, controller.signal).then(
      (d) => {
        setData(d);
        setError(undefined);
      },
      (err: unknown) => {
        if (controller.signal.aborted || err instanceof UnauthorizedError) return;
        setError(err instanceof Error ? err.message : String(err));
      },
    );
    const timer = refreshMs !== undefined ? setTimeout(() => setTick((t) => t + 1), refreshMs) : undefined;
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [path, tick, refreshMs]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function Severity({ value }: { value: string | null }) {
  const v = value ?? 'unrated';
  return <span class={`sev sev-${v}`}>{v}</span>;
}

export function AddressLink({ chain, address, label }: { chain: string; address: string; label?: string | undefined }) {
  return (
    <a class="addr" href={addressPath(chain, address)} title={address}>
      {label !== undefined && label !== '' ? <span class="label">{label}</span> : null}
      <code>{shortAddress(address)}</code>
    </a>
  );
}

function sideLabel(m: ListedMovement, address: string): string | undefined {
  const a = address.toLowerCase();
  const ref = m.watchlist.find((w) => w.address.toLowerCase() === a);
  if (ref !== undefined) return ref.label;
  if (m.counterparty !== null && m.counterparty.address.toLowerCase() === a) return `${m.counterparty.label} (${m.counterparty.category})`;
  return undefined;
}

/** Movements newest first; on narrow screens each row becomes a card (CSS). */
export function MovementTable({ movements, meta, fresh }: { movements: readonly ListedMovement[]; meta: Meta; fresh?: ReadonlySet<string> }) {
  const explorers = new Map(meta.chains.map((c) => [c.id, c.explorerUrl]));
  return (
    <div class="table-wrap">
      <table class="movements">
        <thead>
          <tr>
            <th>Time</th>
            <th>Severity</th>
            <th>Chain</th>
            <th>Dir.</th>
            <th>Kind</th>
            <th class="num">Amount</th>
            <th class="num">USD</th>
            <th>From → To</th>
            <th>Followed</th>
            <th>Tx</th>
          </tr>
        </thead>
        <tbody>
          {movements.map((m) => {
            const ref = m.watchlist[0];
            const tx = explorerTx(explorers.get(m.chain), m.txHash);
            return (
              <tr key={m.streamId} class={fresh?.has(m.streamId) === true ? 'fresh' : ''} data-movement-id={m.id}>
                <td data-th="Time">{formatTime(m.at)}</td>
                <td data-th="Severity"><Severity value={m.severity} />{m.spoofed ? <span class="flag">spoofed</span> : null}</td>
                <td data-th="Chain">{m.chain}</td>
                <td data-th="Dir."><span class={`dir dir-${m.direction}`}>{m.direction}</span></td>
                <td data-th="Kind">{m.kind}{m.blockNumber === null ? <span class="flag" title="seen in the mempool, not yet mined">mempool</span> : null}{m.event !== 'movement.detected' ? <span class="muted"> · {m.event.replace('movement.', '')}</span> : null}</td>
                <td data-th="Amount" class="num">{formatAmount(m.amount, m.asset.decimals)} {m.asset.symbol}</td>
                <td data-th="USD" class="num">{formatUsd(m.usdValue)}</td>
                <td data-th="From → To" class="flow">
                  {m.from.slice(0, 2).map((a) => <AddressLink key={a} chain={m.chain} address={a} label={sideLabel(m, a)} />)}
                  {m.from.length > 2 ? <span class="muted">+{m.from.length - 2}</span> : null}
                  <span class="arrow" aria-label="to">→</span>
                  {m.to.slice(0, 2).map((a) => <AddressLink key={a} chain={m.chain} address={a} label={sideLabel(m, a)} />)}
                  {m.to.length > 2 ? <span class="muted">+{m.to.length - 2}</span> : null}
                </td>
                <td data-th="Followed">
                  {ref !== undefined ? (
                    <span>
                      <a href={`/incidents/${encodeURIComponent(ref.incident)}`}>{ref.incident}</a>
                      {ref.hop > 0 ? <span class="hop"> hop {ref.hop}</span> : null}
                      {ref.path !== undefined && ref.path.length > 1 ? <span class="path muted" title={ref.path.join(' → ')}> {ref.path.map(shortAddress).join(' → ')}</span> : null}
                    </span>
                  ) : null}
                </td>
                <td data-th="Tx">{tx !== undefined ? <a href={tx} target="_blank" rel="noopener noreferrer"><code>{shortAddress(m.txHash)}</code></a> : <code title={m.txHash}>{shortAddress(m.txHash)}</code>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Totals per asset symbol in base units; `decimals` (symbol -> decimals, from movements seen) scales them. */
export function AmountList({ amounts, decimals }: { amounts: Readonly<Record<string, string>>; decimals: ReadonlyMap<string, number> }) {
  const entries = Object.entries(amounts);
  if (entries.length === 0) return <span class="muted">—</span>;
  return <span>{entries.map(([symbol, amount]) => `${formatAmount(amount, decimals.get(symbol) ?? 0)} ${symbol}`).join(', ')}</span>;
}
