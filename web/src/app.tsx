import { useEffect, useState } from 'preact/hooks';
import { apiGet, apiPost, ApiRequestError, setUnauthorizedHandler } from './api.js';
import { matchRoute, navigate, onLinkClick, useLocation } from './router.js';
import { MovementsPage } from './pages/movements.js';
import { ChainsPage } from './pages/chains.js';
import { IncidentsPage } from './pages/incidents.js';
import { IncidentPage } from './pages/incident.js';
import { AddressPage } from './pages/address.js';
import { WatchlistsPage } from './pages/watchlists.js';
import { DeliveriesPage } from './pages/deliveries.js';
import type { Meta } from './types.js';
import { Loading } from './components.js';

type Session = 'checking' | 'in' | 'out';

const NAV = [
  ['/movements', 'Movements'],
  ['/chains', 'Chains'],
  ['/incidents', 'Incidents'],
  ['/watchlists', 'Watchlists'],
  ['/deliveries', 'Deliveries'],
] as const;

export function App() {
  const [session, setSession] = useState<Session>('checking');
  const [meta, setMeta] = useState<Meta | undefined>();
  const { path } = useLocation();

  useEffect(() => {
    setUnauthorizedHandler(() => setSession('out'));
    apiGet<{ authenticated: boolean }>('/api/session').then((s) => setSession(s.authenticated ? 'in' : 'out'), () => setSession('out'));
  }, []);
  useEffect(() => {
    if (session === 'in') apiGet<Meta>('/api/meta').then(setMeta, () => undefined);
  }, [session]);

  const landing = path === '/' || path === '/login';
  useEffect(() => {
    if (session === 'in' && landing) navigate('/movements', { replace: true });
  }, [session, landing]);

  if (session === 'checking') return <Loading what="session" />;
  if (session === 'out') return <Login onIn={() => setSession('in')} />;
  if (landing) return null;

  const page = route(path, meta);
  return (
    <div class="shell" onClick={onLinkClick}>
      <header class="topbar">
        <a class="brand" href="/movements">chainwatch</a>
        <nav>
          {NAV.map(([href, label]) => (
            <a key={href} href={href} class={path.startsWith(href) ? 'active' : ''}>{label}</a>
          ))}
        </nav>
        <button class="link" type="button" onClick={() => void apiPost('/api/logout', {}).finally(() => setSession('out'))}>Log out</button>
      </header>
      <main>{page}</main>
    </div>
  );
}

function route(path: string, meta: Meta | undefined) {
  if (meta === undefined) return <Loading what="configuration" />;
  if (path === '/movements') return <MovementsPage meta={meta} />;
  if (path === '/chains') return <ChainsPage />;
  if (path === '/incidents') return <IncidentsPage />;
  const incident = matchRoute('/incidents/:id', path);
  if (incident) return <IncidentPage id={incident['id']!} meta={meta} />;
  const address = matchRoute('/addresses/:chain/:address', path);
  if (address) return <AddressPage chain={address['chain']!} address={address['address']!} meta={meta} />;
  if (path === '/watchlists') return <WatchlistsPage />;
  if (path === '/deliveries') return <DeliveriesPage />;
  return <p class="empty">No such page. <a href="/movements">Go to movements</a>.</p>;
}

function Login({ onIn }: { onIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await apiPost('/api/login', { token });
      onIn();
    } catch (err) {
      setError(err instanceof ApiRequestError || err instanceof Error ? err.message : 'login failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form class="card" onSubmit={(e) => void submit(e)} aria-label="Log in">
        <h1>chainwatch</h1>
        <p class="muted">Operator dashboard. Log in with the operator token (CHAINWATCH_ADMIN_TOKEN).</p>
        <label>
          Operator token
          <input name="token" type="password" autoComplete="current-password" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        </label>
        {error !== undefined && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
