import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { FastifyPluginAsync } from 'fastify';
import { loadConfig } from '../config/load-config.js';
import type { BitcoinChainConfig, ChainConfig, EvmChainConfig, Settings } from '../config/schema.js';
import { redactUrl } from '../core/errors.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import { createRedisConnection, describeTarget } from '../adapters/redis/create-redis-connection.js';
import { parseRedisTarget, type RedisTarget } from '../core/parse-redis-target.js';
import { createRedisChainLease } from '../adapters/redis/chain-lease.js';
import { createRedisCursorStore } from '../adapters/redis/cursor-store.js';
import { createMovementSink } from '../adapters/redis/create-movement-sink.js';
import { createRedisReorgLedger } from '../adapters/redis/reorg-ledger.js';
import { createRedisOutpointStore } from '../adapters/redis/outpoint-store.js';
import { createEarlyWarningStore } from '../adapters/redis/early-warning-store.js';
import { startAlerter } from './alerter.js';
import type { HealthReport } from './api-server.js';
import { createBitcoinPoller } from './btc-poller.js';
import { createEvmPoller } from './evm-poller.js';
import { createTronPoller } from './tron-poller.js';
import { createLedgerPoller } from './ledger-poller.js';
import { isLedgerChain } from '../core/ledger/ledger-kinds.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReadiness, type Readiness } from './readiness.js';
import { startOpsServer } from './start-ops-server.js';
import { createWatchlistReloader } from './watchlist-reloader.js';
import { createLabelReloader } from './label-reloader.js';
import { memoryLogFields } from './read-process-memory.js';
import { collectGarbage } from './collect-garbage.js';
import { startOperatorWatchdog, watchedChain, type WatchedChain } from './operator-watchdog.js';
import { finalityOf, finalityWiring } from './finality-follower.js';
import { createMovementEnricher } from './movement-enricher.js';
import { createWatchlistOverlaySync } from './watchlist-overlay-sync.js';
import { startTenantServices, type TenantServicesOptions } from './tenant-services.js';
import { DEFAULT_SUBSCRIPTIONS_CONFIG, startSubscriptionDeliveries } from './subscription-deliveries.js';
import type { FollowReadModel } from '../core/follow/derived-entry.js';
import { toDashboardMovement } from '../core/dashboard/dashboard-movement.js';
import { createChainStatusStore } from '../adapters/redis/chain-status-store.js';
import { startChainStatusPublisher, type PublishedChain } from './chain-status-publisher.js';
import { adminTokenOf, createConfiguredHistory, startDashboardServices } from './dashboard-services.js';
import { startFollowStage } from './start-follow-stage.js';
import type { LabelBook } from '../core/labels/address-label.js';
import { createDerivedEntryStore } from '../adapters/redis/derived-entry-store.js';

export type Role = 'poller' | 'alerter' | 'api';
export const ALL_ROLES: readonly Role[] = ['poller', 'alerter', 'api'];

export interface RunChainwatchOptions {
  readonly configDir: string;
  readonly roles: readonly Role[];
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Alerter retry base delay; tests and the demo shorten it. */
  readonly deliveryBackoffMs?: number;
  /** Listen on this port instead of api.port / PORT (0 = any free port). */
  readonly apiPort?: number;
  /** How often the chain watchdog checks lag and progress (default 15 s); tests shorten it. */
  readonly watchdogIntervalMs?: number;
  /** Poller lease lifetime (default: 15 s or three poll intervals); tests shorten it. */
  readonly pollerLeaseTtlMs?: number;
  /**
   * Serve /healthz, /readyz and /metrics whatever the roles (`chainwatch start` and the
   * worker entry points do, so every role is observable). Default: only with the api role.
   */
  readonly serveHttp?: boolean;
  /** Tenant subscriptions (issue #9): DNS for the SSRF guard, clock. */
  readonly tenants?: TenantServicesOptions;
  /** The operator dashboard (issue #12): the follow stage's read side (issue #11) when wired, and where the built SPA is. */
  readonly dashboard?: { readonly follow?: FollowReadModel; readonly webRoot?: string; readonly chainStatusIntervalMs?: number };
  /** Address labels (issue #11); default: config/labels, hot-reloaded. Tests and the demo pass a literal book. */
  readonly labels?: LabelBook;
}

/** A step-able poller, for tests and the demo. */
export interface RunningPoller {
  readonly chain: string;
  pollOnce(): Promise<unknown>;
}

export interface RunningChainwatch {
  readonly settings: Settings;
  readonly metrics: Metrics;
  /** What /readyz reports; parts of the process add their own checks. */
  readonly readiness: Readiness;
  readonly pollers: ReadonlyMap<string, RunningPoller>;
  /** The HTTP server's address when it runs (api role, or serveHttp). */
  readonly apiUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * The composition root: reads the config, connects Redis and wires the roles
 * this process runs. `chainwatch start` runs all three; `--role` runs one, so
 * pollers, alerters and the API can be separate processes sharing Redis.
 */
export async function runChainwatch(options: RunChainwatchOptions): Promise<RunningChainwatch> {
  const { logger, roles } = options;
  const env = options.env ?? process.env;
  const loaded = await loadConfig(options.configDir, env);
  // What loading a big watchlist left behind (read buffers, builders) goes before anything else starts.
  collectGarbage();
  for (const warning of loaded.warnings) logger.warn({ file: warning.file, line: warning.line, field: warning.field }, warning.message);
  const { settings } = loaded;
  const metrics = createMetrics();
  const readiness = createReadiness();
  const closers: Array<() => Promise<unknown>> = [];

  const redis = await connectRedisPatiently(parseRedisTarget(settings.redis.url, settings.redis.cluster), logger);
  readiness.register('redis', async () => {
    const { checks } = await checkHealth(redis);
    return { ready: checks['redis']?.ok === true, ...(checks['redis']?.detail !== undefined ? { detail: checks['redis'].detail } : {}) };
  });

  const closeAll = async (): Promise<void> => {
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error while shutting down');
      }
    }
    // Last: everything above still uses the connection while it stops.
    await redis.quit().catch(() => redis.disconnect());
  };

  const pollers = new Map<string, RunningPoller>();
  let apiUrl: string | undefined;
  try {
    const reloader = createWatchlistReloader({
      dir: options.configDir,
      settings,
      intervalMs: settings.reloadIntervalMs,
      logger,
      metrics,
      initial: loaded,
    });
    reloader.start();
    closers.push(() => Promise.resolve(reloader.stop()));
    // Tenants' address lists (issue #9) overlay the files: one index, refreshed once per step.
    const overlaySync = createWatchlistOverlaySync({ redis, prefix: settings.redis.prefix, chains: [...settings.chains.keys()], logger });
    const currentWatchlist = (): WatchlistIndex => overlaySync.combine(reloader.current());
    // Address labels (issue #11): their own directory and reloader; the enrichers and the follow stage read the current book.
    const labelReloader = createLabelReloader({ dir: options.configDir, settings, intervalMs: settings.reloadIntervalMs, logger, initial: loaded.labels });
    labelReloader.start();
    closers.push(() => Promise.resolve(labelReloader.stop()));
    const liveLabels: LabelBook = options.labels ?? {
      get size() {
        return labelReloader.current().size;
      },
      lookup: (chain, matchKey) => labelReloader.current().lookup(chain, matchKey),
    };
    // Follow the money (issue #11): derived entries ride on the same overlay, so matching cost stays flat.
    const follow = roles.includes('poller') ? startFollowStage({ settings, redis, labels: liveLabels, overlay: overlaySync.overlay, currentWatchlist, logger, metrics }) : undefined;
    if (follow !== undefined) closers.push(() => Promise.resolve(follow.stop()));
    // The enrich stage's counterparty: the labels plus the deposit addresses the follow stage found at runtime.
    const labels = (): LabelBook => follow?.labelBook ?? liveLabels;
    const beforeStep = (): Promise<unknown> => Promise.all([reloader.refreshIfChanged(), overlaySync.refresh(), labelReloader.refreshIfChanged(), follow?.refresh()]);
    const followWiring = follow !== undefined ? { follow } : {};

    if (roles.includes('poller')) {
      const cursorStore = createRedisCursorStore(redis, settings.redis.prefix);
      // Replicas sharing this Redis poll each chain once: the lease outlives a few poll intervals, so a
      // holder keeps it while healthy and a standby takes over within that time if it dies.
      const owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
      const lease = createRedisChainLease(redis, settings.redis.prefix, {
        owner,
        ttlMs: (chainId) => options.pollerLeaseTtlMs ?? Math.max(15_000, 3 * (settings.chains.get(chainId)?.pollIntervalMs ?? 5_000)),
      });
      const sink = createMovementSink(redis, settings.redis.prefix);
      closers.push(async () => sink.close());
      // Issue #10 movement.reorged: the main followers retract alerts of orphaned blocks (not the finality followers).
      const reorgLedger = createRedisReorgLedger(redis, settings.redis.prefix);
      const watched: WatchedChain[] = [];
      const published: PublishedChain[] = [];
      for (const chain of settings.chains.values()) {
        if (!chain.enabled) {
          logger.info({ chain: chain.id }, 'chain disabled in config; not polling it');
          continue;
        }
        if (chain.kind === 'evm') {
          const enricher = createMovementEnricher({ settings, logger, metrics, labels });
          const poller = createEvmPoller({ chain: chain satisfies EvmChainConfig, currentWatchlist, beforeStep, cursorStore, sink, lease, reorgLedger, logger, metrics, enricher, ...followWiring });
          poller.start();
          closers.unshift(() => poller.stop());
          const finality = finalityOf(chain);
          if (finality !== undefined) {
            // Its own metrics registry: the trailing pass must not double the chain's block and movement counts.
            const confirmer = createEvmPoller({
              chain: { ...chain, confirmations: finality === 'finalized' ? 1 : finality },
              followFinalized: finality === 'finalized',
              currentWatchlist, beforeStep, logger: logger.child({ follower: 'finality' }), metrics: createMetrics(), enricher,
              ...finalityWiring({ cursorStore, lease, sink }),
            });
            confirmer.start();
            closers.unshift(() => confirmer.stop());
          }
          pollers.set(chain.id, { chain: chain.id, pollOnce: () => poller.pollOnce() });
          watched.push(watchedChain(chain, () => poller.status()));
          published.push({ id: chain.id, kind: chain.kind, endpoints: describeEndpoints(chain), status: watched[watched.length - 1]!.status, capabilities: () => ({ logs: poller.source.status().logs ?? null, traces: poller.source.status().traces ?? null }), rpcEndpoints: () => poller.rpcEndpoints() });
          // What this node offers (issue #14: nodes differ): informational, never makes the process unready.
          readiness.register(`node:${chain.id}`, () => {
            const node = poller.source.status();
            return {
              ready: true,
              detail: `logs via ${node.logs ?? 'not probed yet'}, internal transfers via ${node.traces ?? 'not probed yet'}${node.traces === 'none' ? ' (none: internal transfers are not detected)' : ''}`,
              data: { logs: node.logs ?? null, traces: node.traces ?? null, ...(node.arbtraceBelowBlock !== undefined ? { arbtraceBelowBlock: node.arbtraceBelowBlock } : {}) },
            };
          });
        } else if (chain.kind === 'tron') {
          const enricher = createMovementEnricher({ settings, logger, metrics, labels });
          const poller = createTronPoller({ chain, currentWatchlist, beforeStep, cursorStore, sink, lease, reorgLedger, logger, metrics, enricher, ...followWiring });
          poller.start();
          closers.unshift(() => poller.stop());
          pollers.set(chain.id, { chain: chain.id, pollOnce: () => poller.pollOnce() });
          watched.push(watchedChain(chain, () => poller.status()));
          published.push({ id: chain.id, kind: chain.kind, endpoints: describeEndpoints(chain), status: watched[watched.length - 1]!.status });
        } else if (isLedgerChain(chain)) {
          const enricher = createMovementEnricher({ settings, logger, metrics, labels });
          const { follower, source } = createLedgerPoller({ chain, currentWatchlist, beforeStep, cursorStore, sink, lease, reorgLedger, logger, metrics, enricher, ...followWiring });
          follower.start();
          closers.unshift(() => follower.stop());
          pollers.set(chain.id, { chain: chain.id, pollOnce: () => follower.pollOnce() });
          watched.push(watchedChain(chain, () => follower.status()));
          published.push({ id: chain.id, kind: chain.kind, endpoints: describeEndpoints(chain), status: watched[watched.length - 1]!.status });
          // What the node offers and how it is used (issue #14: nodes differ): informational, never makes the process unready.
          if (source.describe !== undefined) {
            const describe = source.describe.bind(source);
            readiness.register(`node:${chain.id}`, () => {
              const data = describe();
              return { ready: true, detail: Object.entries(data).map(([k, v]) => `${k}: ${String(v)}`).join(', '), data };
            });
          }
        } else {
          const outpointStore = createRedisOutpointStore(redis, settings.redis.prefix);
          const enricher = createMovementEnricher({ settings, logger, metrics, labels });
          const earlyWarnings = createEarlyWarningStore(redis, settings.redis.prefix);
          const poller = createBitcoinPoller({ chain: chain satisfies BitcoinChainConfig, currentWatchlist, beforeStep, cursorStore, sink, outpointStore, lease, reorgLedger, logger, metrics, readiness, enricher, earlyWarnings, ...followWiring });
          poller.start();
          closers.unshift(() => poller.stop());
          const finality = finalityOf(chain);
          if (typeof finality === 'number') {
            const confirmer = createBitcoinPoller({
              chain: { ...chain, confirmations: finality, mempool: false, seedOnStart: false },
              currentWatchlist, beforeStep, outpointStore, logger: logger.child({ follower: 'finality' }), metrics: createMetrics(), enricher,
              ...finalityWiring({ cursorStore, lease, sink }),
            });
            confirmer.start();
            closers.unshift(() => confirmer.stop());
          }
          pollers.set(chain.id, { chain: chain.id, pollOnce: () => poller.follower.pollOnce() });
          watched.push(watchedChain(chain, () => poller.follower.status()));
          published.push({ id: chain.id, kind: chain.kind, endpoints: describeEndpoints(chain), status: watched[watched.length - 1]!.status });
        }
        logger.info({ chain: chain.id, kind: chain.kind, rpc: describeEndpoints(chain) }, 'polling chain');
      }
      if (watched.length > 0) {
        const watchdog = startOperatorWatchdog({ settings, chains: watched, logger, metrics, readiness, ...(options.watchdogIntervalMs !== undefined ? { intervalMs: options.watchdogIntervalMs } : {}) });
        closers.unshift(() => Promise.resolve(watchdog.stop()));
        const publisher = startChainStatusPublisher({ chains: published, store: createChainStatusStore(redis, settings.redis.prefix), owner, metrics, readiness, logger, ...(options.dashboard?.chainStatusIntervalMs !== undefined ? { intervalMs: options.dashboard.chainStatusIntervalMs } : {}) });
        closers.unshift(() => Promise.resolve(publisher.stop()));
      }
    }

    if (roles.includes('alerter')) {
      const subscriptionDeliveries = await startSubscriptionDeliveries({ connection: redis, prefix: settings.redis.prefix, config: settings.subscriptions ?? DEFAULT_SUBSCRIPTIONS_CONFIG, email: settings.email, logger, metrics, ...(options.tenants?.resolveHost !== undefined ? { resolveHost: options.tenants.resolveHost } : {}) });
      closers.unshift(() => subscriptionDeliveries.close());
      const history = createConfiguredHistory(redis, settings);
      const alerter = await startAlerter({ settings, connection: redis, logger, metrics, recordMovement: (m, key, at) => history.append(toDashboardMovement(m, key, at)), ...(options.deliveryBackoffMs !== undefined ? { backoffMs: options.deliveryBackoffMs } : {}), onMovement: (m, key, at) => subscriptionDeliveries.fanOut(m, key, at), hasOtherChannels: () => subscriptionDeliveries.hasEnabledSubscriptions() });
      closers.unshift(() => alerter.close());
    }

    if (options.serveHttp ?? roles.includes('api')) {
      const plugins: FastifyPluginAsync[] = [];
      let dashboardOn = false;
      if (roles.includes('api')) {
        const tenantApi = startTenantServices({ settings, redis, logger, ...options.tenants });
        closers.push(() => tenantApi.close());
        plugins.push(tenantApi.plugin);
        const adminToken = adminTokenOf(settings, env);
        if (adminToken === undefined) {
          logger.info('dashboard off: set CHAINWATCH_ADMIN_TOKEN or api.adminToken to serve it at /');
        } else {
          const dashboard = startDashboardServices({ settings, redis, logger, adminToken, watchlistEntries: () => reloader.currentEntries(), configDir: options.configDir, overlaySync, follow: options.dashboard?.follow ?? (settings.follow?.enabled === true ? createDerivedEntryStore(redis, settings.redis.prefix) : undefined), ...(options.dashboard?.webRoot !== undefined ? { webRoot: options.dashboard.webRoot } : {}) });
          closers.push(() => dashboard.close());
          plugins.push(dashboard.plugin);
          dashboardOn = true;
        }
      }
      const port = options.apiPort ?? settings.api.port;
      const server = await startOpsServer({ metrics, health: () => checkHealth(redis), readiness, port, host: settings.api.host, roles, logger, plugins });
      apiUrl = server.url;
      if (dashboardOn) logger.info({ url: `${server.url}/` }, 'operator dashboard served (log in with the operator token)');
      closers.unshift(() => server.close());
    }
    // The footprint of the loaded watchlists, measured by the process itself (issue #13).
    logger.info({ entries: loaded.index.size, version: loaded.index.version, ...memoryLogFields() }, 'watchlists loaded');
  } catch (err) {
    // A half-started process (pollers running, no API or alerter) must not linger: stop what started.
    await closeAll();
    throw err;
  }

  let closed = false;
  return {
    settings,
    metrics,
    readiness,
    pollers,
    apiUrl,
    async close() {
      if (closed) return;
      closed = true;
      await closeAll();
    },
  };
}

/**
 * Redis down at start is an operator problem, not a reason to exit: say it
 * clearly once per attempt and keep trying with backoff.
 */
async function connectRedisPatiently(target: RedisTarget, logger: Logger): Promise<Redis> {
  for (let attempt = 1; ; attempt++) {
    try {
      const redis = await createRedisConnection(target);
      if (attempt > 1) logger.info({ redis: describeTarget(target) }, 'connected to Redis');
      redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'Redis connection error; reconnecting'));
      return redis;
    } catch (err) {
      const delayMs = Math.min(500 * 2 ** attempt, 15_000);
      logger.error({ err: err instanceof Error ? { message: err.message } : err, retry_in_ms: delayMs }, 'Redis unreachable; retrying');
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

async function checkHealth(redis: Redis): Promise<HealthReport> {
  try {
    // The shared connection waits through reconnects; a health check must answer, so it gives up after 2 s.
    await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    return { ok: true, checks: { redis: { ok: true } } };
  } catch {
    return { ok: false, checks: { redis: { ok: false, detail: 'Redis does not answer' } } };
  }
}

function describeEndpoints(chain: ChainConfig): string[] {
  if (chain.kind === 'evm') return chain.rpcUrls.map(redactUrl);
  if (chain.kind === 'tron') return [redactUrl(chain.httpUrl)];
  if (isLedgerChain(chain)) return [chain.apiUrl, ...(chain.fallbackApiUrls ?? [])].map(redactUrl);
  return [chain.rpcUrl, chain.esploraUrl].filter((u): u is string => u !== undefined).map(redactUrl);
}
