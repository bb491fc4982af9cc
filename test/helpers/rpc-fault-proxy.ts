/**
 * A real HTTP JSON-RPC proxy in front of a real node (hardhat) that injects the
 * faults public endpoints show: timeouts, connection resets, HTTP 429 with
 * Retry-After, 502/503, JSON-RPC errors, malformed and truncated bodies, a
 * lagging backend whose head goes backwards, and logs/receipts of a stale fork
 * (their blockHash differs from the requested block's). `setDown(true)` stops
 * listening, so connections are refused (a dead URL).
 *
 * Seeded and deterministic: one PRNG (mulberry32) decides, per HTTP request in
 * arrival order, whether it fails and how. Single and batched bodies are
 * handled; a request-level fault fails every call it carries, a call-level fault
 * (jsonrpc-error, head-backwards, logs-mismatch) one call of the batch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RpcFaultKind = 'timeout' | 'reset' | 'http429' | 'http502' | 'http503' | 'jsonrpc-error' | 'malformed' | 'truncated' | 'head-backwards' | 'logs-mismatch';

export interface RpcFaultProxyOptions {
  readonly target: string;
  readonly seed: number;
  /** Share of HTTP requests that get a fault (default 0.3). */
  readonly failureRate?: number;
  /** Kinds to draw from (default all). */
  readonly kinds?: readonly RpcFaultKind[];
}

export interface RpcFaultProxy {
  readonly url: string;
  /** Faults injected so far, by kind (one per faulty HTTP request, or per faulty call for call-level kinds). */
  injected(): Readonly<Record<RpcFaultKind, number>>;
  /** HTTP requests received. */
  total(): number;
  setFailureRate(rate: number): void;
  setDown(down: boolean): void;
  close(): Promise<void>;
  /** JSON-RPC calls that got a fault (a request-level fault fails every call of its batch). */
  failedCalls(): number;
  /**
   * Calls received again with the same method and parameters (a re-send), not counting head
   * queries (eth_blockNumber, `latest` tags), which are asked every poll by design.
   */
  resentCalls(): number;
  /** JSON-RPC calls received. */
  calls(): number;
}

export const ALL_RPC_FAULT_KINDS: readonly RpcFaultKind[] = ['timeout', 'reset', 'http429', 'http502', 'http503', 'jsonrpc-error', 'malformed', 'truncated', 'head-backwards', 'logs-mismatch'];

/** Kinds that fail the whole HTTP request (every call it carries); the others fail one call. */
type RequestFaultKind = Exclude<RpcFaultKind, 'jsonrpc-error' | 'head-backwards' | 'logs-mismatch'>;
const REQUEST_KINDS: ReadonlySet<RpcFaultKind> = new Set<RequestFaultKind>(['timeout', 'reset', 'http429', 'http502', 'http503', 'malformed', 'truncated']);
const isRequestKind = (kind: RpcFaultKind): kind is RequestFaultKind => REQUEST_KINDS.has(kind);
const LOG_METHODS = new Set(['eth_getLogs', 'eth_getTransactionReceipt', 'eth_getBlockReceipts']);
/** How long a `timeout` request is held when the client never gives up (then dropped). */
const MAX_HOLD_MS = 120_000;

interface Call {
  readonly jsonrpc?: string;
  readonly id: unknown;
  readonly method: string;
  readonly params?: unknown[];
}

export async function startRpcFaultProxy(options: RpcFaultProxyOptions): Promise<RpcFaultProxy> {
  const random = mulberry32(options.seed);
  const kinds = options.kinds ?? ALL_RPC_FAULT_KINDS;
  if (kinds.length === 0) throw new Error('startRpcFaultProxy: kinds must not be empty');
  let failureRate = options.failureRate ?? 0.3;
  const counts = Object.fromEntries(ALL_RPC_FAULT_KINDS.map((k) => [k, 0])) as Record<RpcFaultKind, number>;
  let requests = 0;
  let callCount = 0;
  let failed = 0;
  let resent = 0;
  const seen = new Set<string>();
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  let down = false;
  let closed = false;

  const forward = async (body: string): Promise<string> => {
    const res = await fetch(options.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return res.text();
  };
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const text = await forward(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
    return (JSON.parse(text) as { result?: unknown }).result;
  };

  function isHeadQuery(call: Call): boolean {
    return call.method === 'eth_blockNumber' || (call.method === 'eth_getBlockByNumber' && call.params?.[0] === 'latest');
  }

  function record(calls: readonly Call[]): void {
    for (const call of calls) {
      callCount++;
      if (isHeadQuery(call) || JSON.stringify(call.params ?? []).includes('"latest"')) continue;
      const key = `${call.method}:${JSON.stringify(call.params ?? [])}`;
      if (seen.has(key)) resent++;
      else seen.add(key);
    }
  }

  /** Which kind this request gets, among those that apply to it (head-backwards needs a head query, logs-mismatch a logs call). */
  function drawFault(calls: readonly Call[]): RpcFaultKind | undefined {
    if (random() >= failureRate) return undefined;
    const applicable = kinds.filter((k) => {
      if (k === 'head-backwards') return calls.some(isHeadQuery);
      if (k === 'logs-mismatch') return calls.some((c) => LOG_METHODS.has(c.method));
      return true;
    });
    if (applicable.length === 0) return undefined;
    return applicable[Math.floor(random() * applicable.length)]!;
  }

  async function answer(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    requests++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      res.writeHead(200, { 'content-type': 'application/json' }).end(await forward(body));
      return;
    }
    const single = !Array.isArray(parsed);
    const calls = (single ? [parsed] : parsed) as Call[];
    record(calls);
    const kind = drawFault(calls);
    if (kind !== undefined && isRequestKind(kind)) {
      counts[kind]++;
      failed += calls.length;
      switch (kind) {
        case 'timeout': {
          // Held past the client's timeout: the client aborts; dropped when it does (or at MAX_HOLD_MS).
          held.add(res);
          const timer = setTimeout(() => res.destroy(), MAX_HOLD_MS);
          res.on('close', () => {
            clearTimeout(timer);
            held.delete(res);
          });
          return;
        }
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'http429':
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32005,"message":"rate limited"}}');
          return;
        case 'http502':
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
          return;
        case 'http503':
          res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
          return;
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' }).end('<html><body>upstream error</body></html>');
          return;
        case 'truncated': {
          const full = await forward(body);
          // A complete HTTP response whose JSON stops half way (a proxy cut the upstream body).
          res.writeHead(200, { 'content-type': 'application/json' }).end(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
          return;
        }
      }
    }
    const answers = JSON.parse(await forward(JSON.stringify(calls))) as unknown;
    const list = (Array.isArray(answers) ? answers : [answers]) as Record<string, unknown>[];
    if (kind === 'jsonrpc-error') {
      const victim = Math.floor(random() * list.length);
      const item = list[victim]!;
      list[victim] = { jsonrpc: '2.0', id: item['id'], error: random() < 0.5 ? { code: -32603, message: 'internal error' } : { code: -32005, message: 'request limit exceeded' } };
      counts[kind]++;
      failed++;
    } else if (kind === 'head-backwards') {
      const index = calls.findIndex(isHeadQuery);
      const call = calls[index]!;
      const item = list.find((a) => a['id'] === call.id);
      const head = call.method === 'eth_blockNumber' ? Number(item?.['result']) : Number((item?.['result'] as { number?: string } | null)?.number);
      if (item !== undefined && Number.isFinite(head) && head > 0) {
        const older = Math.max(0, head - 1 - Math.floor(random() * 5));
        item['result'] = call.method === 'eth_blockNumber' ? `0x${older.toString(16)}` : await rpc('eth_getBlockByNumber', [`0x${older.toString(16)}`, call.params?.[1] ?? false]);
        counts[kind]++;
        failed++;
      }
    } else if (kind === 'logs-mismatch') {
      const call = calls.find((c) => LOG_METHODS.has(c.method))!;
      const item = list.find((a) => a['id'] === call.id);
      // A node serving a stale fork: the same block number, another block hash, other transactions.
      if (item !== undefined && staleFork(item['result'], random)) {
        counts[kind]++;
        failed++;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(single ? list[0] : list));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      answer(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const dropConnections = (): void => {
    for (const res of held) res.destroy();
    for (const socket of sockets) socket.destroy();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    injected: () => ({ ...counts }),
    total: () => requests,
    failedCalls: () => failed,
    resentCalls: () => resent,
    calls: () => callCount,
    setFailureRate(rate) {
      failureRate = rate;
    },
    setDown(value) {
      if (value === down || closed) return;
      down = value;
      if (down) {
        // Not listening: connections are refused (ECONNREFUSED), like a dead host's port.
        server.close();
        dropConnections();
      } else {
        server.listen(port, '127.0.0.1');
      }
    },
    async close() {
      closed = true;
      dropConnections();
      if (down) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Rewrites logs (eth_getLogs) or receipts to another fork's: block hash and transaction hashes changed. True when something was changed. */
function staleFork(result: unknown, random: () => number): boolean {
  const forkHash = (): string => `0x${Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join('')}`;
  const blockHash = forkHash();
  const txHashes = new Map<string, string>();
  const txHashOf = (hash: unknown): string => {
    const key = String(hash);
    if (!txHashes.has(key)) txHashes.set(key, forkHash());
    return txHashes.get(key)!;
  };
  const rewriteLog = (log: Record<string, unknown>): void => {
    log['blockHash'] = blockHash;
    log['transactionHash'] = txHashOf(log['transactionHash']);
  };
  const rewriteReceipt = (receipt: Record<string, unknown>): void => {
    receipt['blockHash'] = blockHash;
    receipt['transactionHash'] = txHashOf(receipt['transactionHash']);
    if (Array.isArray(receipt['logs'])) for (const log of receipt['logs'] as Record<string, unknown>[]) rewriteLog(log);
  };
  if (Array.isArray(result)) {
    if (result.length === 0) return false;
    for (const item of result as Record<string, unknown>[]) {
      if ('logs' in item) rewriteReceipt(item);
      else rewriteLog(item);
    }
    return true;
  }
  if (typeof result === 'object' && result !== null) {
    rewriteReceipt(result as Record<string, unknown>);
    return true;
  }
  return false;
}

/** A small seeded PRNG (public domain): the same seed gives the same fault sequence. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
