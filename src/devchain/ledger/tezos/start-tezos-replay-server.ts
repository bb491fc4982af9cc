import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

export interface TezosReplayServer extends LedgerReplayServer {
  /** The level `/chains/main/blocks/head/header` reports; tests move it to let blocks confirm. */
  head: number;
  readonly blocksRequested: ReadonlySet<number>;
}

/**
 * An Octez RPC node over recorded blocks (by level): head header, block,
 * block header. Levels it does not hold or above its head answer 404 as
 * Octez does for an unknown block.
 */
export async function startTezosReplayServer(options: { readonly blocks: ReadonlyMap<number, { hash: string; header: Record<string, unknown> } & Record<string, unknown>>; readonly head: number }): Promise<TezosReplayServer> {
  const blocksRequested = new Set<number>();
  const state = { head: options.head };
  const server = await startLedgerReplayServer({
    handle(request) {
      if (request.method !== 'GET') return undefined;
      const m = /^\/chains\/main\/blocks\/(head|\d+)(\/header)?$/.exec(request.path);
      if (m === null) return undefined;
      const level = m[1] === 'head' ? state.head : Number(m[1]);
      const block = level <= state.head ? options.blocks.get(level) : undefined;
      if (block === undefined) {
        // The head header is always there (the replay may not hold that block: pollers read only its level).
        return m[1] === 'head' && m[2] !== undefined ? { body: { level: state.head, hash: 'BLockNotHeldByTheReplayNode1111111111111111111111', predecessor: 'BLockNotHeldByTheReplayNode1111111111111111111111' } } : undefined;
      }
      if (m[2] !== undefined) return { body: { ...block.header, hash: block.hash } };
      blocksRequested.add(level);
      return { body: block };
    },
  });
  // Accessors, not Object.assign (which would copy the head's value once).
  return Object.defineProperties(server as TezosReplayServer, {
    head: { get: () => state.head, set: (value: number) => void (state.head = value), enumerable: true },
    blocksRequested: { value: blocksRequested, enumerable: true },
  });
}
