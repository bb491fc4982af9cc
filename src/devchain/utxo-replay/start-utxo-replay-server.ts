import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayBlock {
  readonly height: number;
  /** Display hex, as getblockhash answers. */
  readonly hash: string;
  /** The serialized block, exactly as the node stores it. */
  readonly raw: Uint8Array;
}

export interface UtxoReplayServerOptions {
  /** Consecutive blocks (recorded or constructed), served by height and hash. */
  readonly blocks: readonly ReplayBlock[];
  /** Raw mempool transactions (txid display hex). */
  readonly mempool?: readonly { readonly txid: string; readonly raw: Uint8Array }[];
  /**
   * Answer like Dogecoin Core 1.14 (Bitcoin Core 0.14 RPC): getblock's second parameter must be a
   * boolean, and there is no scantxoutset.
   */
  readonly dogecoinCore?: boolean;
  /**
   * Answer like zebrad (Zcash): getrawtransaction's `verbose` is a number (a boolean is an invalid-params
   * error, as zebrad's u8 parameter refuses it), and there is no scantxoutset.
   */
  readonly zebrad?: boolean;
}

export interface UtxoReplayServer {
  /** http://user:password@127.0.0.1:port */
  readonly rpcUrl: string;
  /** Every JSON-RPC method called, in order (with the getblock verbosity parameter). */
  readonly calls: readonly string[];
  close(): Promise<void>;
}

/**
 * Serves recorded (or constructed) blocks of any UTXO family over the Bitcoin
 * Core JSON-RPC calls chainwatch uses: getblockcount, getblockhash, getblock
 * (raw hex), getrawmempool, getrawtransaction, scantxoutset (no unspents).
 * The tip is the highest block; the height below the first block answers with
 * that block's parent hash (read from its header), so a follower can check
 * continuity. Batches and single calls, Basic auth, like Core.
 */
export async function startUtxoReplayServer(options: UtxoReplayServerOptions): Promise<UtxoReplayServer> {
  const user = 'replay';
  const password = 'replay-secret';
  const expectedAuth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const byHeight = new Map(options.blocks.map((b) => [b.height, b] as const));
  const byHash = new Map(options.blocks.map((b) => [b.hash.toLowerCase(), b] as const));
  const mempool = new Map((options.mempool ?? []).map((t) => [t.txid.toLowerCase(), t.raw] as const));
  const first = [...options.blocks].sort((a, b) => a.height - b.height)[0];
  if (first === undefined) throw new Error('a replay server needs at least one block');
  const parentOfFirst = Buffer.from(first.raw.subarray(4, 36)).reverse().toString('hex');
  const tip = Math.max(...options.blocks.map((b) => b.height));
  const calls: string[] = [];

  type Reply = { result: unknown; error: { code: number; message: string } | null; id: unknown };
  const rpc = (call: { id?: unknown; method?: unknown; params?: unknown }): Reply => {
    const id = call.id ?? null;
    const params = Array.isArray(call.params) ? (call.params as unknown[]) : [];
    const ok = (result: unknown): Reply => ({ result, error: null, id });
    const fail = (code: number, message: string): Reply => ({ result: null, error: { code, message }, id });
    calls.push(call.method === 'getblock' ? `getblock ${JSON.stringify(params[1])}` : String(call.method));
    switch (call.method) {
      case 'getblockcount':
        return ok(tip);
      case 'getblockhash': {
        const h = Number(params[0]);
        if (h === first.height - 1) return ok(parentOfFirst);
        const b = byHeight.get(h);
        return b ? ok(b.hash.toLowerCase()) : fail(-8, 'Block height out of range');
      }
      case 'getblock': {
        if (options.dogecoinCore && typeof params[1] !== 'boolean') return fail(-1, 'JSON value is not a boolean as expected');
        const b = byHash.get(String(params[0]).toLowerCase());
        return b ? ok(Buffer.from(b.raw).toString('hex')) : fail(-5, 'Block not found');
      }
      case 'getrawmempool':
        return ok([...mempool.keys()]);
      case 'getrawtransaction': {
        if (options.zebrad && typeof params[1] !== 'number') return fail(-32602, `invalid type: ${typeof params[1]}, expected u8`);
        const raw = mempool.get(String(params[0]).toLowerCase());
        return raw ? ok(Buffer.from(raw).toString('hex')) : fail(-5, 'No such mempool or blockchain transaction');
      }
      case 'scantxoutset':
        if (options.dogecoinCore || options.zebrad) return fail(-32601, 'Method not found');
        return ok({ success: true, txouts: 0, height: tip, bestblock: byHeight.get(tip)!.hash, unspents: [], total_amount: 0 });
      default:
        return fail(-32601, 'Method not found');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST') return void res.writeHead(404).end();
    if (req.headers.authorization !== expectedAuth) return void res.writeHead(401).end();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return void send(res, 500, { result: null, error: { code: -32700, message: 'Parse error' }, id: null });
    }
    const list = (Array.isArray(parsed) ? parsed : [parsed]) as { id?: unknown; method?: unknown; params?: unknown }[];
    const replies = list.map(rpc);
    if (Array.isArray(parsed)) return void send(res, 200, replies);
    const only = replies[0]!;
    send(res, only.error ? (only.error.code === -32601 ? 404 : 500) : 200, only);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    rpcUrl: `http://${user}:${password}@127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
