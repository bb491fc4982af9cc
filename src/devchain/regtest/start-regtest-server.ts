import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { address } from 'bitcoinjs-lib';
import type { RegtestChain } from './create-regtest-chain.js';

/** Failures the server can inject, for tests of retries and "never skip a block". */
export type RegtestFault =
  /** Next request (any endpoint) answers HTTP 500. */
  | 'http500'
  /** Next block fetch returns something that is not hex (Core) / not a block (Esplora). */
  | 'garbage-block'
  /** Next block fetch returns the block with one byte flipped in its transactions (valid hex, merkle root mismatch). */
  | 'corrupt-block'
  /** Next unspent-output listing (Esplora /address/:a/utxo, Core scantxoutset) answers HTTP 503: an overloaded indexer. */
  | 'utxo503';

export interface RegtestServer {
  /** http://user:pass@127.0.0.1:port/ : Bitcoin Core JSON-RPC subset, basic auth. */
  readonly rpcUrl: string;
  /** http://127.0.0.1:port/esplora : Esplora REST subset. */
  readonly esploraUrl: string;
  readonly port: number;
  /** The RPC password, so tests can check it never reaches a log. */
  readonly rpcPassword: string;
  /** Injects `fault` into the next `times` matching requests. */
  failNext(fault: RegtestFault, times?: number): void;
  /**
   * From now on, Esplora's /address/:a/utxo for this address answers like electrs and
   * mempool.space do for a dust-spammed address: HTTP 400 "Too many unspent transaction outputs (>500)…".
   */
  refuseUtxoListing(address: string): void;
  /** Stops listening and drops open connections (the backend "goes away"). */
  goAway(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  /** Requests answered so far, by route (`rpc:getblock`, `esplora:block-raw`...). */
  readonly requests: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/**
 * Serves a RegtestChain over HTTP on a loopback port (0 = any free one),
 * speaking BOTH backends chainwatch supports: Bitcoin Core RPC (getblockcount,
 * getblockhash, getblock <hash> 0, getrawmempool, getrawtransaction,
 * scantxoutset, batched) and Esplora (/blocks/tip/height, /block-height/:h,
 * /block/:hash/raw, /mempool/txids, /tx/:txid/raw, /address/:a/utxo).
 */
export interface RegtestServerOptions {
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  /** RPC methods this node lacks (answered -32601 "Method not found"), like bcoin or btcd without scantxoutset. */
  readonly withoutMethods?: readonly string[];
}

export async function startRegtestServer(chain: RegtestChain, options: RegtestServerOptions = {}): Promise<RegtestServer> {
  const user = options.user ?? 'chainwatch';
  const password = options.password ?? randomBytes(12).toString('hex');
  const expectedAuth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const faults: RegtestFault[] = [];
  const requests = new Map<string, number>();
  const refusedUtxoAddresses = new Set<string>();
  const count = (route: string): void => void requests.set(route, (requests.get(route) ?? 0) + 1);

  const takeFault = (kinds: readonly RegtestFault[]): RegtestFault | undefined => {
    const i = faults.findIndex((f) => kinds.includes(f));
    return i === -1 ? undefined : faults.splice(i, 1)[0];
  };

  const blockBytes = (hash: string): Uint8Array | 'garbage' | undefined => {
    const raw = chain.rawBlock(hash);
    if (!raw) return undefined;
    const fault = takeFault(['garbage-block', 'corrupt-block']);
    if (fault === 'garbage-block') return 'garbage';
    if (fault === 'corrupt-block') {
      // Flip a byte of the coinbase scriptSig: the block still parses and its header is intact,
      // but the coinbase txid changes, so only the merkle root check can notice.
      const copy = Buffer.from(raw);
      let offset = 80 + 1 + 4; // header, tx count (< 0xfd here), coinbase version
      if (copy[offset] === 0) offset += 2; // segwit marker and flag
      offset += 1 + 32 + 4 + 1 + 1; // input count, prev hash, prev index, script length, first push opcode
      copy[offset] = copy[offset]! ^ 0xff;
      return copy;
    }
    return raw;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (takeFault(['http500'])) {
      count('fault:http500');
      res.writeHead(500, { 'content-type': 'text/plain' }).end('injected failure');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/esplora/')) return esplora(url.pathname.slice('/esplora'.length), res);
    if (req.method !== 'POST') return void res.writeHead(404).end();
    if (req.headers.authorization !== expectedAuth) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="jsonrpc"' }).end();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ result: null, error: { code: -32700, message: 'Parse error' }, id: null }));
    }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const replies = calls.map((c) => rpc(c as { id?: unknown; method?: unknown; params?: unknown }));
    if (Array.isArray(parsed)) return void json(res, 200, replies);
    const only = replies[0]!;
    // Like Core: a failed single call answers HTTP 500 (404 for "not found") with the JSON-RPC error.
    json(res, only.error ? (only.error.code === -32601 ? 404 : 500) : 200, only);
  };

  const rpc = (call: { id?: unknown; method?: unknown; params?: unknown }): { result: unknown; error: { code: number; message: string } | null; id: unknown } => {
    const id = call.id ?? null;
    const params = Array.isArray(call.params) ? (call.params as unknown[]) : [];
    const ok = (result: unknown) => ({ result, error: null, id });
    const fail = (code: number, message: string) => ({ result: null, error: { code, message }, id });
    count(`rpc:${String(call.method)}`);
    if (options.withoutMethods?.includes(String(call.method))) return fail(-32601, 'Method not found');
    if (call.method === 'scantxoutset' && takeFault(['utxo503'])) return fail(-28, 'Loading block index...');
    switch (call.method) {
      case 'getblockcount':
        return ok(chain.height());
      case 'getblockhash': {
        const hash = chain.blockHash(Number(params[0]));
        return hash ? ok(hash) : fail(-8, 'Block height out of range');
      }
      case 'getblock': {
        const bytes = blockBytes(String(params[0]));
        if (bytes === undefined) return fail(-5, 'Block not found');
        return ok(bytes === 'garbage' ? 'zz-not-hex-zz' : Buffer.from(bytes).toString('hex'));
      }
      case 'getrawmempool':
        return ok(chain.mempoolTxids());
      case 'getrawtransaction': {
        const raw = chain.rawTransaction(String(params[0]));
        return raw ? ok(Buffer.from(raw).toString('hex')) : fail(-5, 'No such mempool or blockchain transaction');
      }
      case 'scantxoutset': {
        const descriptors = Array.isArray(params[1]) ? (params[1] as unknown[]).map(String) : [];
        const unspents = descriptors.flatMap((d) => {
          const scriptHex = descriptorScript(d, chain);
          return scriptHex === undefined ? [] : chain.unspent(scriptHex).map((u) => ({ txid: u.txid, vout: u.vout, scriptPubKey: u.scriptHex, desc: d, amount: Number(u.value) / 1e8, height: u.height }));
        });
        return ok({ success: true, txouts: unspents.length, height: chain.height(), bestblock: chain.tipHash(), unspents, total_amount: unspents.reduce((s, u) => s + u.amount, 0) });
      }
      default:
        return fail(-32601, 'Method not found');
    }
  };

  const esplora = (path: string, res: ServerResponse): void => {
    let m: RegExpMatchArray | null;
    if (path === '/blocks/tip/height') {
      count('esplora:tip-height');
      return void text(res, 200, String(chain.height()));
    }
    if ((m = path.match(/^\/block-height\/(\d+)$/))) {
      count('esplora:block-height');
      const hash = chain.blockHash(Number(m[1]));
      return void (hash ? text(res, 200, hash) : text(res, 404, 'Block not found'));
    }
    if ((m = path.match(/^\/block\/([0-9a-f]{64})\/raw$/))) {
      count('esplora:block-raw');
      const bytes = blockBytes(m[1]!);
      if (bytes === undefined) return void text(res, 404, 'Block not found');
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes === 'garbage' ? Buffer.from('<html>bad gateway</html>') : Buffer.from(bytes));
    }
    if (path === '/mempool/txids') {
      count('esplora:mempool-txids');
      return void json(res, 200, chain.mempoolTxids());
    }
    if ((m = path.match(/^\/tx\/([0-9a-f]{64})\/raw$/))) {
      count('esplora:tx-raw');
      const raw = chain.rawTransaction(m[1]!);
      return void (raw ? res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(raw)) : text(res, 404, 'Transaction not found'));
    }
    if ((m = path.match(/^\/address\/([^/]+)\/utxo$/))) {
      count('esplora:address-utxo');
      if (takeFault(['utxo503'])) return void text(res, 503, 'Service Unavailable');
      if (refusedUtxoAddresses.has(decodeURIComponent(m[1]!))) {
        // electrs' exact answer (mempool.space's differs only after the first sentence).
        return void text(res, 400, 'Too many unspent transaction outputs (>500). Contact support@blockstream.info for more information');
      }
      let scriptHex: string;
      try {
        scriptHex = Buffer.from(address.toOutputScript(decodeURIComponent(m[1]!), chain.network)).toString('hex');
      } catch {
        return void text(res, 400, 'Invalid Bitcoin address');
      }
      const utxos = chain.unspent(scriptHex, { includeMempool: true }).map((u) => ({
        txid: u.txid,
        vout: u.vout,
        value: Number(u.value),
        status: u.height === null ? { confirmed: false } : { confirmed: true, block_height: u.height, block_hash: chain.blockHash(u.height) },
      }));
      return void json(res, 200, utxos);
    }
    text(res, 404, 'Not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  return {
    rpcUrl: `http://${user}:${password}@127.0.0.1:${port}/`,
    esploraUrl: `http://127.0.0.1:${port}/esplora`,
    port,
    rpcPassword: password,
    requests,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    refuseUtxoListing(addr) {
      refusedUtxoAddresses.add(addr);
    },
    async goAway() {
      await closeServer(server);
    },
    async comeBack() {
      await listen(server, port);
    },
    async close() {
      if (server.listening) await closeServer(server);
    },
  };
}

function descriptorScript(descriptor: string, chain: RegtestChain): string | undefined {
  const raw = descriptor.match(/^raw\(([0-9a-fA-F]+)\)/);
  if (raw) return raw[1]!.toLowerCase();
  const addr = descriptor.match(/^addr\(([^)]+)\)/);
  if (!addr) return undefined;
  try {
    return Buffer.from(address.toOutputScript(addr[1]!, chain.network)).toString('hex');
  } catch {
    return undefined;
  }
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function text(res: ServerResponse, status: number, value: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(value);
}
