/**
 * Issue #10 `movement.reorged` on a real hardhat node, through the real queue, alerter,
 * webhook receiver and SMTP server: a reorg deeper than `confirmations` after an alert
 * retracts every alerted movement of the orphaned blocks exactly once (webhook and a
 * threaded email), only once the replacing chain has passed their height; the same
 * transaction re-mined in the new branch is alerted again under its own webhook-id;
 * re-running the follower over the same blocks queues nothing new; a reorg within
 * `confirmations` retracts nothing.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { JsonRpcProvider, Wallet, getAddress, parseEther, parseUnits, type HDNodeWallet, type JsonRpcSigner } from 'ethers';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMovementSink, type ClosableMovementSink } from '../../src/adapters/redis/create-movement-sink.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { MOVEMENTS_QUEUE } from '../../src/adapters/redis/queue-names.js';
import { createRedisReorgLedger } from '../../src/adapters/redis/reorg-ledger.js';
import { startAlerter, type Alerter } from '../../src/app/alerter.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { webhookSchema, type EvmChainConfig, type Settings } from '../../src/config/schema.js';
import type { ReorgLedger } from '../../src/core/ports.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { evmWatchlistOf } from '../helpers/evm-watchlist.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from '../helpers/webhook-capture.js';

const CHAIN = 'ethereum';
const CONFIRMATIONS = 2;
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const WAIT = { timeoutMs: 60_000 };
const logger = createLogger({ level: 'silent' });

let node: LocalEvmChain;
let provider: JsonRpcProvider;
let deployer: JsonRpcSigner;
let connection: Redis;
let prefix: string;
let hooks: WebhookCapture;
let smtp: SmtpCapture;
let alerter: Alerter;
let sink: ClosableMovementSink;
let ledger: ReorgLedger;
let movements: Queue;
let sender: HDNodeWallet;
const watched = getAddress(Wallet.createRandom().address);
const watchlist = evmWatchlistOf(CHAIN, watched);

function chainConfig(startBlock: number): EvmChainConfig {
  return { id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: CONFIRMATIONS, pollIntervalMs: 50, startBlock, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'off', maxBlocksPerBatch: 10, rpcTimeoutMs: 5000, enabled: true };
}

function makePoller(startBlock: number): EvmPoller {
  return createEvmPoller({
    chain: chainConfig(startBlock),
    currentWatchlist: () => watchlist,
    cursorStore: createRedisCursorStore(connection, prefix),
    sink,
    reorgLedger: ledger,
    logger,
    metrics: createMetrics(),
    rpc: { baseBackoffMs: 5, maxBackoffMs: 20 },
  });
}

/** Steps until a step finds nothing more to do (the newest block with CONFIRMATIONS is processed). */
async function pollUntilIdle(poller: EvmPoller): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const step = await poller.pollOnce();
    if (step.processed === 0 && !step.reorged) return;
  }
  throw new Error('poller did not catch up');
}

const nextBlock = async (): Promise<number> => Number(await provider.send('eth_blockNumber', [])) + 1;
const mine = (n: number): Promise<unknown> => provider.send('hardhat_mine', [`0x${n.toString(16)}`]);
const receiptOf = async (hash: string) => (await provider.send('eth_getTransactionReceipt', [hash])) as { blockNumber: string; blockHash: string };
const hooksFor = (txHash: string, type?: string): CapturedWebhook[] => hooks.received.filter((h) => h.body.data['txHash'] === txHash && (type === undefined || h.body.type === type));
const emailsFor = (txHash: string) => smtp.messages.filter((m) => (m.text ?? '').includes(txHash));
const hex = (hash: string): string => hash.toLowerCase().replace(/^0x/, '');
/** Every job id on the movements queue (completed jobs are kept: they are the dedupe record). */
const movementJobIds = async (): Promise<string[]> =>
  (await movements.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed', 'prioritized'])).map((j) => String(j.id)).sort();

async function signTransfer(nonce: number, value: bigint): Promise<string> {
  return sender.signTransaction({ type: 2, chainId: 31337, nonce, to: watched, value, gasLimit: 21_000n, maxFeePerGas: parseUnits('20', 'gwei'), maxPriorityFeePerGas: parseUnits('1', 'gwei') });
}

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true, polling: true, pollingInterval: 50 });
  deployer = await provider.getSigner(0);
  // A sender whose transactions we sign ourselves, so the very same transaction (same hash) can be mined twice.
  sender = Wallet.createRandom().connect(provider);
  await (await deployer.sendTransaction({ to: sender.address, value: parseEther('1') })).wait();
  prefix = uniqueRedisPrefix('reorged');
  connection = await createRedisConnection(TEST_REDIS_URL);
  hooks = await startWebhookCapture(SECRET);
  smtp = await startSmtpCapture();
  const settings: Settings = {
    chains: new Map([[CHAIN, chainConfig(0)]]),
    email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'], subjectPrefix: '[chainwatch]', enabled: true },
    webhooks: [webhookSchema.parse({ id: 'soc', url: hooks.url, secret: SECRET })],
    api: { port: 0, host: '127.0.0.1' },
    redis: { url: TEST_REDIS_URL, prefix },
    reloadIntervalMs: 2000,
    alerts: { rules: [], email: { minSeverity: 'info', groupBy: ['incident'], groupWaitMs: 0, groupIntervalMs: 0 } },
  };
  alerter = await startAlerter({ settings, connection, logger, metrics: createMetrics(), backoffMs: 50 });
  sink = createMovementSink(connection, prefix);
  ledger = createRedisReorgLedger(connection, prefix);
  movements = new Queue(MOVEMENTS_QUEUE, { connection, prefix });
}, 120_000);

afterAll(async () => {
  await alerter?.close();
  await sink?.close();
  await movements?.close();
  await connection?.quit();
  provider?.destroy();
  await node?.stop();
  await hooks?.close();
  await smtp?.close();
  if (prefix) await deleteRedisPrefix(prefix);
});

describe('movement.reorged', () => {
  it('retracts each alerted movement of orphaned blocks once, after the new branch passes them; a re-mined transaction is alerted again under a new webhook-id; a replay adds nothing', async () => {
    const start = await nextBlock();
    const poller = makePoller(start);
    const rawA = await signTransfer(0, 5n);
    const fork = (await provider.send('evm_snapshot', [])) as string;

    // The old branch: A and B, each in its own block, both alerted once they have CONFIRMATIONS.
    const hashA = (await provider.send('eth_sendRawTransaction', [rawA])) as string;
    const txB = await deployer.sendTransaction({ to: watched, value: 7n });
    await txB.wait();
    await mine(CONFIRMATIONS);
    await pollUntilIdle(poller);
    const oldA = await receiptOf(hashA);
    const oldB = await receiptOf(txB.hash);
    const detectedA = await waitFor(() => hooksFor(hashA, 'movement.detected')[0], { ...WAIT, what: 'the detection of A' });
    const detectedB = await waitFor(() => hooksFor(txB.hash, 'movement.detected')[0], { ...WAIT, what: 'the detection of B' });
    await waitFor(() => emailsFor(hashA).length >= 1 && emailsFor(txB.hash).length >= 1, { ...WAIT, what: 'the detection emails' });
    const oldHead = poller.position!.head.number;

    // The reorg: back to the fork, A re-mined one block later, B never again.
    await provider.send('evm_revert', [fork]);
    await (await deployer.sendTransaction({ to: Wallet.createRandom().address, value: 1n })).wait();
    expect(await provider.send('eth_sendRawTransaction', [rawA])).toBe(hashA);
    const newA = await receiptOf(hashA);
    expect(newA.blockHash).not.toBe(oldA.blockHash);

    // The new branch has not passed the processed height yet: nothing is retracted, nothing queued.
    expect(await poller.pollOnce()).toMatchObject({ processed: 0, reorged: false });
    expect(await ledger.pending(CHAIN)).toEqual([]);
    expect((await movementJobIds()).filter((id) => id.includes('-reorged-'))).toEqual([]);

    await mine(oldHead + CONFIRMATIONS - (await nextBlock()) + 1);
    await pollUntilIdle(poller);
    expect(poller.position!.head.number).toBeGreaterThanOrEqual(oldHead);

    const reorgedA = await waitFor(() => hooksFor(hashA, 'movement.reorged')[0], { ...WAIT, what: 'the retraction of A' });
    const reorgedB = await waitFor(() => hooksFor(txB.hash, 'movement.reorged')[0], { ...WAIT, what: 'the retraction of B' });
    const redetectedA = await waitFor(() => hooksFor(hashA, 'movement.detected').find((h) => h.body.data['blockHash'] === newA.blockHash), { ...WAIT, what: 'the re-detection of A' });

    for (const [reorged, detected, orphaned] of [[reorgedA, detectedA, oldA], [reorgedB, detectedB, oldB]] as const) {
      expect(reorged.signatureValid).toBe(true);
      // The original data, untouched, plus data.reorg naming the orphaned block.
      const { reorg, ...data } = reorged.body.data;
      expect(data).toEqual(detected.body.data);
      expect(data['blockHash']).toBe(orphaned.blockHash);
      expect(reorg).toMatchObject({ orphanedBlockHash: orphaned.blockHash });
      expect(Number.isNaN(Date.parse(String((reorg as { detectedAt: string }).detectedAt)))).toBe(false);
      expect(reorged.headers['webhook-id']).toBe(String(detected.headers['webhook-id']).replace(/-soc$/, `-reorged-${hex(orphaned.blockHash)}-soc`));
    }
    // Re-mined: alerted again with its new block, under a webhook-id of its own.
    expect(redetectedA.body.data).toMatchObject({ id: detectedA.body.data['id'], blockNumber: Number(newA.blockNumber), blockHash: newA.blockHash });
    expect(redetectedA.headers['webhook-id']).toBe(String(detectedA.headers['webhook-id']).replace(/-soc$/, `-redetected-${hex(newA.blockHash)}-soc`));

    // The retraction emails reply to the email each original was in, and say so in the subject.
    const retractionEmail = (txHash: string) => emailsFor(txHash).find((m) => (m.subject ?? '').includes('RETRACTED'));
    await waitFor(() => retractionEmail(hashA) !== undefined && retractionEmail(txB.hash) !== undefined, { ...WAIT, what: 'the retraction emails' });
    await waitFor(() => emailsFor(hashA).length >= 3, { ...WAIT, what: 'the re-detection email of A' });
    for (const txHash of [hashA, txB.hash]) {
      const retraction = retractionEmail(txHash)!;
      const original = emailsFor(txHash).find((m) => m.messageId !== retraction.messageId && (m.text ?? '').includes(txHash) && !(m.subject ?? '').includes('RETRACTED'))!;
      expect(retraction.subject).toMatch(/^\[chainwatch\] RETRACTED: /);
      expect(retraction.inReplyTo).toBe(original.messageId);
      expect(retraction.references).toContain(original.messageId);
      expect(retraction.text).toContain('retracted');
    }

    // Exactly one of each, per channel.
    expect(hooksFor(hashA).map((h) => h.body.type).sort()).toEqual(['movement.detected', 'movement.detected', 'movement.reorged']);
    expect(hooksFor(txB.hash).map((h) => h.body.type).sort()).toEqual(['movement.detected', 'movement.reorged']);
    expect(new Set(hooksFor(hashA).map((h) => h.headers['webhook-id'])).size).toBe(3);

    // A restart, then a replay of the same blocks from the start: the queue gets nothing new.
    const queued = await movementJobIds();
    await pollUntilIdle(makePoller(start));
    await connection.del(`${prefix}:cursor:${CHAIN}`);
    await pollUntilIdle(makePoller(start));
    expect(await movementJobIds()).toEqual(queued);
    expect(await ledger.pending(CHAIN)).toEqual([]);
    expect(emailsFor(hashA).filter((m) => (m.subject ?? '').includes('RETRACTED'))).toHaveLength(1);
    expect(emailsFor(txB.hash).filter((m) => (m.subject ?? '').includes('RETRACTED'))).toHaveLength(1);
  }, 120_000);

  it('a reorg within `confirmations` (nothing alerted yet) retracts nothing and alerts the re-mined transaction once', async () => {
    const poller = makePoller(await nextBlock());
    await pollUntilIdle(poller);
    const rawD = await signTransfer(1, 9n);
    const fork = (await provider.send('evm_snapshot', [])) as string;
    const hashD = (await provider.send('eth_sendRawTransaction', [rawD])) as string;
    // D's block is the head: one confirmation short, so the follower stops just below it.
    await pollUntilIdle(poller);
    expect(poller.position!.head.number).toBe(Number((await receiptOf(hashD)).blockNumber) - 1);
    const before = await movementJobIds();

    await provider.send('evm_revert', [fork]);
    await (await deployer.sendTransaction({ to: Wallet.createRandom().address, value: 1n })).wait();
    await provider.send('eth_sendRawTransaction', [rawD]);
    await mine(CONFIRMATIONS);
    await pollUntilIdle(poller);

    const detected = await waitFor(() => hooksFor(hashD, 'movement.detected')[0], { ...WAIT, what: 'the detection of D' });
    expect(detected.body.data['blockHash']).toBe((await receiptOf(hashD)).blockHash);
    const added = (await movementJobIds()).filter((id) => !before.includes(id));
    // One plain detection: no retraction, no re-detection id.
    expect(added).toEqual([String(detected.headers['webhook-id']).replace(/-soc$/, '')]);
    expect(added[0]).not.toMatch(/-reorged-|-redetected-/);
    expect(await ledger.pending(CHAIN)).toEqual([]);
  }, 120_000);
});
