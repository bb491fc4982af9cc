/**
 * Issue #10 lifecycle: with `chains.<id>.finality` set, a movement is alerted as
 * `movement.detected` at once and again as `movement.confirmed` when its block
 * has that many confirmations (or is the node's `finalized` block): its own
 * webhook-id, the same movement data, webhooks only (the inbox already has the
 * detection). Real hardhat node, Redis, webhook receiver and SMTP server.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcClient } from '../../src/adapters/evm-rpc/create-evm-rpc-client.js';
import { createEvmRpcSource } from '../../src/adapters/evm-rpc/create-evm-rpc-source.js';
import { createLogger } from '../../src/app/logger.js';
import { checkSettingsText } from '../../src/config/load-settings.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const FINALITY = 4;

let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let funder: JsonRpcSigner;
let hooks: WebhookCapture;
let smtp: SmtpCapture;
let prefix: string;
let configDir: string;
let running: RunningChainwatch;
let redis: Redis;
const watched = Wallet.createRandom().address;

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  funder = await provider.getSigner(0);
  hooks = await startWebhookCapture(SECRET);
  smtp = await startSmtpCapture();
  prefix = uniqueRedisPrefix('confirmed');
  configDir = writeConfigDir(
    'confirmed',
    {
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, finality: FINALITY, pollIntervalMs: 100, startBlock: 'latest' } },
      webhooks: [{ id: 'soc', url: hooks.url, secret: SECRET }],
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      alerts: { email: { minSeverity: 'info', groupWaitMs: 0, groupIntervalMs: 0 } },
      redis: { url: TEST_REDIS_URL, prefix },
    },
    { 'list.yaml': [{ chain: 'ethereum', address: watched, label: 'Hack wallet', incident: 'confirmed-test', source: 'https://example.org/a', tags: [] }] },
  );
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: 'silent' }), deliveryBackoffMs: 50 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  redis?.disconnect();
  provider?.destroy();
  await chain?.stop();
  await hooks?.close();
  await smtp?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('movement.confirmed', () => {
  it('follows the detection once the block has `finality` confirmations, under its own webhook-id, webhooks only', async () => {
    const tx = await funder.sendTransaction({ to: watched, value: parseEther('2') });
    const receipt = await tx.wait();
    const detected = await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === tx.hash && h.body.type === 'movement.detected'), { what: 'movement.detected' });
    const detectedId = String(detected.headers['webhook-id']);

    // Not before the block has FINALITY confirmations: mine up to FINALITY - 1 and look again.
    await provider.send('hardhat_mine', [`0x${(FINALITY - 2).toString(16)}`]);
    await waitFor(async () => (await provider.getBlockNumber()) >= receipt!.blockNumber + FINALITY - 2, { what: 'the blocks to be mined' });
    // The finality follower has caught up to the newest block that is final (the one before ours): still no confirmation.
    const finalCursor = async (): Promise<number | undefined> => {
      const raw = await redis.get(`${prefix}:cursor:ethereum~final`);
      return raw === null ? undefined : (JSON.parse(raw) as { head: { number: number } }).head.number;
    };
    await waitFor(async () => (await finalCursor()) === receipt!.blockNumber - 1, { what: 'the finality follower to reach the block before ours' });
    expect(hooks.received.filter((h) => h.body.type === 'movement.confirmed')).toEqual([]);

    await provider.send('hardhat_mine', ['0x1']);
    const confirmed = await waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === tx.hash && h.body.type === 'movement.confirmed'), { what: 'movement.confirmed' });
    expect(confirmed.signatureValid).toBe(true);
    expect(confirmed.headers['webhook-id']).toBe(detectedId.replace(/-soc$/, '-confirmed-soc'));
    expect(confirmed.body.data).toMatchObject({ id: detected.body.data['id'], blockNumber: receipt!.blockNumber, blockHash: receipt!.blockHash, direction: 'in', amount: parseEther('2').toString() });
    expect(Number(confirmed.body.data['confirmations'])).toBeGreaterThanOrEqual(FINALITY);

    // One email (the detection); each event delivered once.
    await waitFor(() => smtp.messages.some((m) => (m.text ?? '').includes(tx.hash)), { what: 'the detection email' });
    expect(smtp.messages.filter((m) => (m.text ?? '').includes(tx.hash))).toHaveLength(1);
    expect(hooks.received.filter((h) => h.body.data['txHash'] === tx.hash).map((h) => h.body.type).sort()).toEqual(['movement.confirmed', 'movement.detected']);
  });

  it('finality: finalized follows the node\'s finalized block (eth_getBlockByNumber("finalized"))', async () => {
    await provider.send('hardhat_mine', ['0x3']);
    const client = createEvmRpcClient({ chain: 'ethereum', urls: [chain.rpcUrl], timeoutMs: 5_000 });
    const source = createEvmRpcSource({ chain: 'ethereum', client, traces: 'off', head: 'finalized' });
    const finalized = (await provider.send('eth_getBlockByNumber', ['finalized', false])) as { number: string };
    expect(await source.fetchHeadNumber()).toBe(Number(finalized.number));
    const check = checkSettingsText(`chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["http://127.0.0.1:8545"]\n    finality: finalized\nwebhooks:\n  - id: soc\n    url: http://127.0.0.1:9000/hook\n    secret: ${SECRET}\n`, 'chainwatch.yaml', {});
    expect(check.settings?.chains.get('ethereum')).toMatchObject({ finality: 'finalized' });
  });
});

