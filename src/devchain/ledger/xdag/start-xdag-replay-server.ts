import { startLedgerReplayServer, type LedgerReplayServer } from '../start-ledger-replay-server.js';

export interface XdagReplayServer extends LedgerReplayServer {
  /** The main-block height `xdag_blockNumber` answers; tests move it. */
  head: number;
  /** Block addresses asked through `xdag_getBlockByHash`. */
  readonly hashesRequested: ReadonlySet<string>;
}

/**
 * An xdagj JSON-RPC node over recorded answers: `xdag_blockNumber`,
 * `xdag_getBlockByNumber(height, page)` (main blocks by height) and
 * `xdag_getBlockByHash(address, page)` (any block by its base64 address).
 * Unknown heights/addresses get `null`, as xdagj answers for a block it lacks.
 */
export async function startXdagReplayServer(options: { readonly mainBlocks: ReadonlyMap<number, unknown>; readonly blocksByAddress: ReadonlyMap<string, unknown>; readonly head: number }): Promise<XdagReplayServer> {
  const hashesRequested = new Set<string>();
  const state = { head: options.head };
  const server = await startLedgerReplayServer({
    handle({ rpc }) {
      if (rpc === undefined) return undefined;
      const params = Array.isArray(rpc.params) ? (rpc.params as unknown[]) : [];
      if (rpc.method === 'xdag_blockNumber') return { result: String(state.head) };
      if (rpc.method === 'xdag_getBlockByNumber') {
        const height = Number(params[0]);
        return { result: height <= state.head ? (options.mainBlocks.get(height) ?? null) : null };
      }
      if (rpc.method === 'xdag_getBlockByHash') {
        const address = String(params[0]);
        hashesRequested.add(address);
        return { result: options.blocksByAddress.get(address) ?? null };
      }
      return undefined;
    },
  });
  return Object.defineProperties(server as XdagReplayServer, {
    head: { get: () => state.head, set: (value: number) => void (state.head = value), enumerable: true },
    hashesRequested: { value: hashesRequested, enumerable: true },
  });
}
