import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { startTcpGate, type TcpGate } from './tcp-gate.js';

/**
 * The suite's receivers: a Standard Webhooks receiver and an SMTP server,
 * each behind a TCP gate, with a mode that a fault switches:
 *  - ok: accept (2xx / 250);
 *  - refuse: the gate refuses connections;
 *  - hang: never answer (the sender's timeout fires);
 *  - fail: 503 (webhook) / 451 (SMTP temporary failure).
 * What arrives in `ok` mode counts as delivered (the receiver acts on it), even if the sender dies
 * before the answer reaches it; what a failing receiver turns away does not.
 */
export type ReceiverMode = 'ok' | 'refuse' | 'hang' | 'fail';

export interface AcceptedWebhook {
  readonly webhookId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly signatureValid: boolean;
  /** Date.now() when it arrived (in `ok` mode). */
  readonly at: number;
}

export interface AcceptedEmail {
  readonly messageId: string;
  readonly subject: string;
  readonly text: string;
  readonly at: number;
}

export interface FaultyReceiver<T> {
  readonly url: string;
  readonly accepted: T[];
  /** Attempts turned away (connection refused, left hanging, answered with a failure). */
  readonly refused: () => number;
  setMode(mode: ReceiverMode): void;
  close(): Promise<void>;
}

/** `latencyMs` (drawn per request) delays each accepted answer, like a receiver doing work before it replies. */
export async function startFaultyWebhookReceiver(secret: string, latencyMs: () => number = () => 0): Promise<FaultyReceiver<AcceptedWebhook>> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const accepted: AcceptedWebhook[] = [];
  const hanging = new Set<ServerResponse>();
  let mode: ReceiverMode = 'ok';
  let refused = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'hang' || mode === 'refuse') {
        refused++;
        hanging.add(res);
        res.once('close', () => hanging.delete(res));
        return;
      }
      if (mode === 'fail') {
        refused++;
        res.writeHead(503).end('unavailable');
        return;
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      // Checked with node:crypto, independently of chainwatch's signing code.
      const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64');
      const signatureValid = String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
      const body = JSON.parse(rawBody) as { type: string; data: Record<string, unknown> };
      // Delivered = received while the receiver works: it acts on a request when it arrives (as real receivers
      // do), so a sender killed before the 200 reaches it makes the receiver see the next attempt as a repeat.
      accepted.push({ webhookId: id, type: body.type, data: body.data, signatureValid, at: Date.now() });
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(200).end('ok');
      }, latencyMs());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const gate = await startTcpGate(typeof address === 'object' && address ? address.port : 0);
  return {
    url: `http://127.0.0.1:${gate.port}/hook`,
    accepted,
    refused: () => refused + gate.refused(),
    setMode(next) {
      mode = next;
      gate.setOpen(mode !== 'refuse');
      if (mode === 'ok') for (const res of hanging) res.destroy();
    },
    async close() {
      for (const res of hanging) res.destroy();
      await gate.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export async function startFaultySmtpReceiver(latencyMs: () => number = () => 0): Promise<FaultyReceiver<AcceptedEmail> & { gate: TcpGate }> {
  const accepted: AcceptedEmail[] = [];
  let mode: ReceiverMode = 'ok';
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    // hang: never greet, so the client's greeting timeout fires.
    onConnect(_session, callback) {
      if (mode === 'hang') {
        refused++;
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (mode !== 'ok') {
            refused++;
            return callback(Object.assign(new Error('Temporary local problem, try again'), { responseCode: 451 }));
          }
          // In the mailbox from here on, whether or not the 250 reaches the sender.
          accepted.push({ messageId: mail.messageId ?? '', subject: mail.subject ?? '', text: mail.text ?? '', at: Date.now() });
          setTimeout(() => callback(), latencyMs());
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const gate = await startTcpGate(typeof address === 'object' && address ? address.port : 0);
  return {
    url: `smtp://127.0.0.1:${gate.port}`,
    accepted,
    gate,
    refused: () => refused + gate.refused(),
    setMode(next) {
      mode = next;
      gate.setOpen(mode !== 'refuse');
    },
    async close() {
      await gate.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
