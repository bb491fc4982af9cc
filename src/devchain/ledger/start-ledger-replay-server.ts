import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a ledger family's replay handler sees it. */
export interface ReplayRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Parsed JSON body (POST), undefined otherwise or when it is not JSON. */
  readonly body: unknown;
  /** Present when the body is a JSON-RPC 2.0 call. */
  readonly rpc?: { readonly id: unknown; readonly method: string; readonly params: unknown };
  readonly headers: IncomingMessage['headers'];
}

/**
 * What to answer: a JSON body (status 200 unless given). For a JSON-RPC call,
 * `{ result }` or `{ error }` is wrapped into the 2.0 envelope with the call's id.
 * undefined = this node does not know the path or method (404, or JSON-RPC
 * "method not found" -32601), as real nodes that lack a method answer.
 */
export type ReplayAnswer = { readonly status?: number; readonly body?: unknown; readonly result?: unknown; readonly error?: { readonly code: number; readonly message: string } } | undefined;

/** Failures injected on the next requests: real nodes and gateways do all of these. */
export type LedgerReplayFault =
  /** HTTP 503. */
  | 'http503'
  /** HTTP 429 with Retry-After: 0. */
  | 'http429'
  /** HTTP 200 with a body that is not JSON (a proxy's error page). */
  | 'garbage'
  /** The connection is dropped without an answer. */
  | 'reset';

export interface LedgerReplayServer {
  /** http://127.0.0.1:port : pass as the chain's apiUrl. */
  readonly url: string;
  /** The next `times` requests fail with `fault` (requests whose path includes `onlyPath` when given). */
  failNext(fault: LedgerReplayFault, times?: number, onlyPath?: string): void;
  /** Requests served, by `METHOD path` or by JSON-RPC method name. */
  readonly requests: ReadonlyMap<string, number>;
  /** Values seen for a request header (e.g. to check the API key is sent). */
  headerValues(name: string): ReadonlySet<string>;
  close(): Promise<void>;
}

/**
 * The HTTP shell of the self-written ledger nodes tests and the demo use:
 * each family supplies `handle` over its recorded (and assembled) data and
 * decides what it knows (its head, missing methods, lagging indexes); the
 * shell adds JSON parsing, the JSON-RPC envelope, injected faults and request
 * counts. Loopback only.
 */
export async function startLedgerReplayServer(options: { readonly handle: (request: ReplayRequest) => ReplayAnswer | Promise<ReplayAnswer>; readonly port?: number }): Promise<LedgerReplayServer> {
  const requests = new Map<string, number>();
  const headers = new Map<string, Set<string>>();
  const faults: { fault: LedgerReplayFault; onlyPath: string | undefined }[] = [];

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const call = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | undefined;
    const rpc = call?.jsonrpc === '2.0' && typeof call.method === 'string' ? { id: call.id, method: call.method, params: call.params } : undefined;
    const name = rpc?.method ?? `${req.method ?? 'GET'} ${url.pathname}`;
    requests.set(name, (requests.get(name) ?? 0) + 1);
    for (const [h, v] of Object.entries(req.headers)) if (typeof v === 'string') (headers.get(h) ?? headers.set(h, new Set()).get(h)!).add(v);

    const at = faults.findIndex((f) => f.onlyPath === undefined || url.pathname.includes(f.onlyPath) || rpc?.method === f.onlyPath);
    if (at >= 0) {
      const fault = faults.splice(at, 1)[0]!.fault;
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'garbage') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
      if (fault === 'http429') return void res.writeHead(429, { 'retry-after': '0' }).end();
      return void res.writeHead(503).end();
    }

    const answer = await options.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, ...(rpc ? { rpc } : {}), headers: req.headers });
    if (rpc !== undefined) {
      const envelope = answer === undefined ? { jsonrpc: '2.0', id: rpc.id, error: { code: -32601, message: 'Method not found' } } : answer.error !== undefined ? { jsonrpc: '2.0', id: rpc.id, error: answer.error } : { jsonrpc: '2.0', id: rpc.id, result: answer.result ?? null };
      res.writeHead(answer?.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(envelope));
      return;
    }
    if (answer === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null));
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext(fault, times = 1, onlyPath) {
      for (let i = 0; i < times; i++) faults.push({ fault, onlyPath });
    },
    requests,
    headerValues: (name) => headers.get(name.toLowerCase()) ?? new Set(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
