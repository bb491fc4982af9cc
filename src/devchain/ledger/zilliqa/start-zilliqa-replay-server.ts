import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

export interface ZilliqaReplayBlock {
  /** A `GetTxBlock` result. */
  readonly txBlock: Record<string, unknown>;
  /** A `GetTxnBodiesForTxBlock` result. */
  readonly bodies: readonly unknown[];
}

export interface ZilliqaReplayServer extends LedgerReplayServer {
  /** The newest TxBlock number (`GetNumTxBlocks` answers head + 1); tests move it. */
  head: number;
  readonly blocksRequested: ReadonlySet<number>;
}

/**
 * A Zilliqa JSON-RPC node over recorded TxBlocks: `GetNumTxBlocks`,
 * `GetTxBlock`, `GetTxnBodiesForTxBlock`. A block it does not hold (or above
 * its head) gets a JSON-RPC error as real nodes give; an empty block's bodies
 * the "no transactions" error they give.
 */
export async function startZilliqaReplayServer(options: { readonly blocks: ReadonlyMap<number, ZilliqaReplayBlock>; readonly head: number }): Promise<ZilliqaReplayServer> {
  const blocksRequested = new Set<number>();
  const state = { head: options.head };
  const server = await startLedgerReplayServer({
    handle({ rpc }) {
      if (rpc === undefined) return undefined;
      if (rpc.method === 'GetNumTxBlocks') return { result: String(state.head + 1) };
      const n = Number((rpc.params as unknown[] | undefined)?.[0]);
      const block = n <= state.head ? options.blocks.get(n) : undefined;
      if (rpc.method === 'GetTxBlock') return block === undefined ? { error: { code: -20, message: 'Blocknumber Absent' } } : { result: block.txBlock };
      if (rpc.method === 'GetTxnBodiesForTxBlock') {
        if (block === undefined) return { error: { code: -20, message: 'Txn Hash not Present' } };
        if (block.bodies.length === 0) return { error: { code: -1, message: 'TxBlock has no transactions' } };
        blocksRequested.add(n);
        return { result: block.bodies };
      }
      return undefined;
    },
  });
  // Accessors, not Object.assign (which would copy the head's value once).
  return Object.defineProperties(server as ZilliqaReplayServer, {
    head: { get: () => state.head, set: (value: number) => void (state.head = value), enumerable: true },
    blocksRequested: { value: blocksRequested, enumerable: true },
  });
}
