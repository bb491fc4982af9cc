import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { RetryableError } from '../core/errors.js';
import { RepeatGate } from './repeat-gate.js';

export type { Logger };

export type LogFormat = 'pretty' | 'json';

export interface CreateLoggerOptions {
  readonly level?: string;
  readonly name?: string;
  /** Default: env LOG_FORMAT, else pretty when stdout is a terminal, JSON otherwise. */
  readonly format?: LogFormat;
  /** Where lines go (tests); default stdout. */
  readonly destination?: DestinationStream;
  /** Identical warnings within this window are collapsed into one line (default 60 s). */
  readonly repeatWindowMs?: number;
  readonly now?: () => number;
}

/**
 * One logger for the process. Log fields are snake_case; errors go under `err`.
 * Secrets never reach it: URLs are redacted by the adapters before logging.
 *
 * People read these logs (issue #10): a terminal gets one pretty line per event,
 * a pipe gets JSON; a transient failure (RetryableError) is one line with its
 * code, not a stack; and the same warning repeated within `repeatWindowMs`
 * (an unreachable backend, once per watched address per attempt) is logged
 * once, then again with `repeated: N` when the window has passed.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const format = options.format ?? parseLogFormat(process.env['LOG_FORMAT']) ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const gate = new RepeatGate(options.repeatWindowMs ?? 60_000, options.now ?? Date.now);
  const destination =
    format === 'pretty'
      ? PinoPretty({
          sync: true,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss.l',
          // The error goes on the event's line (pino-pretty would print it as an indented JSON block).
          ignore: 'pid,hostname,err',
          messageFormat: formatPrettyMessage,
          colorize: options.destination === undefined && process.stdout.isTTY,
          ...(options.destination !== undefined ? { destination: options.destination } : {}),
        })
      : options.destination;
  const pinoOptions = {
    name: options.name ?? 'chainwatch',
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    redact: { paths: ['secret', '*.secret', 'password', '*.password', 'smtpUrl', '*.smtpUrl'], censor: '[redacted]' },
    serializers: { err: serializeError },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void, level: number): void {
        // Only warnings and errors are collapsed: info lines differ by design (one per alert, per block).
        if (level < 40) return method.apply(this, args);
        const [first, second] = args as unknown[];
        const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
        const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
        const decision = gate.check(repeatKey(level, msg, fields));
        if (decision.log === false) return;
        if (decision.repeated > 0 && fields !== undefined) {
          return method.apply(this, [{ ...fields, repeated: decision.repeated }, ...(args as unknown[]).slice(1)]);
        }
        if (decision.repeated > 0) return method.apply(this, [{ repeated: decision.repeated }, ...(args as unknown[])]);
        return method.apply(this, args);
      },
    },
  };
  return destination === undefined ? pino(pinoOptions) : pino(pinoOptions, destination);
}

export function parseLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'pretty' || value === 'json') return value;
  throw new Error(`LOG_FORMAT must be "pretty" or "json", not "${value}"`);
}

/** `message (CODE: error message)`; an error without a code (a bug, not an expected failure) keeps its stack below. */
function formatPrettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const msg = typeof log[messageKey] === 'string' ? log[messageKey] : '';
  const err = log['err'];
  if (typeof err !== 'object' || err === null) return msg;
  const { code, type, message, stack } = err as Record<string, unknown>;
  const label = typeof code === 'string' ? code : typeof type === 'string' ? type : 'Error';
  const line = `${msg} (${label}: ${typeof message === 'string' ? message : ''})`;
  return typeof code !== 'string' && typeof stack === 'string' ? `${line}\n${stack}` : line;
}

/** Transient failures are expected and retried: their code and message say enough, a stack only adds noise. */
function serializeError(err: unknown): unknown {
  if (err instanceof RetryableError) return { type: err.name, code: err.code, message: err.message };
  return err instanceof Error ? stdSerializers.err(err) : err;
}

/** What makes two warnings "the same": level, message, chain and the error's code and message; not per-address fields. */
function repeatKey(level: number, msg: string, fields: Record<string, unknown> | undefined): string {
  const err = fields?.['err'];
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : '';
  const errPart = err instanceof Error ? `${code}|${err.message}` : '';
  const chain = typeof fields?.['chain'] === 'string' ? fields['chain'] : '';
  return `${level}|${chain}|${msg}|${errPart}`;
}
