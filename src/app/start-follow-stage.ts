import type { Redis } from 'ioredis';
import type { Settings } from '../config/schema.js';
import type { LabelBook } from '../core/labels/address-label.js';
import type { WatchlistOverlay } from '../core/watchlist-overlay.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import { createEvmCodeChecker, type EvmCodeChecker } from '../adapters/evm-rpc/create-evm-code-checker.js';
import { createEmailSender } from '../adapters/smtp/send-email.js';
import { createFollowStage, type FollowStage } from './follow-stage.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * The follow stage of a poller process (issue #11), when `follow.enabled`: EVM
 * contract checks on each chain's own RPC endpoints, cap alerts to the operator
 * by email (as the chain watchdog sends), and the periodic expiry sweep.
 * undefined when following is off.
 */
export function startFollowStage(options: {
  readonly settings: Settings;
  readonly redis: Redis;
  readonly labels: LabelBook;
  readonly overlay: WatchlistOverlay;
  readonly currentWatchlist: () => WatchlistIndex;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): FollowStage | undefined {
  const { settings, logger } = options;
  const config = settings.follow;
  if (config === undefined || !config.enabled) return undefined;
  const checkers = new Map<string, EvmCodeChecker>();
  for (const chain of settings.chains.values()) {
    if (chain.kind === 'evm' && chain.enabled) checkers.set(chain.id, createEvmCodeChecker({ chain: chain.id, rpcUrls: chain.rpcUrls, timeoutMs: chain.rpcTimeoutMs }));
  }
  const email = settings.email?.enabled === true ? settings.email : undefined;
  const sender = email === undefined ? undefined : createEmailSender(email.smtpUrl);
  const stage = createFollowStage({
    config,
    chains: settings.chains,
    redis: options.redis,
    prefix: settings.redis.prefix,
    labels: options.labels,
    overlay: options.overlay,
    currentWatchlist: options.currentWatchlist,
    contractsAmong: async (chain, keys) => (await checkers.get(chain)?.contractsAmong(keys)) ?? new Set<string>(),
    logger: logger.child({ stage: 'follow' }),
    metrics: options.metrics,
    ...(sender !== undefined && email !== undefined
      ? { notifyOperator: async (m: { subject: string; text: string; html: string }) => void (await sender.send({ from: email.from, to: email.operatorTo ?? email.to, subject: `${email.subjectPrefix} ${m.subject}`.trim(), text: m.text, html: m.html })) }
      : {}),
  });
  stage.start();
  logger.info({ max_hops: config.maxHops, min_amount: config.minAmount, min_fraction: config.minFraction, labels: options.labels.size }, 'following funds out of watched addresses (follow.enabled)');
  return {
    ...stage,
    stop() {
      stage.stop();
      sender?.close();
    },
  };
}
