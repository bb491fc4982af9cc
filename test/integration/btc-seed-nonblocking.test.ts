/**
 * Issue #10: Bitcoin seeding never blocks following. A node without
 * scantxoutset (bcoin, btcd, a restricted RPC proxy) is reported once (log,
 * metric, /readyz) and the chain is followed; an indexer that fails seeding
 * for a while gets following started at once and seeding retried in the
 * background until it succeeds. Real pipeline in-process (poller and alerter
 * roles with their HTTP server), the regtest server, Redis and a webhook receiver.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestServerOptions, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const CHAIN = 'btcreg';
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Harness {
  readonly chain: RegtestChain;
  readonly server: RegtestServer;
  readonly hooks: WebhookCapture;
  readonly running: RunningChainwatch;
  readonly old: RegtestWallet;
  readonly fresh: RegtestWallet;
  readonly logLines: string[];
}

async function start(backend: 'rpcUrl' | 'esploraUrl', serverOptions: RegtestServerOptions, beforeStart?: (server: RegtestServer) => void): Promise<Harness> {
  const chain = createRegtestChain({ initialBlocks: 2 });
  const server = await startRegtestServer(chain, serverOptions);
  cleanups.push(() => server.close());
  const hooks = await startWebhookCapture(SECRET);
  cleanups.push(() => hooks.close());
  const prefix = uniqueRedisPrefix('seednb');
  cleanups.push(() => deleteRedisPrefix(prefix));
  const old = chain.newWallet('p2wpkh', 'old-hack-wallet');
  const fresh = chain.newWallet('p2tr', 'fresh-hack-wallet');
  chain.send(chain.faucet, [{ to: old, amount: 70_000_000n }]); // held before chainwatch watches it
  chain.mine(2);
  const entry = (w: RegtestWallet, label: string) => ({ chain: CHAIN, address: w.address, label, incident: 'seed-test', source: 'https://example.org/attribution' });
  const configDir = writeConfigDir(
    'seednb',
    {
      chains: { [CHAIN]: { kind: 'bitcoin', network: 'regtest', [backend]: backend === 'rpcUrl' ? server.rpcUrl : server.esploraUrl, pollIntervalMs: 100, startBlock: chain.height() + 1, seedOnStart: true } },
      webhooks: [{ id: 'soc', url: hooks.url, secret: SECRET }],
      api: { host: '127.0.0.1' },
      redis: { url: TEST_REDIS_URL, prefix },
    },
    { 'list.yaml': [entry(old, 'Old wallet'), entry(fresh, 'Fresh wallet')] },
  );
  cleanups.push(() => rmSync(configDir, { recursive: true, force: true }));
  beforeStart?.(server);
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger, deliveryBackoffMs: 50, serveHttp: true, apiPort: 0 });
  cleanups.push(() => running.close());
  return { chain, server, hooks, running, old, fresh, logLines };
}

async function payAndAwaitAlert(h: Harness, to: RegtestWallet, amount: bigint): Promise<Record<string, unknown>> {
  const txid = h.chain.send(h.chain.faucet, [{ to, amount }]);
  h.chain.mine();
  const hook = await waitFor(() => h.hooks.received.find((r) => r.body.data['txHash'] === txid), { what: `the alert for ${txid}`, timeoutMs: 60_000 });
  return hook.body.data;
}

const metric = async (h: Harness, name: string): Promise<string | undefined> =>
  new RegExp(`^${name}\\{chain="${CHAIN}"\\} (-?\\d+)$`, 'm').exec(await (await fetch(`${h.running.apiUrl}/metrics`)).text())?.[1];

describe('Bitcoin seeding never blocks following', () => {
  it('a node without scantxoutset: reported once, and every new movement still alerts', async () => {
    const h = await start('rpcUrl', { withoutMethods: ['scantxoutset'] });
    expect(await payAndAwaitAlert(h, h.fresh, 1_500_000n)).toMatchObject({ direction: 'in', amount: '1500000' });
    expect(await payAndAwaitAlert(h, h.old, 2_500_000n)).toMatchObject({ direction: 'in', amount: '2500000' });

    expect(await metric(h, 'chainwatch_btc_seed_state')).toBe('-1');
    const ready = await fetch(`${h.running.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { degraded?: boolean; detail?: string }> };
    expect(body.status).toBe('degraded');
    expect(body.checks[`seed:${CHAIN}`]).toMatchObject({ degraded: true, detail: expect.stringContaining('cannot list unspent outputs') as unknown });
    // Reported once, never retried.
    expect(h.logLines.filter((l) => l.includes('seeding unavailable on this backend'))).toHaveLength(1);
    expect(h.server.requests.get('rpc:scantxoutset')).toBe(1);
  });

  it('an indexer failing for a while: following starts at once, seeding completes in the background, then old coins are recognised', async () => {
    // Enough 503s for the first seeding attempt to fail after its in-call retries (3 per address, 2 addresses).
    const h = await start('esploraUrl', {}, (server) => server.failNext('utxo503', 6));
    expect(await payAndAwaitAlert(h, h.fresh, 3_000_000n)).toMatchObject({ direction: 'in' });
    expect(h.logLines.some((l) => l.includes('following the chain and retrying seeding in the background'))).toBe(true);

    await waitFor(async () => (await metric(h, 'chainwatch_btc_seed_state')) === '1', { what: 'background seeding to complete', timeoutMs: 60_000 });
    const spend = h.chain.send(h.old, [{ to: h.chain.newWallet('p2wpkh'), amount: 20_000_000n }], { fee: 2_000n, changeTo: h.chain.faucet });
    h.chain.mine();
    const out = await waitFor(() => h.hooks.received.find((r) => r.body.data['txHash'] === spend), { what: 'the spend of the old coin', timeoutMs: 60_000 });
    expect(out.body.data).toMatchObject({ direction: 'out', amount: '70000000' });
    const ready = (await (await fetch(`${h.running.apiUrl}/readyz`)).json()) as { checks: Record<string, { ready: boolean; degraded?: boolean }> };
    expect(ready.checks[`seed:${CHAIN}`]).toMatchObject({ ready: true });
    expect(ready.checks[`seed:${CHAIN}`]?.degraded).toBeUndefined();
  });
});
