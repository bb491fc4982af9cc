/**
 * Exchanges subscribe themselves, end to end: a listening chainwatch (poller,
 * alerter, API) over a hardhat chain and the real Redis; two tenants use the
 * real HTTP API; real node:http receivers answer with scripted statuses.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { createTenantStore } from '../../src/adapters/redis/tenant-store.js';
import { verifyWebhookSignature } from '../../src/core/alert/sign-webhook.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startScriptedReceiver, type ReceivedRequest, type ScriptedReceiver } from '../helpers/scripted-receiver.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const OPERATOR_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SCHEDULE = [200, 400, 400];
const logger = createLogger({ level: 'silent' });

let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let deployer: JsonRpcSigner;
let flagged: JsonRpcSigner;
let flaggedAddr = '';
let operatorHooks: WebhookCapture;
let configDir: string;
let prefix: string;
let running: RunningChainwatch;
let api = '';
let keyA = '';
let keyB = '';
const receivers: ScriptedReceiver[] = [];

async function receiver(script: Parameters<typeof startScriptedReceiver>[0] = () => ({ status: 200 })): Promise<ScriptedReceiver> {
  const r = await startScriptedReceiver(script);
  receivers.push(r);
  return r;
}

interface Delivery {
  id: string;
  webhookId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  latencyMs: number | null;
}

async function call<T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T; headers: Headers }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: (text === '' ? undefined : JSON.parse(text)) as T, headers: res.headers };
}

async function subscribe(key: string, url: string, filters?: unknown): Promise<{ id: string; secret: string }> {
  const res = await call<{ id: string; secret: string }>(key, 'POST', '/v1/subscriptions', { url, ...(filters !== undefined ? { filters } : {}) });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

async function send(signer: JsonRpcSigner, to: string, eth = '1'): Promise<string> {
  const tx = await signer.sendTransaction({ to, value: parseEther(eth) });
  await tx.wait();
  return tx.hash;
}

const forTx = (r: ScriptedReceiver, txHash: string): ReceivedRequest[] => r.received.filter((q) => q.body.data['txHash'] === txHash);

async function deliveriesOf(key: string, subId: string, query = ''): Promise<Delivery[]> {
  const res = await call<{ data: Delivery[] }>(key, 'GET', `/v1/subscriptions/${subId}/deliveries${query}`);
  expect(res.status).toBe(200);
  return res.json.data;
}

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  deployer = await provider.getSigner(0);
  flagged = await provider.getSigner(1);
  flaggedAddr = await flagged.getAddress();
  operatorHooks = await startWebhookCapture(OPERATOR_SECRET);
  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-subs-'));
  prefix = uniqueRedisPrefix('subs-e2e');
  mkdirSync(join(configDir, 'watchlists'));
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 0, traces: 'off' } },
      webhooks: [{ id: 'operator', url: operatorHooks.url, secret: OPERATOR_SECRET }],
      api: { host: '127.0.0.1' },
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
      // Receivers run on 127.0.0.1, so the tests open loopback; the SSRF tests run without it.
      subscriptions: { allowHttp: true, allowPrivateTargets: ['127.0.0.0/8'], retryScheduleMs: SCHEDULE, maxRetryAfterMs: 5000, timeoutMs: 1000 },
    }),
  );
  writeFileSync(
    join(configDir, 'watchlists', 'hack.yaml'),
    stringify({ entries: [{ chain: 'ethereum', address: flaggedAddr, label: 'Test exploiter', incident: 'test-heist-2026', source: 'https://example.org/a', tags: ['lazarus'] }] }),
  );
  const redis = new Redis(TEST_REDIS_URL);
  const tenants = createTenantStore(redis, prefix);
  keyA = (await tenants.add('exchange-a', new Date())).apiKey;
  keyB = (await tenants.add('exchange-b', new Date())).apiKey;
  redis.disconnect();
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter', 'api'], logger, apiPort: 0 });
  api = running.apiUrl!;
});

afterAll(async () => {
  await running?.close();
  provider?.destroy();
  await chain?.stop();
  await operatorHooks?.close();
  for (const r of receivers) await r.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('tenant subscriptions end to end', () => {
  it('filters on counterparties, and a tenant\'s own address (added through the API) alerts that tenant only', async () => {
    const depositA = Wallet.createRandom().address;
    const ownA = Wallet.createRandom().address;
    const filteredA = await receiver();
    const allA = await receiver();
    const allB = await receiver();
    const subFiltered = await subscribe(keyA, filteredA.url, { counterparties: [depositA.toLowerCase()] });
    const subAllA = await subscribe(keyA, allA.url);
    await subscribe(keyB, allB.url);
    const added = await call(keyA, 'POST', '/v1/addresses', { addresses: [{ chain: 'ethereum', address: ownA, label: 'our cold case wallet' }] });
    expect(added.json).toEqual({ added: 1, existing: 0 });

    const toDeposit = await send(flagged, depositA);
    const elsewhere = await send(flagged, Wallet.createRandom().address);
    const toOwn = await send(deployer, ownA, '2');
    const marker = await send(flagged, Wallet.createRandom().address);

    await waitFor(() => forTx(allB, marker).length > 0 && forTx(allA, marker).length > 0 && forTx(allA, toOwn).length > 0 && forTx(filteredA, toDeposit).length > 0, { what: 'deliveries' });
    // Counterparty filter: only the movement that touched the deposit address.
    expect(filteredA.received.map((q) => q.body.data['txHash'])).toEqual([toDeposit]);
    expect(forTx(filteredA, toDeposit)[0]!.body.data).toMatchObject({ direction: 'out', to: depositA, from: flaggedAddr });
    // The tenant's own address: tenant A sees it with its own label; B and the operator never do.
    const own = forTx(allA, toOwn)[0]!;
    expect(own.body.data).toMatchObject({ direction: 'in', to: ownA, watchlist: [{ address: ownA, label: 'our cold case wallet', incident: 'tenant-list' }] });
    expect(verifyWebhookSignature({ secret: subAllA.secret, headers: own.headers, body: own.rawBody, nowSeconds: Math.floor(Date.now() / 1000) })).toEqual({ ok: true });
    expect(forTx(allB, toOwn)).toEqual([]);
    await waitFor(() => operatorHooks.received.some((h) => h.body.data['txHash'] === marker), { what: 'operator webhook' });
    expect(operatorHooks.received.some((h) => h.body.data['txHash'] === toOwn)).toBe(false);
    expect(allB.received.map((q) => q.body.data['txHash'])).toEqual(expect.arrayContaining([toDeposit, elsewhere, marker]));
    expect(JSON.stringify(allB.received)).not.toContain('our cold case wallet');

    const log = await deliveriesOf(keyA, subFiltered.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ type: 'movement.detected', status: 'succeeded', attempts: 1, lastStatusCode: 200, lastError: null, webhookId: forTx(filteredA, toDeposit)[0]!.headers['webhook-id'] });
    expect(typeof log[0]?.latencyMs).toBe('number');

    // Removed from the list: no longer alerted.
    expect((await call(keyA, 'DELETE', `/v1/addresses/ethereum/${ownA}`)).status).toBe(204);
    const afterRemoval = await send(deployer, ownA);
    const marker2 = await send(flagged, Wallet.createRandom().address);
    await waitFor(() => forTx(allA, marker2).length > 0, { what: 'marker after removal' });
    expect(forTx(allA, afterRemoval)).toEqual([]);
  });

  it('handles 200, 500, 429 with Retry-After, 410, timeouts, redirects and abort-message as specified', async () => {
    const ok = await receiver();
    const flaky = await receiver((n) => ({ status: n === 0 ? 500 : 200 }));
    const alwaysDown = await receiver(() => ({ status: 500 }));
    const busy = await receiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    const gone = await receiver(() => ({ status: 410 }));
    const slow = await receiver(() => 'hang');
    const target = await receiver();
    const redirect = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const abort = await receiver(() => ({ status: 500, headers: { 'webhook-delivery': 'abort-message' } }));
    const subs = new Map<ScriptedReceiver, { id: string; secret: string }>();
    for (const r of [ok, flaky, alwaysDown, busy, gone, slow, redirect, abort]) subs.set(r, await subscribe(keyA, r.url, { counterparties: [Wallet.createRandom().address] }));
    // Each subscription's own counterparty: one movement per receiver.
    const txs = new Map<ScriptedReceiver, string>();
    for (const [r, sub] of subs) {
      const cp = (await call<{ filters: { counterparties: string[] } }>(keyA, 'GET', `/v1/subscriptions/${sub.id}`)).json.filters.counterparties[0]!;
      txs.set(r, await send(flagged, cp, '0.1'));
    }
    const log = async (r: ScriptedReceiver) => (await deliveriesOf(keyA, subs.get(r)!.id))[0];
    const settled = async (r: ScriptedReceiver, status: string) => waitFor(async () => {
      const d = await log(r);
      return d?.status === status ? d : undefined;
    }, { what: `delivery ${status}`, timeoutMs: 60_000 });

    expect(await settled(ok, 'succeeded')).toMatchObject({ attempts: 1, lastStatusCode: 200 });
    expect(await settled(flaky, 'succeeded')).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    expect(flaky.received).toHaveLength(2);
    expect(flaky.received[0]!.headers['webhook-id']).toBe(flaky.received[1]!.headers['webhook-id']);
    expect(flaky.received[0]!.rawBody).toBe(flaky.received[1]!.rawBody);

    const dead = await settled(alwaysDown, 'dead');
    expect(dead).toMatchObject({ attempts: SCHEDULE.length + 1, lastStatusCode: 500, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(alwaysDown.received).toHaveLength(SCHEDULE.length + 1);
    expect(new Set(alwaysDown.received.map((q) => q.headers['webhook-id'])).size).toBe(1);

    expect(await settled(busy, 'succeeded')).toMatchObject({ attempts: 2 });
    // Retry-After: 2 outweighs the 200 ms schedule step (a lower bound, never an upper one).
    expect(busy.received[1]!.at - busy.received[0]!.at).toBeGreaterThanOrEqual(1900);

    expect(await settled(gone, 'dead')).toMatchObject({ attempts: 1, lastStatusCode: 410 });
    expect(gone.received).toHaveLength(1);
    expect((await call(keyA, 'GET', `/v1/subscriptions/${subs.get(gone)!.id}`)).json).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' });

    const timedOut = await settled(slow, 'dead');
    expect(timedOut).toMatchObject({ attempts: SCHEDULE.length + 1, lastStatusCode: null });
    expect(timedOut.lastError).toContain('did not answer within 1000 ms');

    const redirected = await settled(redirect, 'dead');
    expect(redirected).toMatchObject({ lastStatusCode: 302 });
    expect(redirected.lastError).toContain('redirects are not followed');
    expect(target.received).toEqual([]);

    expect(await settled(abort, 'dead')).toMatchObject({ attempts: 1, lastStatusCode: 500 });
    expect(abort.received).toHaveLength(1);
    // The 'ok' receiver was never held up by the others.
    expect(ok.received).toHaveLength(1);
    expect(forTx(ok, txs.get(ok)!)).toHaveLength(1);
  });

  it('signs with both secrets for a day after rotation, and /test sends a signed ping', async () => {
    const r = await receiver();
    const sub = await subscribe(keyA, r.url);
    const rotated = await call<{ secret: string }>(keyA, 'POST', `/v1/subscriptions/${sub.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const test = await call<{ deliveryId: string }>(keyA, 'POST', `/v1/subscriptions/${sub.id}/test`);
    expect(test.status).toBe(202);
    const ping = await waitFor(() => r.received.find((q) => q.body.type === 'ping'), { what: 'ping' });
    expect(ping.body.data).toEqual({ subscriptionId: sub.id });
    expect(String(ping.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const secret of [sub.secret, rotated.json.secret]) {
      expect(verifyWebhookSignature({ secret, headers: ping.headers, body: ping.rawBody, nowSeconds })).toEqual({ ok: true });
    }
    const log = await deliveriesOf(keyA, sub.id, '?status=succeeded');
    expect(log.find((d) => d.id === test.json.deliveryId)).toMatchObject({ type: 'ping', status: 'succeeded' });
  });

  it('loses nothing while a receiver is down: dead deliveries are replayed, one or since a time, with the same webhook-id', async () => {
    let up = false;
    const r = await receiver(() => ({ status: up ? 200 : 503 }));
    const sub = await subscribe(keyA, r.url, { directions: ['out'] });
    const since = new Date(Date.now() - 1000).toISOString();
    const txs: string[] = [];
    for (let i = 0; i < 3; i++) txs.push(await send(flagged, Wallet.createRandom().address, '0.01'));
    const deadOnes = await waitFor(async () => {
      const d = await deliveriesOf(keyA, sub.id, '?status=dead');
      return d.length === 3 ? d : undefined;
    }, { what: 'three dead deliveries', timeoutMs: 60_000 });
    // Pagination: newest first, cursor to the next page.
    const page1 = await call<{ data: Delivery[]; nextCursor: string | null }>(keyA, 'GET', `/v1/subscriptions/${sub.id}/deliveries?status=dead&limit=2`);
    expect(page1.json.data).toHaveLength(2);
    const page2 = await call<{ data: Delivery[]; nextCursor: string | null }>(keyA, 'GET', `/v1/subscriptions/${sub.id}/deliveries?status=dead&limit=2&cursor=${page1.json.nextCursor}`);
    expect(page2.json.data).toHaveLength(1);
    expect(page2.json.nextCursor).toBeNull();
    expect([...page1.json.data, ...page2.json.data].map((d) => d.id)).toEqual(deadOnes.map((d) => d.id));

    const idsDuringOutage = new Set(r.received.map((q) => q.headers['webhook-id']));
    expect(idsDuringOutage.size).toBe(3);
    up = true;

    // Another tenant can neither read nor replay them.
    const one = deadOnes[0]!;
    expect((await call(keyB, 'GET', `/v1/subscriptions/${sub.id}/deliveries`)).status).toBe(404);
    expect((await call(keyB, 'POST', `/v1/subscriptions/${sub.id}/deliveries/${one.id}/replay`)).status).toBe(404);
    expect((await call(keyB, 'POST', `/v1/subscriptions/${sub.id}/replay`, { since })).status).toBe(404);

    // One delivery...
    const replayOne = await call(keyA, 'POST', `/v1/subscriptions/${sub.id}/deliveries/${one.id}/replay`);
    expect(replayOne).toMatchObject({ status: 202, json: { count: 1 } });
    // Every attempt during the outage plus the replay carry the same webhook-id.
    await waitFor(() => r.received.filter((q) => q.headers['webhook-id'] === one.webhookId).length === SCHEDULE.length + 2, { what: 'single replay' });
    await waitFor(async () => (await deliveriesOf(keyA, sub.id, '?status=succeeded')).length === 1, { what: 'single replay recorded' });
    // ... then everything since before the outage.
    const replayAll = await call(keyA, 'POST', `/v1/subscriptions/${sub.id}/replay`, { since });
    expect(replayAll).toMatchObject({ status: 202, json: { count: 3 } });
    await waitFor(async () => (await deliveriesOf(keyA, sub.id, '?status=succeeded')).length === 3, { what: 'all replayed' });
    const okIds = r.received.filter((_, i) => i >= 3 * (SCHEDULE.length + 1)).map((q) => q.headers['webhook-id']);
    expect(new Set(okIds)).toEqual(idsDuringOutage);
    expect(new Set(r.received.map((q) => q.body.data['txHash']))).toEqual(new Set(txs));
    for (const q of r.received) expect(verifyWebhookSignature({ secret: sub.secret, headers: q.headers, body: q.rawBody, nowSeconds: Math.floor(q.at / 1000) })).toEqual({ ok: true });
  });
});
