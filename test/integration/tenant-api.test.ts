/**
 * The tenant API through Fastify inject() over the real Redis: keys, isolation
 * between two tenants, validation naming the field, the SSRF guard at creation,
 * address lists, rate limit, OpenAPI.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/app/api-server.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { startTenantServices, type TenantApi } from '../../src/app/tenant-services.js';
import { createTenantStore } from '../../src/adapters/redis/tenant-store.js';
import type { Settings, SubscriptionsConfig } from '../../src/config/schema.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

const prefix = uniqueRedisPrefix('tenant-api');
let redis: Redis;
let app: FastifyInstance;
let api: TenantApi;
let keyA = '';
let keyB = '';
let revokedKey = '';

function settings(subscriptions: Partial<SubscriptionsConfig> = {}): Settings {
  return {
    chains: new Map([
      ['ethereum', { id: 'ethereum', kind: 'evm', rpcUrls: ['http://127.0.0.1:1'], confirmations: 1, pollIntervalMs: 1000, startBlock: 'latest', nativeSymbol: 'ETH', traces: 'off', maxBlocksPerBatch: 10, rpcTimeoutMs: 1000, enabled: true }],
      ['bitcoin', { id: 'bitcoin', kind: 'bitcoin', network: 'mainnet', esploraUrl: 'http://127.0.0.1:1', confirmations: 1, pollIntervalMs: 1000, startBlock: 'latest', mempool: false, seedOnStart: false, rpcTimeoutMs: 1000, enabled: true }],
    ]),
    email: undefined,
    webhooks: [],
    api: { port: 0, host: '127.0.0.1' },
    redis: { url: TEST_REDIS_URL, prefix },
    reloadIntervalMs: 1000,
    subscriptions: { allowHttp: false, allowPrivateTargets: [], maxRetryAfterMs: 1000, timeoutMs: 15_000, concurrencyPerSubscription: 4, disableAfterFailingMs: 1000, rateLimitPerMinute: 1000, ...subscriptions },
  };
}

// Names resolve only through this table: no DNS, no /etc/hosts.
const dnsTable: Record<string, string[]> = {
  'hooks.exchange-a.example': ['93.184.215.14'],
  'internal.exchange-a.example': ['10.1.2.3'],
  'rebind.example': ['93.184.215.14', '127.0.0.1'],
};
const resolveHost = (host: string) => {
  const list = dnsTable[host];
  if (list === undefined) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
  return Promise.resolve(list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

function build(s: Settings): { app: FastifyInstance; api: TenantApi } {
  const services = startTenantServices({ settings: s, redis, logger: createLogger({ level: 'silent' }), resolveHost });
  return { api: services, app: buildApiServer({ metrics: createMetrics(), health: () => Promise.resolve({ ok: true, checks: {} }), plugins: [services.plugin] }) };
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const tenants = createTenantStore(redis, prefix);
  keyA = (await tenants.add('exchange-a', new Date())).apiKey;
  keyB = (await tenants.add('exchange-b', new Date())).apiKey;
  revokedKey = (await tenants.add('exchange-gone', new Date())).apiKey;
  await tenants.revoke('exchange-gone', new Date());
  ({ app, api } = build(settings()));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await api?.close();
  redis?.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('tenant API', () => {
  it('answers 401 without a key, with a wrong key and with a revoked key, and never echoes the key', async () => {
    for (const headers of [{}, auth('cwk_wrong'), auth(revokedKey), { authorization: keyA }]) {
      const res = await app.inject({ method: 'GET', url: '/v1/subscriptions', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid API key' } });
      expect(res.body).not.toContain(revokedKey);
    }
  });

  it('keeps two tenants apart: read, change, delete and list answer as if the other did not exist', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyA), payload: { url: 'https://hooks.exchange-a.example/chainwatch', description: 'A', filters: { chains: ['ethereum'] } } });
    expect(created.statusCode).toBe(201);
    const sub = created.json();
    expect(sub.id).toMatch(/^sub_/);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(sub).toMatchObject({ url: 'https://hooks.exchange-a.example/chainwatch', description: 'A', enabled: true, filters: { chains: ['ethereum'] } });

    const own = await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA) });
    expect(own.statusCode).toBe(200);
    expect(own.json()).not.toHaveProperty('secret');

    const read = await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyB) });
    const change = await app.inject({ method: 'PATCH', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyB), payload: { enabled: false } });
    const remove = await app.inject({ method: 'DELETE', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyB) });
    const rotate = await app.inject({ method: 'POST', url: `/v1/subscriptions/${sub.id}/rotate-secret`, headers: auth(keyB) });
    const deliveries = await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}/deliveries`, headers: auth(keyB) });
    for (const res of [read, change, remove, rotate, deliveries]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const listB = await app.inject({ method: 'GET', url: '/v1/subscriptions', headers: auth(keyB) });
    expect(listB.json()).toEqual({ data: [] });
    const listA = await app.inject({ method: 'GET', url: '/v1/subscriptions', headers: auth(keyA) });
    expect(listA.json<{ data: { id: string }[] }>().data.map((s) => s.id)).toEqual([sub.id]);
    // Still intact after B's attempts.
    expect((await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA) })).json().enabled).toBe(true);

    const patched = await app.inject({ method: 'PATCH', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA), payload: { enabled: false, filters: { chains: ['bitcoin'], minAmount: { BTC: '0.5' }, events: ['movement.detected', 'movement.reorged'] } } });
    expect(patched.statusCode).toBe(200);
    // Issue #11: only movements whose labelled other side is an exchange.
    const byCategory = await app.inject({ method: 'PATCH', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA), payload: { filters: { counterpartyCategories: ['exchange', 'exchange-deposit'] } } });
    expect(byCategory.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA) })).json().filters).toEqual({ counterpartyCategories: ['exchange', 'exchange-deposit'] });
    expect(patched.json()).toMatchObject({ enabled: false, filters: { chains: ['bitcoin'], minAmount: { BTC: '0.5' }, events: ['movement.detected', 'movement.reorged'] } });
    const rotated = await app.inject({ method: 'POST', url: `/v1/subscriptions/${sub.id}/rotate-secret`, headers: auth(keyA) });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(sub.secret);
    const deleted = await app.inject({ method: 'DELETE', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA) });
    expect(deleted.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}`, headers: auth(keyA) })).statusCode).toBe(404);
  });

  it('answers every invalid request with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'body.url'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { chains: ['solana'] } }, 'body.filters.chains[0]'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { directions: ['sideways'] } }, 'body.filters.directions[0]'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { minUsd: 'lots' } }, 'body.filters.minUsd'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { counterparties: ['0x52908400098527886e0F7030069857D2E4169EE7'] } }, 'body.filters.counterparties[0]'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { colour: ['red'] } }, 'body.filters.colour'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { counterpartyCategories: ['casino'] } }, 'body.filters.counterpartyCategories[0]'],
      [{ url: 'https://hooks.exchange-a.example/', filters: { events: ['movement.stolen'] } }, 'body.filters.events[0]'],
      [{ url: 'https://hooks.exchange-a.example/', enabled: 'yes please' }, 'body.enabled'],
      [{ url: 'http://hooks.exchange-a.example/' }, 'body.url'],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyA), payload: payload as Record<string, unknown> });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.field, JSON.stringify(payload)).toBe(field);
      expect(res.json().error.message).toContain(field);
    }
    const badSince = await app.inject({ method: 'POST', url: '/v1/subscriptions/sub_00/replay', headers: auth(keyA), payload: { since: 'yesterday' } });
    expect(badSince.statusCode).toBe(400);
    expect(badSince.json().error.field).toBe('body.since');
    const badStatus = await app.inject({ method: 'GET', url: '/v1/subscriptions/sub_00/deliveries?status=lost', headers: auth(keyA) });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().error.field).toBe('querystring.status');
    const notJson = await app.inject({ method: 'POST', url: '/v1/subscriptions', headers: { ...auth(keyA), 'content-type': 'application/json' }, payload: '{"url":' });
    expect(notJson.statusCode).toBe(400);
    const huge = await app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyA), payload: { url: 'https://hooks.exchange-a.example/', description: 'x'.repeat(70_000) } });
    expect(huge.statusCode).toBe(413);
  });

  it('refuses SSRF targets at creation with the reason, whatever the spelling, unless allowlisted', async () => {
    const refused = [
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:7f00:1]/hook',
      'https://localhost/hook',
      'https://api.localhost/hook',
      'https://2130706433/hook',
      'https://0x7f.1/hook',
      'https://017700000001/hook',
      'https://100.64.0.1/hook',
      'https://[fd00:ec2::254]/hook',
      'https://[fe80::1]/hook',
      'https://0.0.0.0/hook',
      'https://224.0.0.1/hook',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://internal.exchange-a.example/hook',
      'https://rebind.example/hook',
      'https://[64:ff9b::a00:1]/hook',
    ];
    for (const url of refused) {
      const res = await app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyA), payload: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe('target_refused');
      expect(res.json().error.field).toBe('body.url');
    }
    const reason = (await app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyA), payload: { url: 'https://internal.exchange-a.example/hook' } })).json().error.message;
    expect(reason).toContain('10.1.2.3');
    expect(reason).toContain('private');

    // The operator opens ranges for on-premise receivers.
    const open = build(settings({ allowPrivateTargets: ['10.0.0.0/8', '127.0.0.0/8'], allowHttp: true }));
    try {
      for (const url of ['https://internal.exchange-a.example/hook', 'https://10.0.0.1/hook', 'http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'https://[::ffff:127.0.0.1]/hook']) {
        const res = await open.app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyB), payload: { url } });
        expect(res.statusCode, url).toBe(201);
      }
      expect((await open.app.inject({ method: 'POST', url: '/v1/subscriptions', headers: auth(keyB), payload: { url: 'https://169.254.169.254/' } })).statusCode).toBe(400);
    } finally {
      await open.app.close();
      await open.api.close();
    }
  });

  it('keeps address lists per tenant, validated like watchlist entries, paginated', async () => {
    const addresses = Array.from({ length: 30 }, (_, i) => ({ chain: 'ethereum', address: `0x${(i + 1).toString(16).padStart(40, '0')}`, label: `deposit ${i}` }));
    const added = await app.inject({ method: 'POST', url: '/v1/addresses', headers: auth(keyA), payload: { addresses } });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({ added: 30, existing: 0 });
    const again = await app.inject({ method: 'POST', url: '/v1/addresses', headers: auth(keyA), payload: { addresses: [...addresses.slice(0, 2), { chain: 'bitcoin', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' }] } });
    expect(again.json()).toEqual({ added: 1, existing: 2 });

    const bad = await app.inject({ method: 'POST', url: '/v1/addresses', headers: auth(keyA), payload: { addresses: [addresses[0], { chain: 'ethereum', address: '0x52908400098527886e0F7030069857D2E4169EE7' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.addresses[1].address');
    expect(bad.json().error.message).toContain('EIP-55');
    const wrongNet = await app.inject({ method: 'POST', url: '/v1/addresses', headers: auth(keyA), payload: { addresses: [{ chain: 'bitcoin', address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx' }] } });
    expect(wrongNet.statusCode).toBe(400);
    expect(wrongNet.json().error.field).toBe('body.addresses[0].address');
    const tooMany = await app.inject({ method: 'POST', url: '/v1/addresses', headers: auth(keyA), payload: { addresses: Array.from({ length: 1001 }, () => addresses[0]) } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.field).toBe('body.addresses');

    const seen = new Set<string>();
    let cursor: string | null | undefined;
    do {
      const page = await app.inject({ method: 'GET', url: `/v1/addresses?chain=ethereum&limit=7${cursor ? `&cursor=${cursor}` : ''}`, headers: auth(keyA) });
      expect(page.statusCode).toBe(200);
      for (const a of page.json().data) seen.add(a.address);
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen.size).toBe(30);
    expect([...seen].every((a) => a.startsWith('0x'))).toBe(true);

    const listB = await app.inject({ method: 'GET', url: '/v1/addresses', headers: auth(keyB) });
    expect(listB.json().data).toEqual([]);
    const delB = await app.inject({ method: 'DELETE', url: `/v1/addresses/ethereum/${addresses[0]!.address}`, headers: auth(keyB) });
    expect(delB.statusCode).toBe(404);
    const delA = await app.inject({ method: 'DELETE', url: `/v1/addresses/ethereum/${addresses[0]!.address}`, headers: auth(keyA) });
    expect(delA.statusCode).toBe(204);
  });

  it('limits each tenant separately with 429 and Retry-After', async () => {
    const limited = build(settings({ rateLimitPerMinute: 3 }));
    try {
      const codes: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await limited.app.inject({ method: 'GET', url: '/v1/subscriptions', headers: auth(keyB) });
        codes.push(last.statusCode);
      }
      // keyB already used its budget in this minute window in earlier tests? Count only the tail.
      if (last === undefined) throw new Error('no response');
      expect(codes.slice(-2)).toEqual([429, 429]);
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      expect(last.json().error.code).toBe('rate_limited');
    } finally {
      await limited.app.close();
      await limited.api.close();
    }
  });

  it('publishes OpenAPI 3 generated from the route schemas, and browsable docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/v1/subscriptions', '/v1/subscriptions/{id}', '/v1/subscriptions/{id}/rotate-secret', '/v1/subscriptions/{id}/test', '/v1/subscriptions/{id}/deliveries', '/v1/subscriptions/{id}/deliveries/{deliveryId}/replay', '/v1/subscriptions/{id}/replay', '/v1/addresses', '/v1/addresses/{chain}/{address}']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/v1/subscriptions'].post.requestBody.content['application/json'].schema.properties.filters.properties).toHaveProperty('counterparties');
    expect(doc.paths['/v1/subscriptions'].post.requestBody.content['application/json'].schema.properties.filters.properties).toHaveProperty('counterpartyCategories');
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    expect(docs.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
  });
});
