import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One logger for the process. Log fields are snake_case; errors go under `err`.
 * Secrets never reach it: URLs are redacted by the adapters before logging.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'chainwatch',
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    redact: { paths: ['secret', '*.secret', 'password', '*.password', 'smtpUrl', '*.smtpUrl'], censor: '[redacted]' },
  });
}
