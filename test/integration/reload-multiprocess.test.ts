/**
 * Watchlist edits reach every worker process: the poller runs as its own
 * `chainwatch start --role poller` process, the alerter in this one; an entry
 * added on disk is matched in the very next block, and an invalid edit leaves
 * the last good list in force.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SOURCE = 'https://example.org/attribution';

let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let funder: JsonRpcSigner;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
let alerter: RunningChainwatch;
let poller: ChildProcess;
let pollerOutput = '';
const watched = Wallet.createRandom().address;

function entry(address: string, label: string): Record<string, unknown> {
  return { chain: 'ethereum', address, label, incident: 'reload-test', source: SOURCE, tags: [] };
}

async function send(to: string): Promise<{ hash: string; blockNumber: number }> {
  const tx = await funder.sendTransaction({ to, value: parseEther('1') });
  const receipt = await tx.wait();
  return { hash: tx.hash, blockNumber: receipt!.blockNumber };
}

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  funder = await provider.getSigner(0);
  hooks = await startWebhookCapture(SECRET);
  prefix = uniqueRedisPrefix('reload');
  configDir = writeConfigDir(
    'reload',
    {
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 'latest' } },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
    },
    { 'initial.yaml': [entry(watched, 'Initially watched')] },
  );

  poller = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--role', 'poller', '--config', configDir], {
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  poller.stdout!.on('data', (d: Buffer) => (pollerOutput += d.toString()));
  poller.stderr!.on('data', (d: Buffer) => (pollerOutput += d.toString()));
  await waitFor(() => pollerOutput.includes('chainwatch started'), { what: 'the poller process to start', timeoutMs: 60_000 });
  alerter = await runChainwatch({ configDir, roles: ['alerter'], logger: createLogger({ level: 'silent' }), deliveryBackoffMs: 50 });
});

afterAll(async () => {
  if (poller && poller.exitCode === null) {
    const exited = new Promise((r) => poller.once('exit', r));
    poller.kill('SIGTERM');
    await exited;
  }
  await alerter?.close();
  provider?.destroy();
  await chain?.stop();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('watchlist reload across processes', () => {
  it('the poller process matches an address added on disk in the next block', async () => {
    const first = await send(watched);
    await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === first.hash), { what: 'alert for the initially watched address' });

    const newcomer = Wallet.createRandom().address;
    writeFileSync(join(configDir, 'watchlists', 'added.yaml'), stringify({ entries: [entry(newcomer, 'Added while running')] }));
    const next = await send(newcomer);
    const hook = await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === next.hash), { what: 'alert for the added address' });
    expect(hook.body.data).toMatchObject({ direction: 'in', to: newcomer, blockNumber: next.blockNumber, watchlist: [{ label: 'Added while running' }] });
    expect(hook.signatureValid).toBe(true);
    expect(pollerOutput).toMatch(/added/i);
  });

  it('keeps the last good list when an edit is invalid, and says where the problem is', async () => {
    writeFileSync(join(configDir, 'watchlists', 'added.yaml'), `entries:\n  - chain: ethereum\n    address: 0xnot-an-address\n    label: typo\n    incident: reload-test\n    source: ${SOURCE}\n`);
    await waitFor(() => /added\.yaml:3:\d+: entries\[0\]\.address/.test(pollerOutput), { what: 'the poller to report the invalid edit with its line' });
    const still = await send(watched);
    await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === still.hash), { what: 'alert from the last good list' });
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => poller.once('exit', (code) => r(code)));
    poller.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
