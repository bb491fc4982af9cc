import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface MailSink {
  readonly smtpUrl: string;
  readonly count: () => number;
  close(): Promise<void>;
}

/**
 * A local SMTP server that accepts every message and saves it as an .eml file,
 * so the demo's emails can be opened in any mail client.
 */
export async function startMailSink(options: { dir: string; onMessage: (file: string, raw: string) => void }): Promise<MailSink> {
  mkdirSync(options.dir, { recursive: true });
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received++;
        const raw = Buffer.concat(chunks).toString('utf8');
        const file = join(options.dir, `${String(received).padStart(3, '0')}.eml`);
        writeFileSync(file, raw);
        options.onMessage(file, raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    count: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
