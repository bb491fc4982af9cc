import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

/** One height as the replay node serves it: the `result` of `/block` and of `/block_results`. */
export interface CosmosReplayHeight {
  readonly block: unknown;
  readonly results: unknown;
}

export interface CosmosReplayServer extends LedgerReplayServer {
  /** The height `/status` reports; heights above it answer CometBFT's "must be less than or equal" error. */
  head: number;
  /** Heights whose `/block_results` were asked for. */
  readonly resultsRequested: ReadonlySet<number>;
}

/**
 * A CometBFT RPC node over recorded heights for tests and demos: `/status`,
 * `/block?height=`, `/block_results?height=` in the JSON-RPC envelope that
 * URI-over-HTTP requests get, with CometBFT's error answers for heights it
 * does not have.
 */
export async function startCosmosReplayServer(options: { readonly heights: ReadonlyMap<number, CosmosReplayHeight>; readonly head: number }): Promise<CosmosReplayServer> {
  const resultsRequested = new Set<number>();
  const state = { head: options.head };
  const envelope = (body: Record<string, unknown>) => ({ body: { jsonrpc: '2.0', id: -1, ...body } });
  const shell = await startLedgerReplayServer({
    handle(request) {
      if (request.method !== 'GET') return undefined;
      if (request.path === '/status') return envelope({ result: { node_info: { version: '0.38.17', network: 'replay' }, sync_info: { latest_block_height: String(state.head), catching_up: false } } });
      if (request.path !== '/block' && request.path !== '/block_results') return undefined;
      const height = Number(request.query.get('height'));
      const recorded = options.heights.get(height);
      if (!Number.isSafeInteger(height) || height > state.head || recorded === undefined) {
        // What CometBFT answers (HTTP 500, JSON-RPC error) for a height it does not have yet.
        return { status: 500, body: { jsonrpc: '2.0', id: -1, error: { code: -32603, message: 'Internal error', data: `height ${height} must be less than or equal to the current blockchain height ${state.head}` } } };
      }
      if (request.path === '/block_results') resultsRequested.add(height);
      return envelope({ result: request.path === '/block' ? recorded.block : recorded.results });
    },
  });
  return {
    ...shell,
    get head() {
      return state.head;
    },
    set head(value: number) {
      state.head = value;
    },
    resultsRequested,
  };
}
