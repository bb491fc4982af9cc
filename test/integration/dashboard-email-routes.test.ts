/**
 * The dashboard's deliveries page per email route (issue #12): with `email.routes`, each route
 * (`route<N>`) and `email.to` (`default`) is its own channel, showing the email jobs built for it.
 * Real Redis and the real email queue; jobs are queued the way the email dispatcher queues digests.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/app/api-server.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { startDashboardServices, type DashboardServices } from '../../src/app/dashboard-services.js';
import { createWatchlistOverlaySync } from '../../src/app/watchlist-overlay-sync.js';
import { loadConfig } from '../../src/config/load-config.js';
import { EMAIL_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

const TOKEN = 'dashboard-email-routes-token-0123456789';
const prefix = uniqueRedisPrefix('dash-email-routes');
let redis: Redis;
let services: DashboardServices;
let app: FastifyInstance;
let queue: Queue;

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const dir = writeConfigDir('dashboard-email-routes', {
    chains: { ethereum: { kind: 'evm', rpcUrls: ['http://127.0.0.1:1'], explorerUrl: 'https://etherscan.io' } },
    email: {
      smtpUrl: 'smtp://mailer:smtp-secret-password@smtp.example.org:587', from: 'cw@example.org', to: ['ops@example.org'],
      routes: [
        { match: { severity: ['critical'] }, to: ['exchange-desk@example.org', 'oncall@example.org'] },
        { match: { chain: ['bitcoin'] }, to: ['btc@example.org'] },
      ],
    },
    redis: { url: TEST_REDIS_URL, prefix },
  }, { 'hack.yaml': [{ chain: 'ethereum', address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96', label: 'Listed', incident: 'hack', source: 'https://example.org' }] });
  const loaded = await loadConfig(dir, {});
  const logger = createLogger({ level: 'silent' });
  const overlaySync = createWatchlistOverlaySync({ redis, prefix, chains: [...loaded.settings.chains.keys()], logger });
  services = startDashboardServices({ settings: loaded.settings, redis, logger, adminToken: TOKEN, watchlistEntries: () => loaded.entries, configDir: dir, overlaySync });
  app = buildApiServer({ metrics: createMetrics(), health: async () => ({ ok: true, checks: {} }), plugins: [services.plugin] });
  await app.ready();
  queue = new Queue(EMAIL_QUEUE, { connection: redis, prefix });
  const digest = (route: string, n: number) => ({ route, groupKey: `${route}|incident=hack`, items: Array.from({ length: n }, () => ({})) });
  await queue.add('digest', digest('route0', 2), { jobId: 'digest-route0-1' });
  await queue.add('digest', digest('route0', 1), { jobId: 'digest-route0-2' });
  await queue.add('digest', digest('default', 3), { jobId: 'digest-default-1' });
  await queue.add('digest', digest('route1', 1), { jobId: 'digest-route1-1' });
});

afterAll(async () => {
  await queue?.close();
  await app?.close();
  await services?.close();
  redis?.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('dashboard deliveries per email route', () => {
  it('lists email.to and every route as its own channel with its own jobs, and no recipient or SMTP secret', async () => {
    const res = await app.inject({ url: '/api/deliveries', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    const channels = (res.json<{ data: { channel: string; target: string; description: string; recent: { id: string }[] }[] }>().data).filter((c) => c.channel === 'email');
    expect(channels.map((c) => c.target)).toEqual(['default', 'route0', 'route1']);
    const ids = Object.fromEntries(channels.map((c) => [c.target, c.recent.map((r) => r.id).sort()]));
    expect(ids).toEqual({ default: ['digest-default-1'], route0: ['digest-route0-1', 'digest-route0-2'], route1: ['digest-route1-1'] });
    expect(channels.find((c) => c.target === 'route0')!.description).toMatch(/^email\.routes\[0\]: 2 recipients/);
    expect(res.body).not.toMatch(/smtp-secret-password|exchange-desk@|btc@example/);
  });
});
