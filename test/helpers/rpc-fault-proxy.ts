import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A JSON-RPC proxy in front of a real node that injects faults.
 *
 * THIS IS A PASS-THROUGH STUB with the final interface (issue #10 item 3):
 * the fault-injection suite drives it already; the real fault-injecting proxy
 * replaces this file at merge. Here `failureRate` and `kinds` are accepted but
 * nothing is injected (`injected()` stays all zero); only `setDown` acts: a
 * down proxy refuses connections, like a dead endpoint.
 */
export type RpcFaultKind = 'timeout' | 'reset' | 'http429' | 'http502' | 'http503' | 'jsonrpc-error' | 'malformed' | 'truncated' | 'head-backwards' | 'logs-mismatch';

export interface RpcFaultProxyOptions {
  readonly target: string;
  readonly seed: number;
  readonly failureRate?: number;
  readonly kinds?: readonly RpcFaultKind[];
}

export interface RpcFaultProxy {
  readonly url: string;
  injected(): Readonly<Record<RpcFaultKind, number>>;
  total(): number;
  setFailureRate(rate: number): void;
  setDown(down: boolean): void;
  close(): Promise<void>;
}

const ALL_KINDS: readonly RpcFaultKind[] = ['timeout', 'reset', 'http429', 'http502', 'http503', 'jsonrpc-error', 'malformed', 'truncated', 'head-backwards', 'logs-mismatch'];

export async function startRpcFaultProxy(options: RpcFaultProxyOptions): Promise<RpcFaultProxy> {
  const counts = Object.fromEntries(ALL_KINDS.map((k) => [k, 0])) as Record<RpcFaultKind, number>;
  let down = false;
  const sockets = new Set<Socket>();

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const upstream = await fetch(options.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
    } catch {
      res.writeHead(502).end('upstream unreachable');
    }
  };

  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    forward(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    if (down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    injected: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    setFailureRate: () => undefined,
    setDown(next) {
      down = next;
      if (down) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
