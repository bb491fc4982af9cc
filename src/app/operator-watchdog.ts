import type { ChainConfig, Settings } from '../config/schema.js';
import { createEmailSender } from '../adapters/smtp/send-email.js';
import type { ChainFollowerStatus } from './chain-follower.js';
import { startChainWatchdog, type ChainWatchdog, type WatchedChain } from './chain-watchdog.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export type { WatchedChain };

/** Default lag thresholds by kind (beyond the confirmations wait): ~10 min of Ethereum blocks, three Bitcoin blocks, a minute of Tron. */
export const DEFAULT_MAX_LAG_BLOCKS: Readonly<Record<string, number>> = { evm: 50, bitcoin: 3, 'bitcoin-cash': 3, 'bitcoin-sv': 3, litecoin: 12, dogecoin: 30, dash: 12, 'bitcoin-gold': 12, zcash: 12, verge: 40, tron: 20 };

/** A chain's watchdog thresholds from its config (defaults documented in the README). */
export function watchedChain(chain: ChainConfig, status: () => ChainFollowerStatus): WatchedChain {
  const configured = chain as { readonly maxLagBlocks?: number; readonly stallAfterMs?: number };
  return {
    id: chain.id,
    thresholds: {
      maxLagBlocks: configured.maxLagBlocks ?? DEFAULT_MAX_LAG_BLOCKS[chain.kind] ?? 20,
      stallAfterMs: configured.stallAfterMs ?? Math.max(300_000, 20 * chain.pollIntervalMs),
    },
    // Lag counts the blocks a poller could process but has not: the confirmations wait is not lag.
    status: () => {
      const s = status();
      return s.lagBlocks === null ? s : { ...s, lagBlocks: Math.max(0, s.lagBlocks - (chain.confirmations - 1)) };
    },
  };
}

/** The chain watchdog of a poller process, emailing `email.operatorTo` (else `email.to`) when email is on. */
export function startOperatorWatchdog(options: {
  readonly settings: Settings;
  readonly chains: readonly WatchedChain[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness?: Readiness;
  readonly intervalMs?: number;
}): ChainWatchdog {
  const email = options.settings.email?.enabled === true ? options.settings.email : undefined;
  const sender = email === undefined ? undefined : createEmailSender(email.smtpUrl);
  const watchdog = startChainWatchdog({
    chains: options.chains,
    logger: options.logger,
    metrics: options.metrics,
    ...(options.readiness !== undefined ? { readiness: options.readiness } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(email !== undefined ? { subjectPrefix: email.subjectPrefix } : {}),
    ...(sender !== undefined && email !== undefined
      ? {
          notify: async (message) => {
            await sender.send({ from: email.from, to: email.operatorTo ?? email.to, ...message });
          },
        }
      : {}),
  });
  return {
    checkOnce: () => watchdog.checkOnce(),
    stop() {
      watchdog.stop();
      sender?.close();
    },
  };
}
