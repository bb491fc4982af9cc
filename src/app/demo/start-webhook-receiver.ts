import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import { verifyWebhookSignature } from '../../core/alert/sign-webhook.js';

export interface ReceivedWebhook {
  readonly id: string;
  readonly verified: boolean;
  readonly body: { type: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A stand-in for an exchange's endpoint: verifies the Standard Webhooks
 * signature, dedupes on webhook-id as receivers should, appends each delivery
 * to a JSON-lines log and answers 204.
 */
export async function startWebhookReceiver(options: { secret: string; logFile: string; onWebhook: (hook: ReceivedWebhook) => void }): Promise<WebhookReceiver> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verification = verifyWebhookSignature({ secret: options.secret, headers: req.headers, body, nowSeconds: Math.floor(Date.now() / 1000) });
      const id = String(req.headers['webhook-id'] ?? '');
      if (!verification.ok) {
        res.writeHead(401).end(verification.reason);
        return;
      }
      res.writeHead(204).end();
      if (seen.has(id)) return;
      seen.add(id);
      const parsed = JSON.parse(body) as ReceivedWebhook['body'];
      appendFileSync(options.logFile, `${JSON.stringify({ webhookId: id, signature: 'verified', ...parsed })}\n`);
      options.onWebhook({ id, verified: true, body: parsed });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
