import { startLedgerReplayServer, type LedgerReplayServer, type ReplayAnswer, type ReplayRequest } from '../start-ledger-replay-server.js';

/** What the replay node holds per slot: a recorded (or assembled) getBlock result, or a slot its leader skipped. */
export type SolanaReplaySlot = { readonly block: Record<string, unknown> } | 'skipped';

export interface SolanaReplayServer extends LedgerReplayServer {
  /** The finalized slot getSlot answers; tests move it to release more slots. */
  head: number;
  /** Slots getBlock was asked for (with full transactions). */
  readonly slotsRequested: ReadonlySet<number>;
}

/**
 * A Solana JSON-RPC node over recorded blocks: getSlot (finalized head),
 * getBlock (the block, its `transactionDetails: 'none'` form, -32007 for a
 * skipped slot, -32004 for a slot above the head) and getBlocks, as
 * mainnet RPC nodes answer them.
 */
export async function startSolanaReplayServer(options: { readonly slots: ReadonlyMap<number, SolanaReplaySlot>; readonly head: number }): Promise<SolanaReplayServer> {
  const slotsRequested = new Set<number>();
  let head = options.head;
  const handle = (request: ReplayRequest): ReplayAnswer => {
    const rpc = request.rpc;
    if (rpc === undefined) return undefined;
    const params = Array.isArray(rpc.params) ? (rpc.params as unknown[]) : [];
    switch (rpc.method) {
      case 'getSlot':
        return { result: head };
      case 'getBlock': {
        const slot = params[0];
        const config = (params[1] ?? {}) as { transactionDetails?: string; encoding?: string };
        if (typeof slot !== 'number') return { error: { code: -32602, message: 'Invalid params: slot' } };
        if (config.encoding !== 'base64') return { error: { code: -32602, message: 'this replay node holds base64-encoded blocks only' } };
        const known = options.slots.get(slot);
        if (slot > head || known === undefined) return { error: { code: -32004, message: `Block not available for slot ${slot}` } };
        if (known === 'skipped') return { error: { code: -32007, message: `Slot ${slot} was skipped, or missing due to ledger jump to recent snapshot` } };
        if (config.transactionDetails === 'none') return { result: { ...known.block, transactions: undefined } };
        slotsRequested.add(slot);
        return { result: known.block };
      }
      case 'getBlocks': {
        const [start, end] = params as [number, number];
        const found = [...options.slots].filter(([s, v]) => s >= start && s <= end && s <= head && v !== 'skipped').map(([s]) => s);
        return { result: found.sort((a, b) => a - b) };
      }
      default:
        return undefined;
    }
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
    slotsRequested,
  };
}
