import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface CapturedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** Checked here with node:crypto, independently of chainwatch's own signing code. */
  readonly signatureValid: boolean;
  /** Date.now() when the request ended (detection-delay measurements). */
  readonly receivedAt: number;
}

export interface WebhookCapture {
  readonly url: string;
  readonly received: CapturedWebhook[];
  close(): Promise<void>;
}

/** A real HTTP receiver on port 0 that records every request and answers 200. */
export async function startWebhookCapture(secret: string): Promise<WebhookCapture> {
  const received: CapturedWebhook[] = [];
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64');
      const signatureValid = String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
      received.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody) as CapturedWebhook['body'], signatureValid, receivedAt: Date.now() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
