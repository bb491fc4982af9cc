import { Gauge } from 'prom-client';
import { judgeChainHealth, type ChainHealth, type ChainHealthThresholds } from '../core/health/judge-chain-health.js';
import { renderWatchdogEmail, type WatchdogEmail } from '../core/health/render-watchdog-email.js';
import type { ChainFollowerStatus } from './chain-follower.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface WatchedChain {
  readonly id: string;
  readonly thresholds: ChainHealthThresholds;
  readonly status: () => ChainFollowerStatus;
}

export interface ChainWatchdogOptions {
  readonly chains: readonly WatchedChain[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness?: Readiness;
  /** Sends the operator's email; absent when no email channel is configured (the log and /readyz still say it). */
  readonly notify?: (email: WatchdogEmail) => Promise<void>;
  readonly subjectPrefix?: string;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export interface ChainWatchdog {
  /** One evaluation of every chain (tests call it; the timer calls it every intervalMs). */
  checkOnce(): Promise<void>;
  stop(): void;
}

const healthyGauges = new WeakMap<Metrics['registry'], Gauge<'chain'>>();

/**
 * Issue #10: each chain's health is in /readyz (`chain:<id>`, not ready while
 * lagging or stalled) and `chainwatch_chain_healthy`; when a chain this process
 * polls falls behind its `maxLagBlocks` or stops advancing, the operator gets
 * one email, and another when it recovers. A standby replica (not holding the
 * lease) reports nothing: the holder does.
 */
export function startChainWatchdog(options: ChainWatchdogOptions): ChainWatchdog {
  const { logger, metrics } = options;
  const now = options.now ?? Date.now;
  const gauge = healthyGauge(metrics);
  const lastHealthy = new Map<string, boolean>();

  for (const chain of options.chains) {
    options.readiness?.register(`chain:${chain.id}`, () => {
      const health = judgeChainHealth(chain.status(), chain.thresholds, now());
      return { ready: health.healthy, detail: health.detail, data: { state: health.state } };
    });
  }

  const report = async (chainId: string, health: ChainHealth): Promise<void> => {
    if (health.healthy) logger.info({ chain: chainId, state: health.state, detail: health.detail }, 'chain recovered: following it again');
    else logger.error({ chain: chainId, state: health.state, detail: health.detail }, 'chain is not being followed in time');
    if (options.notify === undefined) return;
    try {
      await options.notify(renderWatchdogEmail({ subjectPrefix: options.subjectPrefix ?? '[chainwatch]', chain: chainId, health, at: new Date(now()) }));
    } catch (err) {
      logger.error({ chain: chainId, err }, 'could not email the operator about the chain watchdog');
    }
  };

  const checkOnce = async (): Promise<void> => {
    for (const chain of options.chains) {
      const health = judgeChainHealth(chain.status(), chain.thresholds, now());
      gauge.set({ chain: chain.id }, health.healthy ? 1 : 0);
      if (health.state === 'standby' || health.state === 'starting') continue;
      const before = lastHealthy.get(chain.id) ?? true;
      lastHealthy.set(chain.id, health.healthy);
      if (before !== health.healthy) await report(chain.id, health);
    }
  };

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= checkOnce().finally(() => (running = undefined));
  }, options.intervalMs ?? 15_000);
  timer.unref();
  return {
    checkOnce,
    stop() {
      clearInterval(timer);
      for (const chain of options.chains) options.readiness?.remove(`chain:${chain.id}`);
    },
  };
}

function healthyGauge(metrics: Metrics): Gauge<'chain'> {
  const known = healthyGauges.get(metrics.registry);
  if (known) return known;
  const gauge = new Gauge({ name: 'chainwatch_chain_healthy', help: '1 while the chain is followed within maxLagBlocks and advancing (or polled by another replica), 0 while lagging or stalled', labelNames: ['chain'], registers: [metrics.registry] });
  healthyGauges.set(metrics.registry, gauge);
  return gauge;
}
