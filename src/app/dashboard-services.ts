import { knownChainOf } from '../config/load-settings.js';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, type Job } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/schema.js';
import { redactUrl } from '../core/errors.js';
import type { FollowReadModel } from '../core/follow/derived-entry.js';
import type { WatchlistEntry } from '../core/watchlist.js';
import { createChainStatusStore } from '../adapters/redis/chain-status-store.js';
import { createDashboardSessionStore } from '../adapters/redis/dashboard-session-store.js';
import { createDeliveryStore, type DeliveryRecord } from '../adapters/redis/delivery-store.js';
import { createMovementHistoryStore, DEFAULT_HISTORY_MAX_ENTRIES, DEFAULT_HISTORY_RETENTION_DAYS, parseEntries, type HistoryEntry, type MovementHistoryStore } from '../adapters/redis/movement-history-store.js';
import { EMAIL_QUEUE, webhookQueueName } from '../adapters/redis/queue-names.js';
import { createSubscriptionStore } from '../adapters/redis/subscription-store.js';
import { dashboardPlugin } from '../api/dashboard/register-dashboard.js';
import type { DashboardChain, DashboardDeliveries, DeliveryChannel, DeliveryItem, LiveFeed, OverlayRef } from '../api/dashboard/dashboard-deps.js';
import { DEFAULT_MAX_LAG_BLOCKS } from './operator-watchdog.js';
import { createDeliveryEnqueuer, replayDeliveries } from './subscription-deliveries.js';
import type { Logger } from './logger.js';
import type { WatchlistOverlaySync } from './watchlist-overlay-sync.js';

const DAY_MS = 86_400_000;
const RECENT = 25;

/** The movement history the alerter writes and the dashboard reads, with the configured bounds. */
export function createConfiguredHistory(redis: Redis, settings: Settings): MovementHistoryStore {
  const d = settings.api.dashboard;
  return createMovementHistoryStore(redis, settings.redis.prefix, {
    retentionMs: (d?.historyRetentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS) * DAY_MS,
    maxEntries: d?.historyMaxEntries ?? DEFAULT_HISTORY_MAX_ENTRIES,
  });
}

/** The operator token: CHAINWATCH_ADMIN_TOKEN wins over api.adminToken; undefined = dashboard off. */
export function adminTokenOf(settings: Settings, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env['CHAINWATCH_ADMIN_TOKEN']?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) throw new Error('CHAINWATCH_ADMIN_TOKEN must be at least 16 characters (use a random token: openssl rand -hex 24)');
    return fromEnv;
  }
  return settings.api.adminToken;
}

export interface DashboardServices {
  readonly plugin: FastifyPluginAsync;
  close(): Promise<void>;
}

/** Wires the dashboard API (src/api/dashboard) to Redis, BullMQ and the watchlists of this process. */
export function startDashboardServices(options: {
  readonly settings: Settings;
  readonly redis: Redis;
  readonly logger: Logger;
  readonly adminToken: string;
  readonly watchlistEntries: () => readonly WatchlistEntry[];
  /** Watchlist files are shown relative to it (`watchlists/hack.yaml:12`): the browser needs no server paths. */
  readonly configDir?: string;
  readonly overlaySync: WatchlistOverlaySync;
  readonly follow?: FollowReadModel | undefined;
  readonly webRoot?: string;
  /** Wrong tokens per client address per minute before login answers 429 (default 10). */
  readonly maxLoginFailuresPerMinute?: number;
  /** Clock of the login limit's one-minute windows (tests fix it). */
  readonly now?: () => number;
}): DashboardServices {
  const { settings, redis, logger } = options;
  const prefix = settings.redis.prefix;
  const history = createConfiguredHistory(redis, settings);
  const liveFeed = createLiveFeed(redis, history.streamKey, logger);
  const statusStore = createChainStatusStore(redis, prefix);
  const deliveries = createDashboardDeliveries(redis, settings, logger);
  const chainIds = [...settings.chains.keys()];
  const chainInfo = new Map([...settings.chains.values()].map((c) => [c.id, { ...knownChainOf(c), explorerUrl: c.explorerUrl ?? null }]));

  let shown: { from: readonly WatchlistEntry[]; entries: readonly WatchlistEntry[] } | undefined;
  const plugin = dashboardPlugin({
    adminToken: options.adminToken,
    sessions: createDashboardSessionStore(redis, prefix),
    sessionTtlMs: (settings.api.dashboard?.sessionTtlHours ?? 12) * 3_600_000,
    maxLoginFailuresPerMinute: options.maxLoginFailuresPerMinute ?? 10,
    now: options.now ?? Date.now,
    history,
    liveFeed,
    chainInfo,
    async chains() {
      const loaded = await statusStore.load(chainIds);
      return [...settings.chains.values()].map((c): DashboardChain => {
        const s = loaded.get(c.id);
        return {
          chain: c.id,
          kind: c.kind,
          enabled: c.enabled,
          explorerUrl: c.explorerUrl ?? null,
          maxLagBlocks: (c as { readonly maxLagBlocks?: number }).maxLagBlocks ?? DEFAULT_MAX_LAG_BLOCKS[c.kind] ?? null,
          leaseHolder: s?.leaseHolder ?? null,
          status: s?.record ?? null,
        };
      });
    },
    watchlistEntries() {
      const entries = options.watchlistEntries();
      if (options.configDir === undefined) return entries;
      // `address` is a lazy getter on loaded entries: a spread alone would drop it.
      if (shown?.from !== entries) shown = { from: entries, entries: entries.map((e) => ({ ...e, address: e.address, file: relative(options.configDir!, e.file) })) };
      return shown.entries;
    },
    async overlayEntries() {
      await options.overlaySync.refresh();
      const overlay = options.overlaySync.overlay;
      const out: OverlayRef[] = [];
      for (const chain of chainIds) for (const matchKey of overlay.keysFor(chain)) for (const ref of overlay.lookup(chain, matchKey) ?? []) out.push({ chain, matchKey, ref });
      return out;
    },
    follow: options.follow,
    deliveries,
    webRoot: options.webRoot ?? locateWebRoot(),
  });
  return {
    plugin,
    async close() {
      await liveFeed.close();
      await deliveries.close();
    },
  };
}

/** dist/web beside the package root, found from this file whether it runs from src/ (tsx) or dist/src/. */
export function locateWebRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return existsSync(join(dir, 'dist', 'web', 'index.html')) ? join(dir, 'dist', 'web') : undefined;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * One blocking XREAD loop per API process, on its own connection (a blocked
 * connection serves nobody else), running while any SSE client listens. Alerters
 * in other processes append; every API replica sees the same stream.
 */
export function createLiveFeed(redis: Redis, streamKey: string, logger: Logger): LiveFeed & { close(): Promise<void> } {
  const listeners = new Set<(e: HistoryEntry) => void>();
  let reader: Redis | undefined;
  let loop: Promise<void> | undefined;
  let closed = false;
  const run = async (): Promise<void> => {
    reader ??= redis.duplicate();
    let last = '$';
    while (!closed && listeners.size > 0) {
      try {
        const res = await reader.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', streamKey, last);
        for (const [, entries] of res ?? []) {
          for (const e of parseEntries(entries)) {
            last = e.id;
            for (const l of listeners) {
              try {
                l(e);
              } catch (err) {
                // One broken browser connection must not stop the feed of the others.
                logger.warn({ err }, 'live movement feed: a listener failed');
              }
            }
          }
          const tail = entries[entries.length - 1];
          if (tail !== undefined) last = tail[0];
        }
      } catch (err) {
        if (closed) return;
        logger.warn({ err }, 'live movement feed: reading the history stream failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      loop ??= run().finally(() => (loop = undefined));
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      reader?.disconnect();
      await loop?.catch(() => undefined);
    },
  };
}

/** Newest first (deliveries without a time last). */
function sortByTime(items: DeliveryItem[]): DeliveryItem[] {
  return items.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
}

function createDashboardDeliveries(redis: Redis, settings: Settings, logger: Logger): DashboardDeliveries & { close(): Promise<void> } {
  const prefix = settings.redis.prefix;
  const queues = new Map<string, Queue>();
  const queueOf = (name: string): Queue => {
    let q = queues.get(name);
    if (q === undefined) {
      q = new Queue(name, { connection: redis, prefix });
      q.on('error', (err) => logger.error({ err, component: `dashboard queue ${name}` }, 'queue error'));
      queues.set(name, q);
    }
    return q;
  };
  const subscriptions = createSubscriptionStore(redis, prefix);
  const records = createDeliveryStore(redis, prefix);
  let enqueuer: ReturnType<typeof createDeliveryEnqueuer> | undefined;

  const jobItem = async (job: Job): Promise<DeliveryItem> => {
    const state = await job.getState();
    const m = (job.data as { movement?: { chain?: unknown; txHash?: unknown; kind?: unknown; direction?: unknown } }).movement;
    // Email digests (issue #8) carry their route and group; recipients stay out of the page.
    const digest = job.data as { items?: unknown[]; route?: unknown; groupKey?: unknown };
    const items = digest.items;
    const summary = m !== undefined
      ? `${String(m.chain)} ${String(m.kind)} ${String(m.direction)} tx ${String(m.txHash)}`
      : Array.isArray(items) ? `route ${typeof digest.route === 'string' ? digest.route : 'default'}, group ${typeof digest.groupKey === 'string' ? digest.groupKey : '-'}: ${items.length} movement${items.length === 1 ? '' : 's'}` : null;
    const at = job.finishedOn ?? job.processedOn ?? job.timestamp;
    return { id: String(job.id), state, attempts: job.attemptsMade, error: job.failedReason === undefined || job.failedReason === '' ? null : job.failedReason, at: at === undefined ? null : new Date(at).toISOString(), summary, replayable: state === 'failed' };
  };
  const queueChannel = async (channel: 'email' | 'webhook', target: string, queueName: string, description: string): Promise<DeliveryChannel> => {
    const q = queueOf(queueName);
    const [counts, recent, failed] = await Promise.all([
      q.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed'),
      q.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'], 0, RECENT - 1, false),
      q.getJobs(['failed'], 0, RECENT - 1, false),
    ]);
    return { channel, target, description, counts, recent: sortByTime(await Promise.all(recent.slice(0, RECENT).map(jobItem))), deadLetters: sortByTime(await Promise.all(failed.map(jobItem))) };
  };
  /**
   * One channel per email route (`email.routes[N]` as `route<N>`, and `default` for `email.to`): the email
   * queue's recent jobs split by the route their digest was built for (older single emails count as default).
   */
  const emailChannels = async (email: NonNullable<Settings['email']>): Promise<DeliveryChannel[]> => {
    const routes = email.routes ?? [];
    const smtp = `SMTP ${redactUrl(email.smtpUrl)}${email.enabled ? '' : ' (disabled)'}`;
    if (routes.length === 0) return [await queueChannel('email', 'email', EMAIL_QUEUE, `${smtp}, ${email.to.length} recipient${email.to.length === 1 ? '' : 's'}`)];
    const q = queueOf(EMAIL_QUEUE);
    const [recent, failed] = await Promise.all([
      q.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'], 0, RECENT * (routes.length + 1) * 2 - 1, false),
      q.getJobs(['failed'], 0, RECENT * (routes.length + 1) - 1, false),
    ]);
    const routeOf = (job: Job): string => {
      const route = (job.data as { route?: unknown }).route;
      return typeof route === 'string' ? route : 'default';
    };
    const ids = ['default', ...routes.map((_, i) => `route${i}`)];
    return Promise.all(
      ids.map(async (id) => {
        const index = /^route(\d+)$/.exec(id)?.[1];
        const to = index === undefined ? email.to : (routes[Number(index)]?.to ?? []);
        const mine = sortByTime(await Promise.all(recent.filter((j) => routeOf(j) === id).map(jobItem))).slice(0, RECENT);
        const dead = sortByTime(await Promise.all(failed.filter((j) => routeOf(j) === id).map(jobItem)));
        const counts: Record<string, number> = {};
        for (const item of mine) counts[item.state] = (counts[item.state] ?? 0) + 1;
        return { channel: 'email' as const, target: id, description: `${id === 'default' ? 'email.to' : `email.routes[${index}]`}: ${to.length} recipient${to.length === 1 ? '' : 's'}, ${smtp}`, counts, recent: mine, deadLetters: dead };
      }),
    );
  };
  const recordItem = (r: DeliveryRecord): DeliveryItem => ({ id: r.id, state: r.status, attempts: r.attempts, error: r.lastError, at: r.createdAt, summary: `${r.type}${r.lastStatusCode !== null ? `, last HTTP ${r.lastStatusCode}` : ''}${r.replays > 0 ? `, replayed ${r.replays}x` : ''}`, replayable: r.status === 'dead' || r.status === 'failed' });

  return {
    async list() {
      const out: DeliveryChannel[] = [];
      if (settings.email !== undefined) out.push(...(await emailChannels(settings.email)));
      for (const w of settings.webhooks) out.push(await queueChannel('webhook', w.id, webhookQueueName(w.id), `${redactUrl(w.url)}${w.enabled ? '' : ' (disabled)'}`));
      for (const sub of (await subscriptions.loadAllIfChanged(undefined)).subscriptions ?? []) {
        const [recent, dead, failed] = await Promise.all([records.list(sub.id, { limit: RECENT }), records.list(sub.id, { status: 'dead', limit: RECENT }), records.list(sub.id, { status: 'failed', limit: RECENT })]);
        out.push({
          channel: 'subscription',
          target: sub.id,
          tenantId: sub.tenantId,
          description: `${redactUrl(sub.url)}${sub.enabled ? '' : ` (disabled${sub.disabledReason !== null && sub.disabledReason !== undefined ? `: ${sub.disabledReason}` : ''})`}`,
          counts: { recent: recent.data.length, dead: dead.data.length, failed: failed.data.length },
          recent: recent.data.map(recordItem),
          deadLetters: dead.data.map(recordItem),
        });
      }
      return out;
    },
    async replay(channel, target, id) {
      if (channel === 'subscription') {
        const rec = await records.get(id);
        if (rec === undefined || rec.subscriptionId !== target || (rec.status !== 'dead' && rec.status !== 'failed')) return false;
        enqueuer ??= createDeliveryEnqueuer(redis, prefix, logger);
        return (await replayDeliveries(records, enqueuer, [rec])) === 1;
      }
      const queueName = channel === 'email' ? EMAIL_QUEUE : settings.webhooks.some((w) => w.id === target) ? webhookQueueName(target) : undefined;
      if (queueName === undefined) return false;
      const job = await queueOf(queueName).getJob(id);
      if (job === undefined || (await job.getState()) !== 'failed') return false;
      // Back to the wait list with a fresh set of attempts; the same job id keeps the same webhook-id.
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      logger.info({ channel, target, job_id: id }, 'delivery replayed from the dashboard');
      return true;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await enqueuer?.close();
    },
  };
}
