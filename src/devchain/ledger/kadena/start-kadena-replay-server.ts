import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

/** One chain's block the replay node knows: JSON header (hash, parent, height, chainId) and payload with outputs. */
export interface KadenaReplayBlock {
  readonly header: { readonly hash: string; readonly parent: string; readonly height: number; readonly chainId: number };
  readonly payloadWithOutputs: unknown;
}

export interface KadenaReplayServer extends LedgerReplayServer {
  /** The height every chain of the cut reports; tests move it. */
  height: number;
}

/**
 * A chainweb-node look-alike for the Kadena source: `GET /chainweb/0.0/<net>/cut`
 * and `POST /chain/{c}/block/branch?minheight&maxheight` over recorded payloads
 * (blocks keyed `<chain>:<height>`). A height above the cut is not there yet (no items).
 */
export async function startKadenaReplayServer(options: { readonly network?: string; readonly blocks: ReadonlyMap<string, KadenaReplayBlock>; readonly chains: readonly number[]; readonly height: number }): Promise<KadenaReplayServer> {
  const base = `/chainweb/0.0/${options.network ?? 'mainnet01'}`;
  const state = { height: options.height };
  const shell = await startLedgerReplayServer({
    handle: (request) => {
      if (request.method === 'GET' && request.path === `${base}/cut`) {
        const hashes = Object.fromEntries(options.chains.map((c) => [String(c), { height: state.height, hash: options.blocks.get(`${c}:${state.height}`)?.header.hash ?? `unknown-${c}-${state.height}` }]));
        return { body: { hashes, height: state.height * options.chains.length, weight: 'AAAA', origin: null, instance: 'mainnet01', id: 'replay' } };
      }
      const m = /^\/chainweb\/0\.0\/[^/]+\/chain\/(\d+)\/block\/branch$/.exec(request.path);
      if (request.method === 'POST' && m !== null && request.path.startsWith(base)) {
        const height = Number(request.query.get('minheight'));
        const block = height <= state.height ? options.blocks.get(`${m[1]}:${height}`) : undefined;
        return { body: { items: block === undefined ? [] : [block], limit: block === undefined ? 0 : 1, next: null } };
      }
      return undefined;
    },
  });
  return {
    ...shell,
    get height() {
      return state.height;
    },
    set height(value: number) {
      state.height = value;
    },
  };
}
