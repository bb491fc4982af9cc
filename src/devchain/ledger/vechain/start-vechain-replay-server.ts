import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

export interface VechainReplayServer extends LedgerReplayServer {
  /** The best block number `/blocks/best` reports (a stub block when the replay holds no block at that height); tests move it to let blocks confirm. */
  head: number;
  /** Block numbers asked for with their transactions. */
  readonly blocksRequested: ReadonlySet<number>;
}

/**
 * A Thor REST node over recorded expanded blocks (by number): `/blocks/best`,
 * `/blocks/{n}?expanded=true`, `/blocks/{n}` (compressed: transaction ids
 * only). A block it does not hold, or above its head, is `null` as Thor
 * answers for a block it does not have yet.
 */
export async function startVechainReplayServer(options: { readonly blocks: ReadonlyMap<number, Record<string, unknown>>; readonly head: number }): Promise<VechainReplayServer> {
  const blocksRequested = new Set<number>();
  const state = { head: options.head };
  const server = await startLedgerReplayServer({
    handle(request) {
      if (request.method !== 'GET') return undefined;
      const m = /^\/blocks\/(best|\d+)$/.exec(request.path);
      if (m === null) return undefined;
      const n = m[1] === 'best' ? state.head : Number(m[1]);
      const block = n <= state.head ? options.blocks.get(n) : undefined;
      // The best block is always there (the replay may not hold it: its number is all pollers read from it).
      if (block === undefined) return { body: m[1] === 'best' ? { number: state.head, id: `0x${state.head.toString(16).padStart(8, '0')}${'0'.repeat(56)}`, transactions: [] } : null };
      if (request.query.get('expanded') === 'true') {
        blocksRequested.add(n);
        return { body: block };
      }
      const txs = (block['transactions'] as { id: string }[] | undefined) ?? [];
      return { body: { ...block, transactions: txs.map((t) => t.id) } };
    },
  });
  // Accessors, not Object.assign (which would copy the head's value once).
  return Object.defineProperties(server as VechainReplayServer, {
    head: { get: () => state.head, set: (value: number) => void (state.head = value), enumerable: true },
    blocksRequested: { value: blocksRequested, enumerable: true },
  });
}
