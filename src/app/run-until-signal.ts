import type { Logger } from './logger.js';

export interface CloseOnSignalOptions {
  /** Exit by then whatever close() is waiting for (a hung RPC node, a dead Redis). */
  readonly shutdownTimeoutMs: number;
}

/**
 * Keeps a process alive until SIGINT or SIGTERM, then closes it once and
 * exits. close() stops polling, lets in-flight deliveries finish and closes
 * queues and Redis; if that has not finished within `shutdownTimeoutMs` the
 * process exits anyway (code 1): everything is at-least-once, so a delivery cut
 * short is retried by another process under the same webhook-id, and a poll
 * step cut short is redone from the durable cursor. `docker stop` (SIGTERM,
 * then SIGKILL after 10 s) is therefore safe. A second signal forces the exit
 * (an operator pressing Ctrl-C twice means it).
 */
export function closeOnSignal(close: () => Promise<void>, logger: Logger, options: CloseOnSignalOptions): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    closing = true;
    logger.info({ signal, shutdown_timeout_ms: options.shutdownTimeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ shutdown_timeout_ms: options.shutdownTimeoutMs }, 'shutdown deadline passed with work still closing (a peer does not answer); exiting: unfinished work is redone from the queue and the cursor');
      process.exit(1);
    }, options.shutdownTimeoutMs).unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
