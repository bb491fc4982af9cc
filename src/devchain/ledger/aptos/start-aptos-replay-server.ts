import { startLedgerReplayServer, type LedgerReplayServer, type ReplayAnswer, type ReplayRequest } from '../start-ledger-replay-server.js';

/** A recorded (or assembled) `GET /v1/blocks/by_height/{h}?with_transactions=true` answer. */
export type AptosReplayBlock = Record<string, unknown> & { readonly block_height: string; readonly first_version: string; readonly last_version: string; readonly transactions?: readonly unknown[] | null };

export interface AptosReplayServer extends LedgerReplayServer {
  /** The block_height GET /v1 answers. */
  head: number;
}

/**
 * An Aptos fullnode's REST API over recorded blocks: `GET /v1` (ledger info),
 * `GET /v1/blocks/by_height/{h}` (with or without transactions; 404 above the
 * head, as nodes answer), `GET /v1/transactions?start=&limit=` from the blocks held.
 */
export async function startAptosReplayServer(options: { readonly blocks: ReadonlyMap<number, AptosReplayBlock>; readonly head: number }): Promise<AptosReplayServer> {
  let head = options.head;
  const handle = (request: ReplayRequest): ReplayAnswer => {
    if (request.method !== 'GET') return undefined;
    if (request.path === '/v1') return { body: { chain_id: 1, block_height: String(head), ledger_version: '0', node_role: 'full_node' } };
    const byHeight = /^\/v1\/blocks\/by_height\/(\d+)$/.exec(request.path);
    if (byHeight !== null) {
      const height = Number(byHeight[1]);
      const block = options.blocks.get(height);
      if (block === undefined || height > head) return { status: 404, body: { message: `Block not found by height(${height})`, error_code: 'block_not_found' } };
      return { body: request.query.get('with_transactions') === 'true' ? block : { ...block, transactions: null } };
    }
    if (request.path === '/v1/transactions') {
      const start = BigInt(request.query.get('start') ?? '0');
      const limit = Number(request.query.get('limit') ?? '25');
      const all = [...options.blocks.values()].flatMap((b) => (b.transactions ?? []).map((t, i) => [BigInt(b.first_version) + BigInt(i), t] as const));
      return { body: all.filter(([v]) => v >= start && v < start + BigInt(limit)).map(([, t]) => t) };
    }
    return undefined;
  };
  const server = await startLedgerReplayServer({ handle });
  return {
    ...server,
    get head() {
      return head;
    },
    set head(value: number) {
      head = value;
    },
  };
}
