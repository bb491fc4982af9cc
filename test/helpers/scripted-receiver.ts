import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** Date.now() when it arrived. */
  readonly at: number;
}

/** What to answer request number `n` (0-based): a status with headers, or `hang` to never answer. */
export type ReceiverScript = (n: number, req: ReceivedRequest) => { status: number; headers?: Record<string, string> } | 'hang';

export interface ScriptedReceiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  script: ReceiverScript;
  close(): Promise<void>;
}

/** A real node:http receiver on 127.0.0.1:0 answering from a script; records every request. */
export async function startScriptedReceiver(script: ReceiverScript): Promise<ScriptedReceiver> {
  const received: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const receiver: ScriptedReceiver = {
    url: '',
    received,
    script,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: ReceivedRequest['body'];
      try {
        body = JSON.parse(rawBody) as ReceivedRequest['body'];
      } catch {
        body = { type: 'unparsable', timestamp: '', data: {} };
      }
      const entry: ReceivedRequest = { headers: req.headers, rawBody, body, at: Date.now() };
      const answer = receiver.script(received.length, entry);
      received.push(entry);
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  Object.assign(receiver, { url: `http://127.0.0.1:${port}/hook` });
  return receiver;
}
