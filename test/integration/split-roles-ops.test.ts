/**
 * Issue #7 defect 5: with one role per process (as in docker-compose.yml),
 * the poller and the alerter each serve /healthz, /readyz and /metrics from
 * their own registry, so poller progress and deliveries are observable where
 * they happen. Real child processes (`chainwatch start --role ...`), the
 * regtest Bitcoin server, Redis and an HTTP webhook receiver.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { spawnChainwatch, type SpawnedChainwatch } from '../helpers/spawn-chainwatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const CHAIN = 'btcreg';

let chain: RegtestChain;
let server: RegtestServer;
let hooks: WebhookCapture;
let prefix: string;
let configDir: string;
let watched: RegtestWallet;
let poller: SpawnedChainwatch | undefined;
let alerter: SpawnedChainwatch | undefined;

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** The value of one sample in a Prometheus text exposition, or undefined when absent. */
function sample(metricsText: string, series: string): number | undefined {
  const line = metricsText.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  chain = createRegtestChain({ initialBlocks: 2 });
  server = await startRegtestServer(chain);
  hooks = await startWebhookCapture(SECRET);
  prefix = uniqueRedisPrefix('roles');
  watched = chain.newWallet('p2wpkh', 'split-roles-watched');
  configDir = writeConfigDir(
    'roles',
    {
      chains: { [CHAIN]: { kind: 'bitcoin', network: 'regtest', esploraUrl: server.esploraUrl, pollIntervalMs: 100, startBlock: chain.height() + 1, seedOnStart: false } },
      webhooks: [{ id: 'soc', url: hooks.url, secret: SECRET }],
      api: { host: '127.0.0.1' },
      redis: { url: TEST_REDIS_URL, prefix },
    },
    { 'list.yaml': [{ chain: CHAIN, address: watched.address, label: 'Split roles test wallet', incident: 'roles-test', source: 'https://example.org/attribution' }] },
  );
  // Both on port 0: each process picks its own free port and logs it (two processes, one host).
  [poller, alerter] = await Promise.all([
    spawnChainwatch(['--role', 'poller', '--port', '0', '--config', configDir]),
    spawnChainwatch(['--role', 'alerter', '--port', '0', '--config', configDir]),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([poller?.stop(), alerter?.stop()]);
  await server?.close();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
}, 60_000);

describe('split roles serve their own health and metrics', () => {
  it('each process answers /healthz and /readyz on its own port', async () => {
    expect(poller!.httpUrl).not.toBe(alerter!.httpUrl);
    for (const p of [poller!, alerter!]) {
      const health = await get(`${p.httpUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', checks: { redis: { ok: true } } });
      const ready = await get(`${p.httpUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', notReady: [], checks: { redis: { ready: true } } });
    }
  });

  it("the image's HEALTHCHECK command passes against each role's process", async () => {
    const line = readFileSync('Dockerfile', 'utf8').split('\n').find((l) => l.startsWith('HEALTHCHECK'))!;
    const script = /CMD node -e "(.*)"$/.exec(line)![1]!;
    for (const p of [poller!, alerter!]) {
      const port = new URL(p.httpUrl).port;
      const code = await new Promise<number>((resolve) => {
        execFile(process.execPath, ['-e', script], { env: { PORT: port }, timeout: 30_000 }, (err) => resolve(err === null ? 0 : 1));
      });
      expect(code, `HEALTHCHECK against ${p.httpUrl}`).toBe(0);
    }
  });

  it("the poller's /metrics shows its progress and the alerter's /metrics its deliveries", async () => {
    const txid = chain.send(chain.faucet, [{ to: watched, amount: 21_000_000n }]);
    chain.mine();
    await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === txid), { what: 'the webhook for the payment', timeoutMs: 90_000 });

    const pollerMetrics = await waitFor(
      async () => {
        const { body } = await get(`${poller!.httpUrl}/metrics`);
        return (sample(body, `chainwatch_last_processed_block{chain="${CHAIN}"}`) ?? -1) >= chain.height() ? body : undefined;
      },
      { what: "the poller's metrics to show the mined block", timeoutMs: 60_000 },
    );
    expect(sample(pollerMetrics, `chainwatch_blocks_processed_total{chain="${CHAIN}"}`)).toBeGreaterThanOrEqual(1);
    expect(sample(pollerMetrics, `chainwatch_movements_detected_total{chain="${CHAIN}",kind="btc"}`)).toBe(1);
    expect(sample(pollerMetrics, `chainwatch_poller_leader{chain="${CHAIN}"}`)).toBe(1);
    // The poller delivers nothing: deliveries are the alerter's.
    expect(sample(pollerMetrics, 'chainwatch_deliveries_total{channel="webhook",target="soc"}')).toBeUndefined();

    const alerterMetrics = await waitFor(
      async () => {
        const { body } = await get(`${alerter!.httpUrl}/metrics`);
        return sample(body, 'chainwatch_deliveries_total{channel="webhook",target="soc"}') === 1 ? body : undefined;
      },
      { what: "the alerter's metrics to count the delivery", timeoutMs: 60_000 },
    );
    expect(sample(alerterMetrics, `chainwatch_blocks_processed_total{chain="${CHAIN}"}`)).toBeUndefined();
    expect(alerterMetrics).toContain('chainwatch_process_');
  });

  it('stops both cleanly on SIGTERM', async () => {
    const codes = await Promise.all([poller!.stop(), alerter!.stop()]);
    expect(codes).toEqual([0, 0]);
  });
});
