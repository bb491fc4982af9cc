import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

export interface RippleReplayServer extends LedgerReplayServer {
  /** The validated ledger index the node reports; raise it to let the poller see more ledgers. */
  head: number;
  /** Ledger indexes asked for with their transactions. */
  readonly ledgersRequested: ReadonlySet<number>;
}

/**
 * A self-written rippled for tests and the demo: answers `ledger` over
 * rippled's JSON-RPC (`{ method, params: [ { ledger_index, transactions,
 * expand } ] }`, the answer under `result` with `status`) from ledger objects
 * as rippled's `ledger` method writes them (with expanded transactions).
 * Ledgers above `head` or not given answer `lgrNotFound`, as a real node does.
 */
export async function startRippleReplayServer(options: { readonly ledgers: ReadonlyMap<number, Record<string, unknown>>; readonly head: number }): Promise<RippleReplayServer> {
  const ledgersRequested = new Set<number>();
  const state = { head: options.head };
  const error = (code: string) => ({ body: { result: { error: code, status: 'error', request: {} } } });
  const shell = await startLedgerReplayServer({
    handle: ({ method, body }) => {
      const call = body as { method?: unknown; params?: unknown } | undefined;
      if (method !== 'POST' || call === undefined || typeof call.method !== 'string') return undefined;
      if (call.method !== 'ledger') return error('unknownCmd');
      const params = (Array.isArray(call.params) ? call.params[0] : undefined) as { ledger_index?: unknown; transactions?: unknown; expand?: unknown } | undefined;
      const wanted = params?.ledger_index;
      if (wanted === 'validated') {
        const known = options.ledgers.get(state.head);
        const header = known === undefined ? { ledger_index: String(state.head), closed: true } : withoutTransactions(known);
        return { body: { result: { ledger: header, ledger_index: state.head, validated: true, status: 'success' } } };
      }
      const index = typeof wanted === 'number' ? wanted : typeof wanted === 'string' && /^\d+$/.test(wanted) ? Number(wanted) : undefined;
      if (index === undefined) return error('invalidParams');
      const ledger = options.ledgers.get(index);
      if (ledger === undefined || index > state.head) return error('lgrNotFound');
      let answer: Record<string, unknown> = withoutTransactions(ledger);
      if (params?.transactions === true) {
        ledgersRequested.add(index);
        const txs = (ledger['transactions'] as Record<string, unknown>[] | undefined) ?? [];
        answer = { ...answer, transactions: params.expand === true ? txs : txs.map((t) => t['hash'] ?? (t['tx_json'] as Record<string, unknown>)['hash']) };
      }
      return { body: { result: { ledger: answer, ledger_hash: ledger['ledger_hash'], ledger_index: index, validated: true, status: 'success' } } };
    },
  });
  // Not Object.assign: it would copy the getter's value, not the accessor.
  return Object.defineProperties(shell, {
    head: { get: () => state.head, set: (value: number) => void (state.head = value), enumerable: true },
    ledgersRequested: { value: ledgersRequested, enumerable: true },
  }) as RippleReplayServer;
}

function withoutTransactions(ledger: Record<string, unknown>): Record<string, unknown> {
  const { transactions: _transactions, ...header } = ledger;
  return header;
}
