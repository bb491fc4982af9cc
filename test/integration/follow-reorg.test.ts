/**
 * Follow the money across a reorg (issue #11 with #10), on a real hardhat node and a real Redis:
 * a watched wallet pays X in block N and X becomes a derived entry; the block is reorged away
 * (evm_revert, other blocks mined past the processed head) and X, and what X derived, stop being
 * watched: a later payment by X alerts nothing, `follow show` says why it was dropped, `follow ls`
 * and the export leave it out. Replaying the retraction (twice, or after a crash before the overlay
 * write) changes nothing more. When the same payment is re-mined in the new branch instead, X is
 * restored with the new block as its evidence and its next payment is alerted with hop, via and path.
 * An entry also paid in a surviving block keeps standing on that leg.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonRpcProvider, Wallet, getAddress, parseEther, parseUnits, type HDNodeWallet, type JsonRpcSigner } from 'ethers';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisReorgLedger } from '../../src/adapters/redis/reorg-ledger.js';
import { createWatchlistOverlayStore } from '../../src/adapters/redis/watchlist-overlay-store.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createFollowStage, overlayEntryOf, type FollowStage } from '../../src/app/follow-stage.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { createWatchlistOverlaySync } from '../../src/app/watchlist-overlay-sync.js';
import { followSchema } from '../../src/config/follow-schema.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import type { Movement } from '../../src/core/movement.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { collectingSink } from '../helpers/collecting-sink.js';
import { evmWatchlistOf } from '../helpers/evm-watchlist.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';

const CHAIN = 'ethereum';
const INCIDENT = 'test-hack-2024';
const root = fileURLToPath(new URL('../..', import.meta.url));
let node: LocalEvmChain;
let provider: JsonRpcProvider;
let deployer: JsonRpcSigner;
let snapshot: string;
let prefix: string;
let configDir: string;
const connections: Redis[] = [];

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  deployer = await provider.getSigner(0);
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

beforeEach(async () => {
  prefix = uniqueRedisPrefix('follow-reorg');
  snapshot = (await provider.send('evm_snapshot', [])) as string;
  configDir = writeConfigDir('follow-reorg', { chains: { [CHAIN]: { kind: 'evm', rpcUrls: [node.rpcUrl] } }, redis: { prefix }, subscriptions: {}, follow: { enabled: true } }, {});
});

afterEach(async () => {
  await provider.send('evm_revert', [snapshot]);
  for (const r of connections.splice(0)) r.disconnect();
  rmSync(configDir, { recursive: true, force: true });
  await deleteRedisPrefix(prefix);
});

function chainConfig(startBlock: number): EvmChainConfig {
  return { id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, pollIntervalMs: 50, startBlock, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'off', maxBlocksPerBatch: 10, rpcTimeoutMs: 5000, enabled: true };
}

interface Stack {
  poller: EvmPoller;
  follow: FollowStage;
  sink: ReturnType<typeof collectingSink>;
  metrics: Metrics;
  currentWatchlist: () => WatchlistIndex;
  redis: Redis;
}

/** One poller process as run-chainwatch wires it: overlay sync, follow stage and reorg ledger on its own connection. */
function makeStack(base: WatchlistIndex, startBlock: number): Stack {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  connections.push(redis);
  const logger = createLogger({ level: 'silent' });
  const metrics = createMetrics();
  const overlaySync = createWatchlistOverlaySync({ redis, prefix, chains: [CHAIN], logger });
  const currentWatchlist = (): WatchlistIndex => overlaySync.combine(base);
  const chain = chainConfig(startBlock);
  const follow = createFollowStage({
    config: followSchema.parse({ maxHops: 2, minAmount: { ETH: '1' } }),
    chains: new Map([[CHAIN, chain]]),
    redis, prefix, labels: { size: 0, lookup: () => undefined }, overlay: overlaySync.overlay, currentWatchlist, logger, metrics,
  });
  const sink = collectingSink();
  const beforeStep = (): Promise<unknown> => Promise.all([overlaySync.refresh(), follow.refresh()]);
  const poller = createEvmPoller({ chain, currentWatchlist, beforeStep, cursorStore: createRedisCursorStore(redis, prefix), sink, reorgLedger: createRedisReorgLedger(redis, prefix), logger, metrics, rpc: { baseBackoffMs: 5, maxBackoffMs: 20 }, follow });
  return { poller, follow, sink, metrics, currentWatchlist, redis };
}

async function pollToHead(poller: EvmPoller): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const step = await poller.pollOnce();
    if (step.processed === 0 && !step.reorged && poller.position?.head.number === step.headNumber) return;
  }
  throw new Error('poller did not catch up');
}

function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), '--config', configDir, ...args], { cwd: root, timeout: 60_000, env: { ...process.env, REDIS_URL: TEST_REDIS_URL } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const head = async (): Promise<number> => Number(await provider.send('eth_blockNumber', []));
const mine = (n: number): Promise<unknown> => provider.send('hardhat_mine', [`0x${n.toString(16)}`]);
const receiptOf = async (hash: string) => (await provider.send('eth_getTransactionReceipt', [hash])) as { blockNumber: string; blockHash: string };
const fresh = (): HDNodeWallet => Wallet.createRandom().connect(provider);

/** Signed by us, so the very same transaction (same hash) can be mined again in the new branch. */
async function signPayment(from: HDNodeWallet, to: string, eth: string, nonce: number): Promise<string> {
  return from.signTransaction({ type: 2, chainId: 31337, nonce, to, value: parseEther(eth), gasLimit: 21_000n, maxFeePerGas: parseUnits('20', 'gwei'), maxPriorityFeePerGas: parseUnits('1', 'gwei') });
}

async function sendRaw(raw: string): Promise<string> {
  // Automine: the receipt is there once the call returns.
  const hash = (await provider.send('eth_sendRawTransaction', [raw])) as string;
  if ((await provider.send('eth_getTransactionReceipt', [hash])) === null) throw new Error(`transaction ${hash} was not mined`);
  return hash;
}

async function pay(from: HDNodeWallet | JsonRpcSigner, to: string, eth: string): Promise<string> {
  // The nonce straight from the node: ethers' cached count goes stale across evm_revert.
  const nonce = Number(await provider.send('eth_getTransactionCount', [from.address, 'pending']));
  const tx = await from.sendTransaction({ to, value: parseEther(eth), gasLimit: 21_000n, nonce });
  await tx.wait();
  return tx.hash;
}

const movementsOf = (ms: readonly Movement[], address: string): Movement[] => ms.filter((m) => m.watchedAddress === address.toLowerCase());
const derivedRefOf = (index: WatchlistIndex, address: string) => index.lookup(CHAIN, address.toLowerCase())?.find((w) => (w.hop ?? 0) > 0);

/**
 * The old branch: the listed wallet pays X 10 ETH (block N), X pays Z 4 ETH (block N+1, Z becomes hop 2).
 * Returns the raw payment (to re-mine it), the snapshot to fork from, and the blocks the reorg will orphan.
 */
async function oldBranch(listed: HDNodeWallet, x: HDNodeWallet, z: HDNodeWallet) {
  await pay(deployer, listed.address, '100');
  const start = (await head()) + 1;
  const raw = await signPayment(listed, x.address, '10', 0);
  const fork = (await provider.send('evm_snapshot', [])) as string;
  const payX = await sendRaw(raw);
  const payZ = await pay(x, z.address, '4');
  const stack = makeStack(evmWatchlistOf(CHAIN, listed.address), start);
  await pollToHead(stack.poller);
  const oldX = await receiptOf(payX);
  const oldZ = await receiptOf(payZ);
  // X is followed: its payment to Z is alerted at hop 1, and Z is derived at hop 2.
  expect(movementsOf(stack.sink.movements, x.address).filter((m) => m.direction === 'out').map((m) => m.txHash)).toEqual([payZ]);
  expect(await stack.follow.store.getEntry(CHAIN, x.address.toLowerCase())).toMatchObject({ status: 'active', hop: 1, provenance: { txHash: payX, blockHash: oldX.blockHash } });
  expect(await stack.follow.store.getEntry(CHAIN, z.address.toLowerCase())).toMatchObject({ status: 'active', hop: 2 });
  const orphaned = [oldX, oldZ].map((r) => ({ number: Number(r.blockNumber), hash: r.blockHash }));
  return { stack, start, raw, fork, payX, payZ, oldX, oldZ, orphaned, oldHead: await head() };
}

describe('follow the money across a reorg (hardhat)', () => {
  it('a payment reorged away: X and what X derived are retracted and no longer watched; a later payment by X alerts nothing; replays change nothing', async () => {
    const [listed, x, z, w] = [fresh(), fresh(), fresh(), fresh()];
    const { stack, fork, oldX, orphaned, oldHead } = await oldBranch(listed, x, z);

    // The reorg: back before the payment, other blocks mined past the processed head; X gets money from
    // elsewhere on the new branch and pays W: nothing of it may alert (X never received the stolen funds).
    await provider.send('evm_revert', [fork]);
    await mine(oldHead - (await head()) + 1);
    await pay(deployer, x.address, '5');
    const payW = await pay(x, w.address, '3');
    const before = stack.sink.movements.length;
    await pollToHead(stack.poller);

    const after = stack.sink.movements.slice(before);
    expect(after.filter((m) => m.event === 'movement.reorged').length).toBeGreaterThan(0); // the alerts of the orphaned blocks are retracted
    expect(movementsOf(after.filter((m) => m.event === undefined), x.address)).toEqual([]);
    expect(after.some((m) => m.txHash === payW)).toBe(false);
    expect(derivedRefOf(stack.currentWatchlist(), x.address)).toBeUndefined();
    expect(derivedRefOf(stack.currentWatchlist(), z.address)).toBeUndefined();
    expect(await stack.follow.store.getEntry(CHAIN, w.address.toLowerCase())).toBeUndefined();

    const entryX = (await stack.follow.store.getEntry(CHAIN, x.address.toLowerCase()))!;
    expect(entryX).toMatchObject({
      status: 'retracted',
      statusReason: `reorg: block ${Number(oldX.blockNumber)} (${oldX.blockHash}) carrying tx ${entryX.provenance.txHash} that paid it was orphaned`,
      retraction: { cause: 'orphaned', previousStatus: 'active', orphanedBlock: { number: Number(oldX.blockNumber), hash: oldX.blockHash } },
    });
    expect(await stack.follow.store.getEntry(CHAIN, z.address.toLowerCase())).toMatchObject({ status: 'retracted' });
    await expect(stack.metrics.registry.getSingleMetricAsString('chainwatch_follow_entries_retracted_total')).resolves.toMatch(/chainwatch_follow_entries_retracted_total\{chain="ethereum",cause="orphaned"\} 2/);
    const totals = await stack.follow.store.incidentTotals(INCIDENT);
    expect(totals).toMatchObject({ activeEntries: 0, stolen: {}, stillHeld: {} });
    expect((await stack.follow.store.incidentTrail(INCIDENT)).nodes.map((n) => n.address)).not.toContain(x.address);

    // Replayed twice (a rewind repeated after a crash): nothing changes.
    const stored = await stack.follow.store.allEntries(CHAIN);
    await stack.follow.retractOrphaned(CHAIN, orphaned);
    await stack.follow.retractOrphaned(CHAIN, orphaned);
    expect(await stack.follow.store.allEntries(CHAIN)).toEqual(stored);
    // Killed after the entries were written, before the overlay write: the overlay still has X. The repeat takes it out.
    await createWatchlistOverlayStore(stack.redis, prefix).write([{ op: 'add', entry: overlayEntryOf({ ...entryX, status: 'active' }) }]);
    const replica = makeStack(evmWatchlistOf(CHAIN, listed.address), 0);
    await replica.poller.pollOnce(); // a replica (no lease here, so it also polls) loads the overlay with X in it
    expect(derivedRefOf(replica.currentWatchlist(), x.address)).toBeDefined();
    await stack.follow.retractOrphaned(CHAIN, orphaned);
    await replica.poller.pollOnce();
    expect(derivedRefOf(replica.currentWatchlist(), x.address)).toBeUndefined();

    // What the operator sees.
    const show = await runCli(['follow', 'show', CHAIN, x.address]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`${x.address} on ${CHAIN}: incident ${INCIDENT}, hop 1, retracted (reorg: block ${Number(oldX.blockNumber)}`);
    expect(show.stdout).toContain(`retracted `);
    expect(show.stdout).toContain(`block ${Number(oldX.blockNumber)} (${oldX.blockHash}) carrying tx`);
    const active = await runCli(['follow', 'ls', '--status', 'active']);
    expect(active.stdout).not.toContain(x.address);
    const retracted = await runCli(['follow', 'ls', '--status', 'retracted', '--json']);
    expect((JSON.parse(retracted.stdout) as { entries: { address: string }[] }).entries.map((e) => e.address).sort()).toEqual([x.address, z.address].sort());
    const exported = await runCli(['follow', 'export', '--incident', INCIDENT]);
    expect(exported.code).toBe(1); // nothing left to export
    expect(exported.stderr).toContain('no derived entries');
  }, 120_000);

  it('the same payment re-mined in the new branch: X is restored with the new block as evidence and its next payment is alerted with hop, via and path', async () => {
    const [listed, x, z, w] = [fresh(), fresh(), fresh(), fresh()];
    const { stack, raw, fork, payX, oldX, oldHead } = await oldBranch(listed, x, z);

    await provider.send('evm_revert', [fork]);
    await mine(1); // the new branch differs at the payment's height
    expect(await sendRaw(raw)).toBe(payX);
    const newX = await receiptOf(payX);
    expect(newX.blockHash).not.toBe(oldX.blockHash);
    await mine(Math.max(0, oldHead - (await head()) + 1));
    const payW = await pay(x, w.address, '3');
    const before = stack.sink.movements.length;
    await pollToHead(stack.poller);

    const after = stack.sink.movements.slice(before).filter((m) => m.event === undefined);
    const byX = movementsOf(after, x.address).filter((m) => m.direction === 'out');
    expect(byX.map((m) => m.txHash)).toEqual([payW]);
    expect(byX[0]!.watchlist[0]).toMatchObject({ hop: 1, incident: INCIDENT, via: { address: getAddress(listed.address), txHash: payX }, path: [getAddress(listed.address), x.address] });
    expect(derivedRefOf(stack.currentWatchlist(), x.address)).toMatchObject({ hop: 1 });

    const entryX = (await stack.follow.store.getEntry(CHAIN, x.address.toLowerCase()))!;
    expect(entryX).toMatchObject({ status: 'active', provenance: { txHash: payX, blockHash: newX.blockHash, blockNumber: Number(newX.blockNumber) }, restoredAfter: { orphanedBlockHash: oldX.blockHash } });
    expect(entryX.evidence?.map((e) => e.blockHash)).toEqual([newX.blockHash]);
    expect(entryX.retraction).toBeUndefined();
    // X's payment to Z was never re-mined: Z stays retracted; W is derived from X in the new branch.
    expect(await stack.follow.store.getEntry(CHAIN, z.address.toLowerCase())).toMatchObject({ status: 'retracted' });
    expect(await stack.follow.store.getEntry(CHAIN, w.address.toLowerCase())).toMatchObject({ status: 'active', hop: 2, provenance: { txHash: payW } });
    await expect(stack.metrics.registry.getSingleMetricAsString('chainwatch_follow_entries_restored_total')).resolves.toMatch(/chainwatch_follow_entries_restored_total\{chain="ethereum"\} 1/);
    const totals = await stack.follow.store.incidentTotals(INCIDENT);
    expect(totals).toMatchObject({ activeEntries: 2, stolen: { ETH: parseEther('10').toString() } });

    const show = await runCli(['follow', 'show', CHAIN, x.address]);
    expect(show.stdout).toContain(`${x.address} on ${CHAIN}: incident ${INCIDENT}, hop 1, active`);
    expect(show.stdout).toContain(`restored `);
    expect(show.stdout).toContain(`after block ${oldX.blockHash} was orphaned`);
  }, 120_000);

  it('an entry with other evidence stays: a second payment to X reorged away only takes that leg off; X is still watched', async () => {
    const [listedA, listedB, x, w] = [fresh(), fresh(), fresh(), fresh()];
    await pay(deployer, listedA.address, '100');
    await pay(deployer, listedB.address, '100');
    const start = (await head()) + 1;
    const payA = await pay(listedA, x.address, '10');
    const fork = (await provider.send('evm_snapshot', [])) as string;
    const payB = await pay(listedB, x.address, '5'); // the same incident pays X again: more evidence
    const stack = makeStack(evmWatchlistOf(CHAIN, listedA.address, listedB.address), start);
    await pollToHead(stack.poller);
    expect((await stack.follow.store.getEntry(CHAIN, x.address.toLowerCase()))?.evidence?.map((e) => e.txHash)).toEqual([payA, payB]);
    const oldHead = await head();

    await provider.send('evm_revert', [fork]);
    await mine(oldHead - (await head()) + 1);
    const payW = await pay(x, w.address, '3');
    await pollToHead(stack.poller);

    const entryX = (await stack.follow.store.getEntry(CHAIN, x.address.toLowerCase()))!;
    expect(entryX).toMatchObject({ status: 'active', provenance: { txHash: payA } });
    expect(entryX.evidence?.map((e) => e.txHash)).toEqual([payA]);
    expect(derivedRefOf(stack.currentWatchlist(), x.address)).toMatchObject({ hop: 1, via: { txHash: payA } });
    expect(movementsOf(stack.sink.movements, x.address).filter((m) => m.direction === 'out' && m.event === undefined).map((m) => m.txHash)).toEqual([payW]);
  }, 120_000);
});
