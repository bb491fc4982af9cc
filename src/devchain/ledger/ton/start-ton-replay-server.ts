import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

/** One masterchain block the replay node knows: its toncenter `blocks[0]` object and the transactions it commits. */
export interface TonReplayBlock {
  readonly block: Record<string, unknown>;
  readonly transactions: readonly unknown[];
}

export interface TonReplayServer extends LedgerReplayServer {
  /** The masterchain seqno `/api/v3/masterchainInfo` reports; tests move it. */
  head: number;
  /** Masterchain seqnos whose transactions were asked for. */
  readonly transactionsRequested: ReadonlySet<number>;
}

/**
 * A toncenter API v3 look-alike over recorded transactions: masterchainInfo,
 * blocks?workchain=-1&seqno=N and transactions?mc_seqno=N with limit/offset
 * paging, as the TON source uses them. Blocks above the head are "not
 * indexed yet" (an empty list), as toncenter answers.
 */
export async function startTonReplayServer(options: { readonly blocks: ReadonlyMap<number, TonReplayBlock>; readonly head: number }): Promise<TonReplayServer> {
  const transactionsRequested = new Set<number>();
  const state = { head: options.head };
  const shell = await startLedgerReplayServer({
    handle: (request) => {
      if (request.method !== 'GET') return undefined;
      if (request.path === '/api/v3/masterchainInfo') {
        const last = options.blocks.get(state.head)?.block ?? { workchain: -1, shard: '8000000000000000', seqno: state.head };
        return { body: { first: { workchain: -1, shard: '8000000000000000', seqno: 1 }, last: { ...last, seqno: state.head } } };
      }
      if (request.path === '/api/v3/blocks') {
        const seqno = Number(request.query.get('seqno'));
        const known = request.query.get('workchain') === '-1' && seqno <= state.head ? options.blocks.get(seqno) : undefined;
        return { body: { blocks: known === undefined ? [] : [known.block] } };
      }
      if (request.path === '/api/v3/transactions') {
        const seqno = Number(request.query.get('mc_seqno'));
        transactionsRequested.add(seqno);
        const known = seqno <= state.head ? options.blocks.get(seqno) : undefined;
        const limit = Number(request.query.get('limit') ?? '128');
        const offset = Number(request.query.get('offset') ?? '0');
        return { body: { transactions: (known?.transactions ?? []).slice(offset, offset + limit), address_book: {} } };
      }
      return undefined;
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
    transactionsRequested,
  };
}
