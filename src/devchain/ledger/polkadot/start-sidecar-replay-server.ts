import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

export interface SidecarReplayServer extends LedgerReplayServer {
  /** The finalized head `/blocks/head/header` reports; blocks above it answer 404 as Sidecar does for unknown ones. */
  finalizedHead: number;
  /** Blocks whose body (`/blocks/{n}`) was asked for. */
  readonly blocksRequested: ReadonlySet<number>;
}

/**
 * A Substrate API Sidecar over recorded `/blocks/{n}` answers for tests and
 * demos: `/blocks/head/header` (the finalized head), `/blocks/{n}` and
 * `/blocks/{n}/header` (the block's header fields).
 */
export async function startSidecarReplayServer(options: { readonly blocks: ReadonlyMap<number, Record<string, unknown>>; readonly finalizedHead: number }): Promise<SidecarReplayServer> {
  const blocksRequested = new Set<number>();
  const state = { head: options.finalizedHead };
  const headerOf = (block: Record<string, unknown>) => ({ parentHash: block['parentHash'], number: block['number'], stateRoot: block['stateRoot'], extrinsicsRoot: block['extrinsicsRoot'], digest: { logs: block['logs'] }, hash: block['hash'] });
  const shell = await startLedgerReplayServer({
    handle(request) {
      if (request.method !== 'GET') return undefined;
      if (request.path === '/blocks/head/header') {
        const head = options.blocks.get(state.head);
        return head === undefined ? { status: 500, body: { code: 500, message: 'no head' } } : { body: headerOf(head) };
      }
      const m = /^\/blocks\/(\d+)(\/header)?$/.exec(request.path);
      if (m === null) return undefined;
      const number = Number(m[1]);
      const block = options.blocks.get(number);
      if (block === undefined || number > state.head) return { status: 400, body: { code: 400, error: 'Invalid block number', message: `Specified block number is larger than the current largest block. The largest known block number is ${state.head}.` } };
      if (m[2] !== undefined) return { body: headerOf(block) };
      blocksRequested.add(number);
      return { body: block };
    },
  });
  return {
    ...shell,
    get finalizedHead() {
      return state.head;
    },
    set finalizedHead(value: number) {
      state.head = value;
    },
    blocksRequested,
  };
}
