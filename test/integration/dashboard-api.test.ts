/**
 * The dashboard API (issue #12) through fastify inject against the real Redis:
 * auth (session cookie and bearer), CSRF, validation messages, movement history
 * filters and paging, the follow stage's read side, and no secret in any answer.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/app/api-server.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { createConfiguredHistory, startDashboardServices, type DashboardServices } from '../../src/app/dashboard-services.js';
import { createWatchlistOverlaySync } from '../../src/app/watchlist-overlay-sync.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createMovementHistoryStore } from '../../src/adapters/redis/movement-history-store.js';
import { toDashboardMovement } from '../../src/core/dashboard/dashboard-movement.js';
import type { DerivedEntry, FollowReadModel, IncidentTrail } from '../../src/core/follow/derived-entry.js';
import type { Movement, Severity } from '../../src/core/movement.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

const TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SMTP_PASSWORD = `smtp-pw-${randomBytes(6).toString('hex')}`;
const LISTED = '0x1111111111111111111111111111111111111111';
const HOP1 = '0x2222222222222222222222222222222222222222';
const EXCHANGE = '0x3333333333333333333333333333333333333333';
const INCIDENT = 'api-heist';

const prefix = uniqueRedisPrefix('dashboard-api');
/** The login limit's clock, fixed so its one-minute window never turns over mid-test. */
const clock = Date.now();
let redis: Redis;
let app: FastifyInstance;
let services: DashboardServices;

/** A FollowReadModel over a fixed in-memory data set: the follow stage (issue #11) is built elsewhere; this stands in for it in this test only. */
function inMemoryFollowReadModel(): FollowReadModel {
  const entry: DerivedEntry = {
    chain: 'ethereum', address: HOP1, matchKey: HOP1.toLowerCase(), incident: INCIDENT, hop: 1, peelSteps: 0,
    provenance: { parentAddress: LISTED, txHash: `0x${'ab'.repeat(32)}`, blockNumber: 7, blockHash: `0x${'cd'.repeat(32)}`, leg: 'native', movementId: 'm1', asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: '5000000000000000000', rule: 'split', createdAt: '2026-01-01T00:00:00.000Z' },
    path: [LISTED, HOP1], status: 'active', firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-01T00:00:00.000Z', received: '5000000000000000000', remaining: '5000000000000000000',
  };
  const trail: IncidentTrail = {
    incident: INCIDENT,
    nodes: [{ chain: 'ethereum', address: LISTED, hop: 0, label: 'Listed' }, { chain: 'ethereum', address: HOP1, hop: 1, status: 'active' }, { chain: 'ethereum', address: EXCHANGE, hop: null, label: 'Some Exchange', counterparty: { label: 'Some Exchange', category: 'exchange', address: EXCHANGE } }],
    edges: [{ chain: 'ethereum', from: LISTED, to: HOP1, txHash: entry.provenance.txHash, asset: 'ETH', amount: '5000000000000000000', usdValue: '15000.00' }],
  };
  return {
    listEntries: async () => ({ entries: [entry], nextCursor: null }),
    getEntry: async (chain, matchKey) => (chain === entry.chain && matchKey === entry.matchKey ? entry : undefined),
    incidents: async () => [INCIDENT],
    incidentTotals: async (incident) => ({ incident, stolen: { ETH: '5000000000000000000' }, stillHeld: { ETH: '5000000000000000000' }, toExchanges: [], toMixers: {}, toBridges: {}, activeEntries: 1, maxHop: 1 }),
    incidentTrail: async () => trail,
  };
}

function movement(n: number, options: { chain?: string; direction?: 'in' | 'out'; severity?: Severity; incident?: string } = {}): Movement {
  const tx = `0x${n.toString(16).padStart(64, '0')}`;
  return {
    id: `${options.chain ?? 'ethereum'}-${tx}-native-${LISTED.toLowerCase()}`,
    chain: options.chain ?? 'ethereum', direction: options.direction ?? 'out', kind: 'native', txHash: tx, blockNumber: n, blockHash: tx, logIndex: null,
    from: LISTED, to: HOP1, asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: BigInt(n) * 10n ** 18n, tokenId: null,
    watchedAddress: LISTED.toLowerCase(), watchlist: [{ address: LISTED, label: 'Listed', incident: options.incident ?? INCIDENT, source: 'https://example.org', tags: [] }],
    confirmations: 1, enrichment: { severity: options.severity ?? 'high', usdValue: '3000.00', assetKnown: true, spoofed: false },
  };
}

/** Block numbers of a movements answer, in order. */
function blocksOf(res: { json<T>(): T }): number[] {
  return res.json<{ data: { blockNumber: number }[] }>().data.map((m) => m.blockNumber);
}

async function login(): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/login', headers: { 'x-chainwatch-csrf': '1' }, payload: { token: TOKEN } });
  expect(res.statusCode).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'cw_session');
  return `cw_session=${cookie!.value}`;
}

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const dir = writeConfigDir('dashboard-api', {
    chains: {
      ethereum: { kind: 'evm', rpcUrls: ['https://user:rpcpass@rpc.example.org/v3/secretkey'], explorerUrl: 'https://etherscan.io' },
      bitcoin: { kind: 'bitcoin', network: 'regtest', esploraUrl: 'http://127.0.0.1:1' },
    },
    email: { smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@smtp.example.org:587`, from: 'cw@example.org', to: ['ops@example.org'] },
    webhooks: [{ id: 'exchange-a', url: 'https://hooks.example.org/path?key=hookkey', secret: WEBHOOK_SECRET }],
    redis: { url: TEST_REDIS_URL, prefix },
  }, { 'hack.yaml': [{ chain: 'ethereum', address: LISTED, label: 'Listed', incident: INCIDENT, source: 'https://example.org' }] });
  const loaded = await loadConfig(dir, {});
  const logger = createLogger({ level: 'silent' });
  const overlaySync = createWatchlistOverlaySync({ redis, prefix, chains: [...loaded.settings.chains.keys()], logger });
  services = startDashboardServices({ settings: loaded.settings, redis, logger, adminToken: TOKEN, watchlistEntries: () => loaded.entries, configDir: dir, overlaySync, follow: inMemoryFollowReadModel(), maxLoginFailuresPerMinute: 3, now: () => clock });
  app = buildApiServer({ metrics: createMetrics(), health: async () => ({ ok: true, checks: {} }), plugins: [services.plugin] });
  await app.ready();
  const history = createConfiguredHistory(redis, loaded.settings);
  const at = new Date();
  for (let n = 1; n <= 5; n++) await history.append(toDashboardMovement(movement(n), `job-${n}`, at));
  await history.append(toDashboardMovement(movement(6, { direction: 'in', severity: 'low' }), 'job-6', at));
  await history.append(toDashboardMovement(movement(7, { chain: 'bitcoin', severity: 'critical', incident: 'other' }), 'job-7', at));
  // The same movement job again (a retry): stored once.
  await history.append(toDashboardMovement(movement(5), 'job-5', at));
});

afterAll(async () => {
  await app?.close();
  await services?.close();
  redis?.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('dashboard auth', () => {
  it('serves the shell with a strict CSP to anyone, and no data without auth', async () => {
    const page = await app.inject({ url: '/movements?chain=ethereum' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await app.inject({ url: '/api/session' })).json()).toMatchObject({ authenticated: false });
    for (const url of ['/api/movements', '/api/movements/stream', '/api/meta', '/api/chains', '/api/incidents', '/api/incidents/' + INCIDENT, '/api/deliveries', '/api/watchlists?q=listed', '/api/addresses/ethereum/' + LISTED]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.body).not.toContain(LISTED.slice(4));
    }
  });

  it('logs in with the token into an HttpOnly SameSite=Strict cookie that never holds the token', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/login', headers: { 'x-chainwatch-csrf': '1' }, payload: { token: 'not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    const res = await app.inject({ method: 'POST', url: '/api/login', headers: { 'x-chainwatch-csrf': '1' }, payload: { token: TOKEN } });
    const cookie = res.cookies.find((c) => c.name === 'cw_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.value).not.toContain(TOKEN);
    const keys = await redis.keys(`${prefix}:dashboard:session:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(cookie.value);
    const session = await app.inject({ url: '/api/session', headers: { cookie: `cw_session=${cookie.value}` } });
    expect(session.json()).toMatchObject({ authenticated: true });
    expect((await app.inject({ url: '/api/meta', headers: { cookie: `cw_session=${cookie.value}` } })).statusCode).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: `cw_session=${cookie.value}`, 'x-chainwatch-csrf': '1' } });
    expect(out.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/meta', headers: { cookie: `cw_session=${cookie.value}` } })).statusCode).toBe(401);
  });

  it('slows down guessing: after too many wrong tokens a client gets 429 even with the right one', async () => {
    await redis.del(...(await redis.keys(`${prefix}:dashboard:login-fail:*`)), `${prefix}:none`);
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/login', headers: { 'x-chainwatch-csrf': '1' }, payload: { token: `guess-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const limited = await app.inject({ method: 'POST', url: '/api/login', headers: { 'x-chainwatch-csrf': '1' }, payload: { token: TOKEN } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.message).toMatch(/^too many wrong tokens; retry after \d+ s$/);
    const other = await app.inject({ method: 'POST', url: '/api/login', remoteAddress: '10.9.8.7', headers: { 'x-chainwatch-csrf': '1' }, payload: { token: TOKEN } });
    expect(other.statusCode).toBe(200);
    await redis.del(...(await redis.keys(`${prefix}:dashboard:login-fail:*`)));
  });

  it('accepts Authorization: Bearer <token> and refuses a wrong one', async () => {
    expect((await app.inject({ url: '/api/chains', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    const bad = await app.inject({ url: '/api/chains', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.message).toBe('invalid operator token');
  });

  it('refuses cookie mutations without the CSRF header or from another origin, saying why', async () => {
    const noHeader = await app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.message).toContain('x-chainwatch-csrf: 1');
    const cookie = await login();
    const replay = { channel: 'webhook', target: 'exchange-a', id: 'nope' };
    const csrf = await app.inject({ method: 'POST', url: '/api/deliveries/replay', headers: { cookie }, payload: replay });
    expect(csrf.statusCode).toBe(403);
    const foreign = await app.inject({ method: 'POST', url: '/api/deliveries/replay', headers: { cookie, 'x-chainwatch-csrf': '1', origin: 'https://evil.example' }, payload: replay });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toBe('cross-origin request refused');
    const ok = await app.inject({ method: 'POST', url: '/api/deliveries/replay', headers: { cookie, 'x-chainwatch-csrf': '1' }, payload: replay });
    expect(ok.statusCode).toBe(404);
    expect(ok.json().error.message).toBe('no failed delivery nope on webhook exchange-a to replay');
  });
});

describe('dashboard API answers', () => {
  it('says which query field is wrong', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const severity = await app.inject({ url: '/api/movements?severity=urgent', headers: auth });
    expect(severity.statusCode).toBe(400);
    expect(severity.json().error.field).toBe('querystring.severity');
    const unknown = await app.inject({ url: '/api/movements?colour=red', headers: auth });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toBe('querystring.colour: unknown field');
    const range = await app.inject({ url: '/api/movements?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: auth });
    expect(range.statusCode).toBe(400);
    expect(range.json().error.message).toBe('querystring.from: must be before querystring.to');
    const address = await app.inject({ url: '/api/addresses/ethereum/0x12', headers: auth });
    expect(address.statusCode).toBe(400);
    expect(address.json().error.field).toBe('params.address');
    const chain = await app.inject({ url: `/api/addresses/solana/${LISTED}`, headers: auth });
    expect(chain.json().error.message).toContain('unknown chain "solana"');
    const body = await app.inject({ method: 'POST', url: '/api/deliveries/replay', headers: auth, payload: { channel: 'pigeon', target: 'x', id: 'y' } });
    expect(body.statusCode).toBe(400);
    expect(body.json().error.field).toBe('body.channel');
  });

  it('filters stored movements and pages back through them, newest first, each movement once', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(blocksOf(await app.inject({ url: '/api/movements', headers: auth }))).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect((await app.inject({ url: '/api/movements?chain=bitcoin', headers: auth })).json().data).toHaveLength(1);
    expect(blocksOf(await app.inject({ url: '/api/movements?direction=in', headers: auth }))).toEqual([6]);
    expect(blocksOf(await app.inject({ url: '/api/movements?severity=high', headers: auth }))).toEqual([7, 5, 4, 3, 2, 1]);
    expect((await app.inject({ url: `/api/movements?incident=${INCIDENT}&direction=out`, headers: auth })).json().data).toHaveLength(5);
    const first = await app.inject({ url: '/api/movements?limit=3', headers: auth });
    expect(blocksOf(first)).toEqual([7, 6, 5]);
    const second = await app.inject({ url: `/api/movements?limit=3&cursor=${first.json<{ nextCursor: string }>().nextCursor}`, headers: auth });
    expect(blocksOf(second)).toEqual([4, 3, 2]);
    const future = (await app.inject({ url: `/api/movements?from=${new Date(Date.now() + 3_600_000).toISOString()}`, headers: auth })).json();
    expect(future.data).toEqual([]);
  });

  it('uses the follow stage for incidents and provenance when it is wired', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const incident = (await app.inject({ url: `/api/incidents/${INCIDENT}`, headers: auth })).json<{ source: string; trail: IncidentTrail; timeline: unknown[] }>();
    expect(incident.source).toBe('follow');
    expect(incident.trail.nodes.filter((n) => n.hop === 1).map((n) => n.address)).toEqual([HOP1]);
    expect(incident.timeline.length).toBeGreaterThan(0);
    const address = (await app.inject({ url: `/api/addresses/ethereum/${HOP1.toLowerCase()}`, headers: auth })).json();
    expect(address.derived.provenance.parentAddress).toBe(LISTED);
    expect(address.address).toBe(HOP1);
    const listed = (await app.inject({ url: `/api/addresses/ethereum/${LISTED}`, headers: auth })).json();
    expect(listed.listed[0]).toMatchObject({ incident: INCIDENT, file: 'watchlists/hack.yaml', line: expect.any(Number) });
    expect(listed.movements.length).toBe(6);
    const missing = await app.inject({ url: '/api/incidents/no-such-incident', headers: auth });
    expect(missing.statusCode).toBe(404);
  });

  it('searches listed and derived entries and counts them', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const byAddress = (await app.inject({ url: `/api/watchlists?q=${HOP1.slice(0, 12)}`, headers: auth })).json();
    expect((byAddress as { results: { kind: string }[] }).results.map((r) => r.kind)).toEqual(['derived']);
    const byLabel = (await app.inject({ url: '/api/watchlists?q=listed', headers: auth })).json();
    expect(byLabel.results[0]).toMatchObject({ kind: 'listed', address: LISTED, source: expect.stringMatching(/hack\.yaml:\d+$/) });
    expect(byLabel.stats.byChain.ethereum.watched).toBe(1);
    expect(byLabel.stats.derivedByIncident[INCIDENT]).toBe(1);
  });

  it('streams movements appended by another connection (the alerter process) as server-sent events', async () => {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const res = await fetch(`${url}/api/movements/stream?chain=ethereum`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const reader = res.body!.getReader();
    let text = '';
    // A separate Redis connection stands in for an alerter in another process.
    const alerterRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const other = createMovementHistoryStore(alerterRedis, prefix, { retentionMs: 86_400_000, maxEntries: 1000 });
      // Appended until the stream shows one: the live subscription starts with the request, an append may precede it.
      let n = 100;
      let pending: ReturnType<typeof reader.read> | undefined;
      while (!text.includes('event: movement')) {
        await other.append(toDashboardMovement(movement(n, { chain: n % 2 === 0 ? 'bitcoin' : 'ethereum' }), `live-${n}`, new Date()));
        n++;
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]);
        if (chunk === undefined) continue;
        pending = undefined;
        if (chunk.value !== undefined) text += new TextDecoder().decode(chunk.value);
      }
    } finally {
      controller.abort();
      alerterRedis.disconnect();
    }
    const event = text.split('\n\n').find((e) => e.includes('event: movement'))!;
    const data = JSON.parse(event.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as { chain: string; streamId: string };
    expect(data.chain).toBe('ethereum');
    expect(event).toContain(`id: ${data.streamId}`);
  });

  it('never sends a secret: webhook secrets, SMTP passwords, RPC credentials and keys are redacted', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bodies = await Promise.all(['/api/deliveries', '/api/chains', '/api/meta', '/api/incidents'].map(async (url) => (await app.inject({ url, headers: auth })).body));
    const all = bodies.join('\n');
    expect(all).toContain('https://hooks.example.org');
    for (const secret of [WEBHOOK_SECRET, SMTP_PASSWORD, 'rpcpass', 'secretkey', 'hookkey', TOKEN]) expect(all).not.toContain(secret);
  });
});
