/**
 * Several replicas sharing one Redis: only one polls a chain at a time (the
 * lease holder), every movement is alerted once, and when the holder stops a
 * standby takes over from the shared cursor with no gap.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let funder: JsonRpcSigner;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
const replicas: RunningChainwatch[] = [];
const watched = Wallet.createRandom().address;
const logger = createLogger({ level: 'silent' });

async function leaderOf(replica: RunningChainwatch): Promise<number> {
  return (await replica.metrics.pollerLeader.get()).values.find((v) => v.labels['chain'] === 'ethereum')?.value ?? 0;
}

async function payWatched(): Promise<string> {
  const tx = await funder.sendTransaction({ to: watched, value: parseEther('1') });
  await tx.wait();
  return tx.hash;
}

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  funder = await provider.getSigner(0);
  hooks = await startWebhookCapture(SECRET);
  prefix = uniqueRedisPrefix('replicas');
  configDir = writeConfigDir(
    'replicas',
    {
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 0 } },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
    },
    { 'list.yaml': [{ chain: 'ethereum', address: watched, label: 'Replicated watch', incident: 'replica-test', source: 'https://example.org/a', tags: [] }] },
  );
  for (let i = 0; i < 2; i++) replicas.push(await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger, deliveryBackoffMs: 50 }));
});

afterAll(async () => {
  for (const r of replicas) await r.close();
  provider?.destroy();
  await chain?.stop();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('replicas sharing one Redis', () => {
  it('poll each chain once and alert every movement once; a standby takes over when the holder stops', async () => {
    await waitFor(async () => (await leaderOf(replicas[0]!)) + (await leaderOf(replicas[1]!)) === 1, { what: 'one lease holder' });

    const first: string[] = [];
    for (let i = 0; i < 4; i++) first.push(await payWatched());
    await waitFor(() => first.every((h) => hooks.received.some((w) => w.body.data['txHash'] === h)), { what: 'alerts before the handover' });

    const holder = (await leaderOf(replicas[0]!)) === 1 ? 0 : 1;
    const standby = replicas[1 - holder]!;
    await replicas[holder]!.close();
    const second: string[] = [];
    for (let i = 0; i < 3; i++) second.push(await payWatched());
    await waitFor(async () => (await leaderOf(standby)) === 1, { what: 'the standby to take the lease' });
    await waitFor(() => second.every((h) => hooks.received.some((w) => w.body.data['txHash'] === h)), { what: 'alerts after the handover' });

    const blocks = (await standby.metrics.blocksProcessed.get()).values.reduce((s, v) => s + v.value, 0);
    expect(blocks).toBeGreaterThan(0);
    const ids = hooks.received.map((h) => String(h.headers['webhook-id']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(hooks.received.map((h) => h.body.data['txHash']).sort()).toEqual([...first, ...second].sort());
  });
});
