/**
 * Issue #10 "beyond one Redis": the whole pipeline (poller -> movements queue ->
 * alerter -> signed webhook) on a real 3-node Redis Cluster and behind a real
 * Sentinel. In a cluster the key prefix becomes a hash tag, so every queue and
 * store of the deployment lives on one slot (BullMQ's scripts need that).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { keysOnNode, startRedisCluster, startRedisSentinel, type RedisProcesses } from '../helpers/redis-topologies.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let funder: JsonRpcSigner;
let hooks: WebhookCapture;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  funder = await provider.getSigner(0);
  hooks = await startWebhookCapture(SECRET);
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  provider?.destroy();
  await chain?.stop();
  await hooks?.close();
});

async function runOn(name: string, redis: Record<string, unknown>): Promise<{ running: RunningChainwatch; watched: string }> {
  const watched = Wallet.createRandom().address;
  const configDir = writeConfigDir(
    name,
    {
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 'latest' } },
      webhooks: [{ id: 'soc', url: hooks.url, secret: SECRET }],
      redis,
    },
    { 'list.yaml': [{ chain: 'ethereum', address: watched, label: `${name} wallet`, incident: 'topology-test', source: 'https://example.org/a', tags: [] }] },
  );
  cleanups.push(() => rmSync(configDir, { recursive: true, force: true }));
  const running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: 'silent' }), deliveryBackoffMs: 50, env: {} });
  cleanups.push(() => running.close());
  return { running, watched };
}

async function sendAndAwaitAlert(to: string): Promise<Record<string, unknown>> {
  const tx = await funder.sendTransaction({ to, value: parseEther('1') });
  await tx.wait();
  const hook = await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === tx.hash), { what: `the webhook for ${tx.hash}`, timeoutMs: 60_000 });
  expect(hook.signatureValid).toBe(true);
  return hook.body.data;
}

describe('Redis Cluster', () => {
  let cluster: RedisProcesses;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    cleanups.push(() => cluster.stop());
  }, 60_000);

  it('runs the pipeline on a 3-node cluster, every key of the deployment on one slot', async () => {
    const prefix = `cw${randomBytes(3).toString('hex')}`;
    const { running, watched } = await runOn('cluster', { url: `redis://127.0.0.1:${cluster.ports[0]}`, cluster: cluster.ports.map((p) => `127.0.0.1:${p}`), prefix });
    expect(running.settings.redis.prefix).toBe(`{${prefix}}`);
    const data = await sendAndAwaitAlert(watched);
    expect(data).toMatchObject({ direction: 'in', to: watched, kind: 'native' });
    // The cursor, the movements queue and the webhook queue all exist, and on exactly one node.
    const perNode = cluster.ports.map((p) => keysOnNode(p, `{${prefix}}:*`));
    const holders = perNode.filter((keys) => keys.length > 0);
    expect(holders).toHaveLength(1);
    const keys = holders[0]!;
    expect(keys.some((k) => k.startsWith(`{${prefix}}:movements:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`{${prefix}}:webhook-soc:`))).toBe(true);
    expect(keys).toContain(`{${prefix}}:cursor:ethereum`);
  }, 120_000);
});

describe('Redis Sentinel', () => {
  let sentinel: RedisProcesses;
  beforeAll(async () => {
    sentinel = await startRedisSentinel('cwmaster');
    cleanups.push(() => sentinel.stop());
  }, 60_000);

  it('finds the master through redis+sentinel:// and runs the pipeline on it', async () => {
    const [masterPort, sentinelPort] = sentinel.ports;
    const prefix = `cw${randomBytes(3).toString('hex')}`;
    const { watched } = await runOn('sentinel', { url: `redis+sentinel://127.0.0.1:${sentinelPort}/cwmaster`, prefix });
    await sendAndAwaitAlert(watched);
    expect(keysOnNode(masterPort!, `${prefix}:cursor:*`)).toEqual([`${prefix}:cursor:ethereum`]);
  }, 120_000);
});
