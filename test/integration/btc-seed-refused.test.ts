/**
 * Issue #7 defect 6: Esplora (electrs, mempool.space) answers HTTP 400 "Too many
 * unspent transaction outputs (>500)" for a dust-spammed address. That one
 * address is reported (log, metric, /readyz) and skipped; the other addresses
 * are seeded and the chain is followed. Real pipeline in-process (poller and
 * alerter roles with their HTTP server), the regtest Esplora server, Redis and
 * an HTTP webhook receiver.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const CHAIN = 'btcreg';

let chain: RegtestChain;
let server: RegtestServer;
let hooks: WebhookCapture;
let prefix: string;
let configDir: string;
let running: RunningChainwatch | undefined;
let spammed: RegtestWallet;
let seedable: RegtestWallet;
const logLines: string[] = [];

beforeAll(async () => {
  chain = createRegtestChain({ initialBlocks: 2 });
  server = await startRegtestServer(chain);
  hooks = await startWebhookCapture(SECRET);
  prefix = uniqueRedisPrefix('seedref');
  spammed = chain.newWallet('p2wpkh', 'dust-spammed-hack-wallet');
  seedable = chain.newWallet('p2tr', 'old-hack-wallet');
  // Both hold coins from before chainwatch watches them.
  chain.send(chain.faucet, [{ to: spammed, amount: 40_000_000n }, { to: seedable, amount: 60_000_000n }]);
  chain.mine(2);
  server.refuseUtxoListing(spammed.address);
  const entry = (w: RegtestWallet, label: string) => ({ chain: CHAIN, address: w.address, label, incident: 'seed-test', source: 'https://example.org/attribution' });
  configDir = writeConfigDir(
    'seedref',
    {
      chains: { [CHAIN]: { kind: 'bitcoin', network: 'regtest', esploraUrl: server.esploraUrl, pollIntervalMs: 100, startBlock: chain.height() + 1, seedOnStart: true } },
      webhooks: [{ id: 'soc', url: hooks.url, secret: SECRET }],
      api: { host: '127.0.0.1' },
      redis: { url: TEST_REDIS_URL, prefix },
    },
    { 'list.yaml': [entry(spammed, 'Dust-spammed wallet'), entry(seedable, 'Old wallet')] },
  );
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger, deliveryBackoffMs: 50, serveHttp: true, apiPort: 0 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  await server?.close();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
}, 60_000);

describe('an address Esplora refuses to list is skipped, the rest is seeded and followed', () => {
  it('reports the refused address in the log, /metrics and /readyz', async () => {
    await waitFor(() => logLines.some((l) => l.includes('seeded unspent outputs of watched addresses')), { what: 'seeding to finish', timeoutMs: 60_000 });
    const refusedLog = logLines.find((l) => l.includes('watched address could not be seeded'));
    expect(refusedLog).toBeDefined();
    expect(JSON.parse(refusedLog!)).toMatchObject({ chain: CHAIN, address: spammed.address, code: 'BTC_TOO_MANY_UTXOS' });

    const metrics = await (await fetch(`${running!.apiUrl}/metrics`)).text();
    expect(metrics).toContain(`chainwatch_btc_unseeded_addresses{chain="${CHAIN}"} 1`);

    const ready = await fetch(`${running!.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'degraded',
      degraded: [`seed:${CHAIN}`],
      checks: { [`seed:${CHAIN}`]: { ready: true, degraded: true, data: { refused: [{ address: spammed.address, code: 'BTC_TOO_MANY_UTXOS' }] } } },
    });
  });

  it('alerts the first spend of the seeded address, and follows blocks for the refused one too', async () => {
    const spend = chain.send(seedable, [{ to: chain.newWallet('p2wpkh'), amount: 10_000_000n }], { fee: 2_000n, changeTo: chain.faucet });
    const payment = chain.send(chain.faucet, [{ to: spammed, amount: 1_234_567n }]);
    chain.mine();
    const out = await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === spend), { what: 'the spend of the seeded coin', timeoutMs: 60_000 });
    expect(out.body.data).toMatchObject({ direction: 'out', amount: '60000000' });
    const incoming = await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === payment), { what: 'the payment into the refused address', timeoutMs: 60_000 });
    expect(incoming.body.data).toMatchObject({ direction: 'in', amount: '1234567' });
  });
});
