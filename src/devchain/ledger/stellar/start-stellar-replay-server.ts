import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

/** One ledger as Horizon serves it: the `/ledgers/{seq}` record and every transaction and operation record. */
export interface HorizonReplayLedger {
  readonly ledger: Record<string, unknown>;
  readonly transactions: readonly Record<string, unknown>[];
  readonly operations: readonly Record<string, unknown>[];
}

export interface StellarReplayServer extends LedgerReplayServer {
  /** history_latest_ledger; raise it to let the poller see more ledgers. */
  head: number;
}

/**
 * A self-written Horizon for tests and the demo: `GET /`, `GET /ledgers/{seq}`
 * and its `/transactions` and `/operations` pages (`limit`, `cursor` = the
 * last paging_token, `order=asc`), as Horizon answers them (`_embedded.records`).
 * A ledger above the head or not given answers 404, as Horizon does.
 */
export async function startStellarReplayServer(options: { readonly ledgers: ReadonlyMap<number, HorizonReplayLedger>; readonly head: number }): Promise<StellarReplayServer> {
  const state = { head: options.head };
  const shell = await startLedgerReplayServer({
    handle: ({ method, path, query }) => {
      if (method !== 'GET') return undefined;
      if (path === '/') return { body: { history_latest_ledger: state.head, core_latest_ledger: state.head, network_passphrase: 'Public Global Stellar Network ; September 2015' } };
      const m = /^\/ledgers\/(\d+)(?:\/(transactions|operations))?$/.exec(path);
      if (m === null) return undefined;
      const sequence = Number(m[1]);
      const ledger = options.ledgers.get(sequence);
      if (ledger === undefined || sequence > state.head) return { status: 404, body: { type: 'https://stellar.org/horizon-errors/not_found', title: 'Resource Missing', status: 404 } };
      if (m[2] === undefined) return { body: ledger.ledger };
      const all = m[2] === 'transactions' ? ledger.transactions : ledger.operations;
      const cursor = query.get('cursor');
      const limit = Math.min(Number(query.get('limit') ?? '10'), 200);
      const start = cursor === null ? 0 : all.findIndex((r) => r['paging_token'] === cursor) + 1;
      return { body: { _links: {}, _embedded: { records: all.slice(start, start + limit) } } };
    },
  });
  return Object.defineProperties(shell, {
    head: { get: () => state.head, set: (value: number) => void (state.head = value), enumerable: true },
  }) as StellarReplayServer;
}
