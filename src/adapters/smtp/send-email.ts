import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { PermanentError, RetryableError, redactUrl } from '../../core/errors.js';

export interface EmailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Stable Message-ID per delivery, so a duplicate that slips through threads as the same message. */
  readonly messageId?: string;
  /** Threading (RFC 5322): the group's thread root. */
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** Extra headers, e.g. Auto-Submitted (RFC 3834); values must already be sanitised. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<{ readonly messageId: string }>;
  close(): void;
}

export interface EmailSenderOptions {
  readonly connectionTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
  /** Pooled SMTP connections (reused across emails); default true. */
  readonly pool?: boolean;
}

/**
 * Creates the SMTP sender from `email.smtpUrl` (smtp:// or smtps://, with
 * credentials in the URL). Errors are translated from nodemailer's `err.code`
 * and SMTP reply codes; messages carry only scheme and host of the URL.
 */
export function createEmailSender(smtpUrl: string, options: EmailSenderOptions = {}): EmailSender {
  // An options object with `url` picks nodemailer's SMTP overload, so sendMail() is typed
  // with SMTP's SentMessageInfo instead of `any`.
  const poolOptions: SMTPPool.Options & { url: string } = {
    url: smtpUrl,
    pool: true,
    maxConnections: 2,
    // Short timeouts: a stuck server should fail the attempt and let the queue retry.
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    greetingTimeout: options.connectionTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
  };
  // Pooled (issue #8): connections are reused across emails instead of one handshake per message.
  const transport = options.pool === false ? nodemailer.createTransport({ ...poolOptions, pool: false }) : nodemailer.createTransport(poolOptions);
  const where = redactUrl(smtpUrl);
  return {
    async send(message: EmailMessage): Promise<{ readonly messageId: string }> {
      try {
        const info = await transport.sendMail({
          from: message.from,
          to: [...message.to],
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
          ...(message.inReplyTo !== undefined ? { inReplyTo: message.inReplyTo } : {}),
          ...(message.references !== undefined ? { references: [...message.references] } : {}),
          ...(message.headers !== undefined ? { headers: { ...message.headers } } : {}),
        });
        return { messageId: info.messageId };
      } catch (err) {
        throw translateSmtpError(err, where);
      }
    },
    close(): void {
      transport.close();
    },
  };
}

/**
 * nodemailer error -> our error. The SMTP reply code decides first (RFC 5321:
 * 4yz transient, 5yz permanent; 503 "bad sequence" is a session problem, so
 * retried), then nodemailer's code: connection-level failures are transient,
 * authentication and envelope problems are permanent until the operator acts.
 */
export function translateSmtpError(err: unknown, where: string): RetryableError | PermanentError {
  const code = readString(err, 'code');
  const responseCode = readNumber(err, 'responseCode');
  const detail = `${code ?? 'error'}${responseCode === undefined ? '' : ` ${responseCode}`}`;
  const cause = sanitize(err, code, responseCode);
  if (responseCode !== undefined) {
    if (responseCode >= 400 && responseCode < 500) {
      return new RetryableError('SMTP_TEMPORARY', `SMTP server ${where} deferred the message (${detail})`, { cause });
    }
    if (responseCode >= 500 && responseCode < 600 && responseCode !== 503) {
      return new PermanentError('SMTP_REJECTED', `SMTP server ${where} rejected the message (${detail})`, { cause });
    }
  }
  switch (code) {
    case 'ECONNECTION':
    case 'ETIMEDOUT':
    case 'ESOCKET':
    case 'EDNS':
    case 'EPROTOCOL':
    case 'ETLS':
    case 'EMAXLIMIT':
      return new RetryableError('SMTP_UNAVAILABLE', `SMTP server ${where} is unavailable (${detail})`, { cause });
    case 'EAUTH':
    case 'ENOAUTH':
      return new PermanentError('SMTP_AUTH_FAILED', `SMTP server ${where} refused the credentials in email.smtpUrl (${detail})`, { cause });
    case 'EENVELOPE':
      return new PermanentError('SMTP_ENVELOPE', `SMTP server ${where} refused the sender or recipients (${detail})`, { cause });
    default:
      if (responseCode === 503) return new RetryableError('SMTP_TEMPORARY', `SMTP server ${where} deferred the message (${detail})`, { cause });
      return new PermanentError('SMTP_FAILED', `sending email via ${where} failed (${detail})`, { cause });
  }
}

function readString(err: unknown, key: string): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function readNumber(err: unknown, key: string): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Keep the server's reply (useful to the operator) but never the raw error:
 * AUTH errors can echo the command, and connection errors the full URL.
 */
function sanitize(err: unknown, code: string | undefined, responseCode: number | undefined): Error {
  const response = readString(err, 'response');
  const safeResponse = response !== undefined && !/AUTH/i.test(readString(err, 'command') ?? '') ? response.slice(0, 200) : undefined;
  return new Error([code, responseCode, safeResponse].filter((x) => x !== undefined).join(' ') || 'smtp error');
}
