/**
 * Issue #10 item 3: the fault-injection suite. A seeded scenario drives
 * hundreds of movements (EVM native and ERC-20 on a real hardhat node, Bitcoin
 * on our regtest chain over Esplora) plus unrelated traffic through real
 * `chainwatch start` processes (a poller, an alerter and an all-in-one) to a
 * real signature-checking webhook receiver and a real SMTP server, while it
 * kills processes with SIGKILL, reorgs the chain, kills and cuts off Redis,
 * breaks the receivers, the RPC endpoint, the watchlist and the config file.
 * Then it checks the ledger: every movement delivered exactly once per
 * channel, nothing for unrelated traffic, every retraction sent, and repeats
 * (the same webhook-id / Message-ID again) only for what was in flight at a
 * kill. The last line printed is the summary.
 *
 *   npm run test:faults                                   fast profile (CI)
 *   CHAINWATCH_FAULTS_PROFILE=long npm run test:faults    long profile
 *   CHAINWATCH_FAULTS_SEED=123 npm run test:faults        replay a run
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Interface, JsonRpcProvider, Wallet, parseEther, parseUnits } from 'ethers';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRegtestChain, startRegtestServer, type RegtestChain, type RegtestServer, type RegtestWallet } from '../../src/devchain/regtest/index.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { startLocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { EMAIL_QUEUE, MOVEMENTS_QUEUE, webhookQueueName } from '../../src/adapters/redis/queue-names.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { startRpcFaultProxy, type RpcFaultKind, type RpcFaultProxy } from '../helpers/rpc-fault-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { createFleetMember, type FleetMember, type FleetRole } from './chainwatch-fleet.js';
import { startFaultySmtpReceiver, startFaultyWebhookReceiver, type AcceptedEmail, type AcceptedWebhook, type FaultyReceiver, type ReceiverMode } from './fault-receivers.js';
import { buildLedger, formatSummary, type Disruption, type Ledger, type LedgerEmail, type LedgerWebhook, type ScriptedTx } from './ledger.js';
import { startPrivateRedis } from './private-redis.js';
import { createRandom, selectProfile, selectSeed, type Random } from './profile.js';

/**
 * movement.reorged (issue #10 item 1): every alerted movement of an orphaned block
 * is retracted once, and a re-mined transaction is re-detected in its new block.
 * The ledger's switch is kept so it can replay runs of older builds.
 */
const RETRACTIONS_IMPLEMENTED = true;

const EVM_CHAIN = 'devnet';
const BTC_CHAIN = 'btcreg';
const CONFIRMATIONS = 3;
const WEBHOOK_ID = 'soc';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const PREFIX = 'cwfaults';
/** Alerter worker concurrency (alerter.ts): what one killed process can have in flight per channel. */
const WEBHOOK_IN_FLIGHT_PER_PROCESS = 4;
const EMAIL_IN_FLIGHT_PER_PROCESS = 1;
const RPC_FAULT_KINDS: readonly RpcFaultKind[] = ['timeout', 'reset', 'http429', 'http502', 'http503', 'jsonrpc-error', 'malformed', 'truncated', 'head-backwards', 'logs-mismatch'];

const profile = selectProfile(process.env);
const seed = selectSeed(process.env);
const random = createRandom(seed);
const started = Date.now();
const log = (line: string): void => console.log(`[faults +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 60_000);

it(`fault injection (${profile.name} profile)`, async () => {
  console.log(`CHAINWATCH_FAULTS_SEED=${seed} (profile ${profile.name}; replay with CHAINWATCH_FAULTS_SEED=${seed})`);
  const faults = new Map<string, number>();
  const count = (kind: string): void => void faults.set(kind, (faults.get(kind) ?? 0) + 1);
  const disruptions: Disruption[] = [];
  const problems: string[] = [];

  // --- peers --------------------------------------------------------------
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.close());
  const evm = await startLocalEvmChain();
  cleanups.push(() => evm.stop());
  const provider = new JsonRpcProvider(evm.rpcUrl, undefined, { staticNetwork: true });
  cleanups.push(async () => provider.destroy());
  const proxies: RpcFaultProxy[] = [];
  for (const i of [0, 1]) {
    // Faults start with the scenario (setFailureRate below), not during setup.
    const p = await startRpcFaultProxy({ target: evm.rpcUrl, seed: seed + i, failureRate: 0, kinds: RPC_FAULT_KINDS });
    proxies.push(p);
    cleanups.push(() => p.close());
  }
  const btc = createRegtestChain({ initialBlocks: 120 });
  const btcServer = await startRegtestServer(btc);
  cleanups.push(() => btcServer.close());
  // Receivers take a while to answer (seeded), so kills land while deliveries are in flight.
  // Their own generator: how many requests arrive depends on timing, and must not shift the scenario's draws.
  const latency = createRandom(seed ^ 0x5eed);
  const hooks = await startFaultyWebhookReceiver(SECRET, () => latency.int(0, 250));
  cleanups.push(() => hooks.close());
  const smtp = await startFaultySmtpReceiver(() => latency.int(0, 250));
  cleanups.push(() => smtp.close());

  // --- EVM accounts and the token (set up before chainwatch's start block) ---
  const evmScript = await prepareEvm(provider, random);
  const btcScript = prepareBtc(btc, btcServer);

  const watchlist = [
    ...evmScript.watched.map((w, i) => ({ chain: EVM_CHAIN, address: w.address, label: `Fault suite EVM wallet ${i}`, incident: 'faults-evm', source: 'https://example.org/faults' })),
    ...btcScript.watched.map((w, i) => ({ chain: BTC_CHAIN, address: w.address, label: `Fault suite BTC wallet ${i}`, incident: 'faults-btc', source: 'https://example.org/faults' })),
  ];
  const configDir = writeConfigDir(
    'faults',
    {
      chains: {
        [EVM_CHAIN]: { kind: 'evm', rpcUrls: proxies.map((p) => p.url), confirmations: CONFIRMATIONS, pollIntervalMs: 200, startBlock: (await headOf(provider)) + 1 },
        [BTC_CHAIN]: { kind: 'bitcoin', network: 'regtest', esploraUrl: btcServer.esploraUrl, confirmations: 1, pollIntervalMs: 200, startBlock: btc.height() + 1, seedOnStart: false },
      },
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      webhooks: [{ id: WEBHOOK_ID, url: hooks.url, secret: SECRET, timeoutMs: 2000 }],
      redis: { url: redis.url, prefix: PREFIX },
      reloadIntervalMs: 300,
      alerts: { email: { minSeverity: 'info', groupBy: ['incident', 'direction', 'kind'], groupWaitMs: 0, groupIntervalMs: 0 } },
    },
    { 'hack.yaml': watchlist },
  );
  cleanups.push(async () => rmSync(configDir, { recursive: true, force: true }));
  const watchlistFile = join(configDir, 'watchlists', 'hack.yaml');
  const configFile = join(configDir, 'chainwatch.yaml');

  // --- the fleet ------------------------------------------------------------
  const env = { REDIS_URL: redis.url };
  const fleet = new Map<FleetRole, FleetMember>((['poller', 'alerter', 'all'] as const).map((r) => [r, createFleetMember(r, configDir, env)]));
  cleanups.push(() => Promise.all([...fleet.values()].map((m) => m.kill9())));
  for (const m of fleet.values()) m.start();
  await waitFor(() => [...fleet.values()].every((m) => m.output().includes('HTTP listening')), { what: 'every chainwatch process to start', timeoutMs: 120_000 });
  log(`fleet up: ${[...fleet.keys()].join(', ')}; redis ${redis.directUrl} (AOF), hardhat ${evm.rpcUrl} via 2 proxies`);

  // Config breakage blocks restarts (a process cannot start without its config), and waits for
  // every process to have read its config (a process starting meanwhile would fail, as it should).
  let configBroken: Promise<void> | undefined;
  const everyProcessUp = (): boolean => [...fleet.values()].every((m) => m.isRunning() && m.currentOutput().includes('chainwatch started'));
  const breakConfig = async (): Promise<() => void> => {
    await waitFor(() => everyProcessUp() && killing.size === 0, { what: 'every process up before breaking its config', timeoutMs: 120_000 });
    let release: () => void = () => undefined;
    configBroken = new Promise((r) => (release = r));
    return () => {
      configBroken = undefined;
      release();
    };
  };
  const restart = async (m: FleetMember): Promise<void> => {
    while (configBroken !== undefined) await configBroken;
    m.start();
  };
  // A process that dies by itself is a defect: note it and bring it back.
  const watchExits = setInterval(() => {
    for (const m of fleet.values()) {
      if (!m.isRunning() && !killing.has(m.role) && !stopping) {
        problems.push(`${m.role} exited on its own:\n${m.output().split('\n').slice(-15).join('\n')}`);
        void restart(m);
      }
    }
  }, 500);
  const killing = new Set<FleetRole>();
  let stopping = false;
  cleanups.push(async () => clearInterval(watchExits));

  // --- the scenario: movements and faults on one seeded timeline -----------------
  const txs: MutableTx[] = [];
  // Faults are placed by scenario progress (share of scripted transactions sent), not wall time: a loaded
  // machine slows the scenario, and the faults must still land among the movements.
  const planLength = profile.evmMovements + profile.btcMovements + profile.unrelated;
  let sent = 0;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  /** Resolves once a share `fraction` of the scripted transactions has been sent. */
  const untilProgress = async (fraction: number): Promise<void> => {
    await waitFor(() => sent >= fraction * planLength, { what: `the scenario to reach ${Math.round(fraction * 100)} %`, timeoutMs: 30 * 60_000 });
  };
  let scenarioDone = false;

  const kills = async (): Promise<void> => {
    const times = Array.from({ length: profile.kills }, () => 0.03 + 0.9 * random.next()).sort((a, b) => a - b);
    const targets = times.map(() => random.pick<FleetRole>(['poller', 'alerter', 'all']));
    const pauses = times.map(() => random.int(0, 1500));
    for (let i = 0; i < times.length; i++) {
      await untilProgress(times[i]!);
      const m = fleet.get(targets[i]!)!;
      killing.add(m.role);
      await m.kill9();
      count(`kill -9 ${m.role}`);
      if (m.role !== 'poller') disruptions.push({ at: Date.now(), what: `kill -9 ${m.role}`, webhookSlots: WEBHOOK_IN_FLIGHT_PER_PROCESS, emailSlots: EMAIL_IN_FLIGHT_PER_PROCESS });
      log(`kill -9 ${m.role} (#${i + 1}), restart in ${pauses[i]} ms`);
      await sleep(pauses[i]!);
      await restart(m);
      killing.delete(m.role);
    }
  };

  const stretch = async (name: string, startAt: number, ms: number, begin: () => void | Promise<void>, end: () => void | Promise<void>, disruption?: Omit<Disruption, 'at' | 'until' | 'what'>): Promise<void> => {
    await untilProgress(startAt);
    const from = Date.now();
    await begin();
    count(name);
    log(`${name}: begins (${ms} ms)`);
    await sleep(ms);
    await end();
    if (disruption !== undefined) disruptions.push({ at: from, until: Date.now(), what: name, ...disruption });
    log(`${name}: ends`);
  };
  const bothAlerters = { webhookSlots: 2 * WEBHOOK_IN_FLIGHT_PER_PROCESS, emailSlots: 2 * EMAIL_IN_FLIGHT_PER_PROCESS };
  // Cutting a receiver's connections can lose a 2xx already written: the sender retries what the receiver has.
  // A stretch lasts receiverFaultMs and at least until the receiver has turned a few attempts away, so the
  // fault bites even when the pipeline happened to be quiet (pollers restarting) when it began.
  const receiverStretches = (name: string, receiver: FaultyReceiver<unknown>, offset: number, cut: Omit<Disruption, 'at' | 'until' | 'what'>): Promise<void>[] =>
    (['refuse', 'hang', 'fail'] as const).map(async (mode: ReceiverMode, i) => {
      await untilProgress(offset + 0.25 * i);
      const from = Date.now();
      const turnedAway = receiver.refused();
      receiver.setMode(mode);
      count(`${name} ${mode}`);
      log(`${name} ${mode}: begins`);
      await sleep(profile.receiverFaultMs);
      await waitFor(() => receiver.refused() - turnedAway >= 3 || scenarioDone, { what: `${name} ${mode} to turn attempts away`, timeoutMs: 4 * profile.receiverFaultMs }).catch(() => undefined);
      receiver.setMode('ok');
      if (mode === 'refuse') disruptions.push({ at: from, until: Date.now(), what: `${name} ${mode}`, ...cut });
      log(`${name} ${mode}: ends after ${Date.now() - from} ms, ${receiver.refused() - turnedAway} attempts turned away`);
    });

  const otherFaults = async (): Promise<void> => {
    await Promise.all([
      ...receiverStretches('webhook receiver', hooks as FaultyReceiver<unknown>, 0.1, { webhookSlots: bothAlerters.webhookSlots, emailSlots: 0 }),
      ...receiverStretches('smtp receiver', smtp as FaultyReceiver<unknown>, 0.2, { webhookSlots: 0, emailSlots: bothAlerters.emailSlots }),
      stretch(
        'rpc url 1 down',
        0.15,
        profile.rpcDownMs,
        () => proxies[0]!.setDown(true),
        () => proxies[0]!.setDown(false),
      ),
      (async () => {
        await untilProgress(0.3);
        count('redis kill -9 + restart from AOF');
        const from = Date.now();
        await redis.killAndRestart();
        disruptions.push({ at: from, until: Date.now(), what: 'redis kill -9', ...bothAlerters });
        log('redis: kill -9, restarted from its AOF');
      })(),
      stretch('redis unreachable', 0.55, profile.redisUnreachableMs, () => redis.reachable(false), () => redis.reachable(true), bothAlerters),
      (async () => {
        await untilProgress(0.4);
        const release = await breakConfig();
        const good = readFileSync(watchlistFile, 'utf8');
        const marks = new Map([...fleet.values()].map((m) => [m.role, m.output().length]));
        writeFileSync(watchlistFile, `${good}\n  - chain: ${EVM_CHAIN}\n    address: [not, an, address\n\u0000garbage: {{{\n`);
        count('watchlist replaced by garbage');
        log('watchlist replaced by garbage');
        // Every process rejects it (with file and line) and keeps watching the last good list. One killed
        // meanwhile waits for the config to be whole again before it restarts (see breakConfig): not judged.
        const judged = (): FleetMember[] => [...fleet.values()].filter((m) => m.isRunning());
        const rejected = (m: FleetMember): boolean => m.output().slice(marks.get(m.role)).includes('still watching the last good list');
        await waitFor(() => judged().length > 0 && judged().every(rejected), {
          what: 'every process to reject the garbage watchlist',
          timeoutMs: 30_000,
        }).catch((err: Error) => problems.push(err.message));
        writeFileSync(watchlistFile, good);
        release();
        log('watchlist restored');
      })(),
      (async () => {
        await untilProgress(0.7);
        const release = await breakConfig();
        renameSync(configFile, `${configFile}.away`);
        count('config file removed');
        log('config file removed');
        await sleep(3000);
        renameSync(`${configFile}.away`, configFile);
        release();
        log('config file restored');
      })(),
    ]);
  };

  const movements = async (): Promise<void> => {
    const plan = random.shuffle([
      ...Array.from({ length: profile.evmMovements }, () => random.pick(['evm-native-in', 'evm-native-out', 'evm-erc20-in', 'evm-erc20-out'] as const)),
      ...Array.from({ length: profile.btcMovements }, () => 'btc-in' as const),
      ...Array.from({ length: profile.unrelated }, () => random.pick(['evm-unrelated-native', 'evm-unrelated-erc20', 'btc-unrelated'] as const)),
    ]);
    // Reorgs start at seeded places, each in the first half of its own slice of the run so they never overlap;
    // depth 1..20, the first one deeper than `confirmations` (alerts already sent), the second within it.
    const reorgStarts = new Map<number, number>();
    for (let r = 0; r < profile.reorgs; r++) {
      const depth = r === 0 ? random.int(CONFIRMATIONS + 1, 20) : r === 1 ? random.int(1, CONFIRMATIONS) : random.int(1, 20);
      reorgStarts.set(Math.floor(plan.length * (0.1 + (0.8 * (r + 0.5 * random.next())) / profile.reorgs)), depth);
    }
    let segment: { snapshot: string; depth: number; txs: MutableTx[]; head: number } | undefined;
    for (let i = 0; i < plan.length; i++) {
      const depth = reorgStarts.get(i);
      if (depth !== undefined && segment === undefined) {
        segment = { snapshot: (await provider.send('evm_snapshot', [])) as string, depth, txs: [], head: await headOf(provider) };
        evmScript.saveNonces();
      }
      const action = plan[i]!;
      if (action.startsWith('btc')) {
        txs.push(btcScript.send(action === 'btc-in'));
      } else {
        const tx = await evmScript.send(action as EvmAction);
        txs.push(tx);
        if (segment !== undefined) {
          segment.txs.push(tx);
          if (segment.txs.length === segment.depth) {
            // Let the poller see (and perhaps alert) some of the branch, then replace it. A reorg deeper than
            // `confirmations` waits until something of the branch was alerted, so there is a retraction to check.
            const pause = random.int(200, 3000);
            if (segment.depth > CONFIRMATIONS) await waitForAlertOf(segment.txs, 60_000);
            else await sleep(pause);
            await reorg(segment);
            segment = undefined;
          }
        }
      }
      sent++;
      await sleep(profile.paceMs);
    }
    if (segment !== undefined) await reorg(segment);
    // Bury the last transactions under `confirmations` blocks: hardhat mines only when sent something.
    for (let i = 0; i < CONFIRMATIONS; i++) await provider.send('evm_mine', []);
  };

  const waitForAlertOf = async (segmentTxs: readonly MutableTx[], timeoutMs: number): Promise<void> => {
    const hashes = new Set(segmentTxs.map((t) => t.txHash.toLowerCase()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !webhooksOf(hooks.accepted).some((w) => hashes.has((w.txHash ?? "").toLowerCase()))) await sleep(200);
  };

  const reorg = async (segment: { snapshot: string; depth: number; txs: MutableTx[]; head: number }): Promise<void> => {
    for (const tx of segment.txs) {
      const receipt = (await provider.send('eth_getTransactionReceipt', [tx.txHash])) as { blockHash: string } | null;
      if (receipt !== null) tx.orphanedBlockHashes.push(receipt.blockHash.toLowerCase());
    }
    const kept = random.int(0, segment.txs.length);
    await provider.send('evm_revert', [segment.snapshot]);
    evmScript.restoreNonces();
    // The new branch differs from its first block on: a marker transaction nobody watches.
    txs.push(await evmScript.branchMarker());
    for (const tx of segment.txs.slice(0, kept)) {
      await provider.send('eth_sendRawTransaction', [tx.raw]);
      evmScript.replayed(tx);
    }
    for (const tx of segment.txs.slice(kept)) tx.dropped = true;
    const target = segment.head + segment.depth + 1;
    while ((await headOf(provider)) < target) await provider.send('evm_mine', []);
    count(`reorg depth ${segment.depth > CONFIRMATIONS ? `> confirmations` : '<= confirmations'}`);
    log(`reorg: depth ${segment.depth} from block ${segment.head + 1}, ${kept} of ${segment.txs.length} transactions re-mined, ${segment.txs.length - kept} dropped`);
  };

  for (const p of proxies) p.setFailureRate(profile.rpcFailureRate);
  await Promise.all([movements().then(() => (scenarioDone = true)), kills(), otherFaults()]);
  // The drain measures delivery, not the RPC faults' slowdown.
  for (const p of proxies) {
    p.setDown(false);
    p.setFailureRate(0);
  }
  log(`scenario done: ${txs.length} transactions (${txs.filter((t) => t.watched).length} watched)`);
  expect(scenarioDone).toBe(true);

  // --- drain: every process up, every expected movement in both channels, no job left ---
  for (const m of fleet.values()) if (!m.isRunning()) await restart(m);
  const scripted = await settleTxs(txs, provider);
  const direct = new Redis(redis.directUrl, { maxRetriesPerRequest: 1 });
  cleanups.push(async () => direct.disconnect());
  const queues = [MOVEMENTS_QUEUE, EMAIL_QUEUE, webhookQueueName(WEBHOOK_ID)].map((name) => new Queue(name, { connection: direct, prefix: PREFIX }));
  cleanups.push(() => Promise.all(queues.map((q) => q.close())));
  const pending = async (): Promise<number> => {
    let n = 0;
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused');
      n += Object.values(c).reduce((a, b) => a + b, 0);
    }
    return n;
  };
  const ledgerNow = (): Ledger => buildLedger({ txs: scripted, webhooks: webhooksOf(hooks.accepted), emails: emailsOf(smtp.accepted, scripted), disruptions, retractionsImplemented: RETRACTIONS_IMPLEMENTED });
  try {
    await waitFor(
      async () => {
        const l = ledgerNow();
        return l.webhook.lost.length === 0 && l.email.lost.length === 0 && l.webhook.missingRetractions.length === 0 && l.email.missingRetractions.length === 0 && (await pending()) === 0;
      },
      { what: 'every movement to be delivered on both channels and every queue to drain', timeoutMs: profile.drainTimeoutMs },
    );
  } catch (err) {
    problems.push(`drain: ${(err as Error).message} (jobs pending: ${await pending().catch(() => -1)})`);
  }
  stopping = true;
  clearInterval(watchExits);
  const exitCodes = await Promise.all([...fleet.values()].map(async (m) => [m.role, await m.stop()] as const));
  for (const [role, code] of exitCodes) if (code !== 0) problems.push(`${role} exited with ${String(code)} on SIGTERM`);
  for (const q of queues) {
    const failed = await q.getJobCounts('failed');
    if ((failed['failed'] ?? 0) > 0) problems.push(`${q.name}: ${failed['failed']} job(s) in the failed set: ${(await q.getFailed(0, 3)).map((j) => j.failedReason).join('; ')}`);
  }

  // The garbage watchlist was rejected with its file and line, and the last good list kept.
  const outputs = [...fleet.values()].map((m) => m.output()).join('\n');
  if (!/"file":"[^"]*hack\.yaml","line":\d+/.test(outputs) || !outputs.includes('still watching the last good list')) problems.push('no process logged the garbage watchlist with its file and line');

  // --- the ledger ---------------------------------------------------------------
  const ledger = ledgerNow();
  for (const p of proxies) for (const [kind, n] of Object.entries(p.injected())) if (n > 0) faults.set(`rpc ${kind}`, (faults.get(`rpc ${kind}`) ?? 0) + n);
  const rpcInjected = proxies.reduce((a, p) => a + p.total(), 0);
  const totalFaults = [...faults.values()].reduce((a, b) => a + b, 0);
  console.log(`faults injected (seed ${seed}):`);
  for (const [kind, n] of [...faults].sort()) console.log(`  ${kind}: ${n}`);
  if (rpcInjected === 0) problems.push('the RPC fault proxy injected no fault');
  // A reorg deeper than confirmations waits for an alert of its branch: a run without a single retraction checked nothing.
  if (RETRACTIONS_IMPLEMENTED && ledger.webhook.retractionsExpected === 0) problems.push('no alerted movement was orphaned by a reorg: retractions were not exercised');
  for (const [name, c] of [['webhook', ledger.webhook], ['email', ledger.email]] as const) {
    console.log(
      `${name}: ${c.movements} movements, ${c.deliveredOnce} delivered once, ${c.lost.length} lost, ${c.duplicated.length} duplicated, ` +
        `${c.repeatsWithinBound} repeats of in-flight deliveries (within bound), ${c.repeatsBeyondBound.length} repeats beyond bound, ` +
        `${c.unexpected.length} unexpected, retractions ${c.retractionsSent}/${c.retractionsExpected}${name === 'webhook' ? `, ${c.badSignatures} bad signatures` : ''}`,
    );
    for (const [what, list] of [['lost', c.lost], ['duplicated', c.duplicated], ['repeated beyond bound', c.repeatsBeyondBound], ['unexpected', c.unexpected], ['retraction missing', c.missingRetractions]] as const) {
      for (const item of list.slice(0, 10)) console.log(`  ${name} ${what}: ${item}`);
    }
  }
  for (const p of problems) console.log(`problem: ${p}`);
  if (!ledger.ok || problems.length > 0) {
    // Everything needed to understand a failure without re-running it.
    const dump = join(tmpdir(), `chainwatch-faults-${seed}`);
    mkdirSync(dump, { recursive: true });
    writeFileSync(join(dump, 'ledger.json'), JSON.stringify({ seed, profile, scripted: txs.map(({ raw: _raw, ...t }) => t), webhooks: hooks.accepted, emails: smtp.accepted.map(({ text: _t, ...e }) => e), disruptions, ledger }, null, 1));
    for (const m of fleet.values()) writeFileSync(join(dump, `${m.role}.log`), m.output());
    console.log(`details: ${dump}/ (ledger.json, one log per process)`);
  }
  console.log(`disruptions: ${disruptions.length} (kills of alerter-running processes, redis kill, redis unreachable, receiver connections cut)`);
  // Attempts a receiver turned away (refused, left hanging, 503/451) are retried under the same id: retries, not repeats.
  console.log(`receivers: webhook accepted ${hooks.accepted.length}, turned away ${hooks.refused()}; smtp accepted ${smtp.accepted.length}, turned away ${smtp.refused()}`);
  const summary = formatSummary(ledger, totalFaults);
  const summaryFile = process.env['CHAINWATCH_FAULTS_SUMMARY_FILE'];
  if (summaryFile !== undefined) writeFileSync(summaryFile, `${summary}\n`);
  console.log(summary);

  // Every fault kind this suite injects itself happened at least once.
  const kinds = [...faults.keys()];
  for (const needed of ['kill -9 poller', 'kill -9 alerter', 'kill -9 all', 'reorg depth > confirmations', 'reorg depth <= confirmations', 'redis kill -9 + restart from AOF', 'redis unreachable', 'webhook receiver refuse', 'webhook receiver hang', 'webhook receiver fail', 'smtp receiver refuse', 'smtp receiver hang', 'smtp receiver fail', 'rpc url 1 down', 'watchlist replaced by garbage', 'config file removed']) {
    expect(kinds, `fault kind ${needed} injected`).toContain(needed);
  }
  expect([...faults].filter(([k]) => k.startsWith('kill -9')).reduce((a, [, n]) => a + n, 0)).toBeGreaterThanOrEqual(Math.min(20, profile.kills));
  expect(problems).toEqual([]);
  expect(ledger.movements).toBeGreaterThanOrEqual(200);
  expect({ lost: ledger.lost, duplicated: ledger.duplicated, ok: ledger.ok }).toEqual({ lost: 0, duplicated: 0, ok: true });
}, 30 * 60_000);

// --- EVM scripting ----------------------------------------------------------------

type EvmAction = 'evm-native-in' | 'evm-native-out' | 'evm-erc20-in' | 'evm-erc20-out' | 'evm-unrelated-native' | 'evm-unrelated-erc20';

interface MutableTx {
  readonly chain: string;
  /** What the scenario meant it to be (evm-native-in, btc-in...), for the failure report. */
  readonly action: string;
  readonly txHash: string;
  readonly watched: boolean;
  /** Signed raw transaction (EVM), re-sent after a reorg. */
  readonly raw?: string;
  readonly sender?: string;
  /** Bitcoin: the block that mined it (no Bitcoin reorgs in this scenario). */
  readonly blockHash?: string;
  readonly orphanedBlockHashes: string[];
  dropped: boolean;
  /** Filled at the end, for the failure report. */
  finalBlockNumber?: number | undefined;
}

interface EvmScript {
  readonly watched: readonly Wallet[];
  send(action: EvmAction): Promise<MutableTx>;
  saveNonces(): void;
  restoreNonces(): void;
  /** An unrelated transaction that makes a new branch differ from the orphaned one. */
  branchMarker(): Promise<MutableTx>;
  /** A kept transaction re-sent after a reorg uses its nonce again. */
  replayed(tx: MutableTx): void;
}

async function prepareEvm(provider: JsonRpcProvider, random: Random): Promise<EvmScript> {
  const fresh = (): Wallet => new Wallet(Wallet.createRandom().privateKey, provider);
  const watched = Array.from({ length: 6 }, fresh);
  const funders = Array.from({ length: 4 }, fresh);
  const marker = fresh();
  for (const w of [...watched, ...funders, marker]) await provider.send('hardhat_setBalance', [w.address, '0x3635c9adc5dea00000000']);
  const deployer = await provider.getSigner(0);
  const token = await deployContract(deployer, 'TestToken', ['Fault USD', 'fUSD', 6]);
  const tokenAddress = (await token.getAddress()).toLowerCase();
  const erc20 = new Interface(['function mint(address to, uint256 value)', 'function transfer(address to, uint256 value) returns (bool)']);
  // Watched wallets hold tokens before the start block, so their transfers out never fail.
  for (const w of watched) await (await deployer.sendTransaction({ to: tokenAddress, data: erc20.encodeFunctionData('mint', [w.address, parseUnits('1000000', 6)]) })).wait();
  const { chainId } = await provider.getNetwork();
  const nonces = new Map<string, number>();
  let saved = new Map<string, number>();
  for (const w of [...watched, ...funders, marker]) nonces.set(w.address, 0);
  const outsider = (): string => Wallet.createRandom().address;

  const sign = async (action: string, from: Wallet, to: string, value: bigint, data: string, watchedTx: boolean): Promise<MutableTx> => {
    const nonce = nonces.get(from.address)!;
    const raw = await from.signTransaction({ chainId, type: 2, nonce, to, value, data, gasLimit: data === '0x' ? 21_000n : 120_000n, maxFeePerGas: parseUnits('100', 'gwei'), maxPriorityFeePerGas: parseUnits('1', 'gwei') });
    nonces.set(from.address, nonce + 1);
    const txHash = ((await provider.send('eth_sendRawTransaction', [raw])) as string).toLowerCase();
    return { chain: EVM_CHAIN, action, txHash, watched: watchedTx, raw, sender: from.address, orphanedBlockHashes: [], dropped: false };
  };
  const amount = (): bigint => parseUnits(String(random.int(1, 5000)), 6);
  return {
    watched,
    send(action) {
      switch (action) {
        case 'evm-native-in':
          return sign(action, random.pick(funders), random.pick(watched).address, parseEther(String(random.int(1, 50))), '0x', true);
        case 'evm-native-out':
          return sign(action, random.pick(watched), outsider(), parseEther(String(random.int(1, 50))), '0x', true);
        case 'evm-erc20-in':
          return sign(action, random.pick(funders), tokenAddress, 0n, erc20.encodeFunctionData('mint', [random.pick(watched).address, amount()]), true);
        case 'evm-erc20-out':
          return sign(action, random.pick(watched), tokenAddress, 0n, erc20.encodeFunctionData('transfer', [outsider(), amount()]), true);
        case 'evm-unrelated-native':
          return sign(action, random.pick(funders), outsider(), parseEther('1'), '0x', false);
        case 'evm-unrelated-erc20':
          return sign(action, random.pick(funders), tokenAddress, 0n, erc20.encodeFunctionData('mint', [outsider(), amount()]), false);
      }
    },
    saveNonces() {
      saved = new Map(nonces);
    },
    restoreNonces() {
      nonces.clear();
      for (const [k, v] of saved) nonces.set(k, v);
    },
    branchMarker() {
      // Only ever sent right after a revert, never inside a branch that gets orphaned.
      return sign('branch-marker', marker, outsider(), parseEther('1'), '0x', false);
    },
    replayed(tx) {
      if (tx.sender !== undefined) nonces.set(tx.sender, (nonces.get(tx.sender) ?? 0) + 1);
    },
  };
}

// --- Bitcoin scripting ------------------------------------------------------------

function prepareBtc(chain: RegtestChain, _server: RegtestServer): { watched: readonly RegtestWallet[]; send(watched: boolean): MutableTx } {
  const watched = (['p2wpkh', 'p2tr', 'p2pkh', 'p2wpkh'] as const).map((t, i) => chain.newWallet(t, `faults-watched-${i}`));
  let n = 0;
  return {
    watched,
    send(isWatched) {
      const to = isWatched ? watched[n++ % watched.length]! : chain.newWallet('p2wpkh', `faults-outsider-${n++}`);
      const txid = chain.send(chain.faucet, [{ to, amount: BigInt(10_000 + n * 7) }]);
      // One block per payment: the faucet's next payment then spends confirmed coins only.
      const [blockHash] = chain.mine();
      return { chain: BTC_CHAIN, action: isWatched ? 'btc-in' : 'btc-unrelated', txHash: txid.toLowerCase(), watched: isWatched, ...(blockHash !== undefined ? { blockHash } : {}), orphanedBlockHashes: [], dropped: false };
    },
  };
}

/** The node's head now (ethers' getBlockNumber() may answer from a cache). */
async function headOf(provider: JsonRpcProvider): Promise<number> {
  return Number((await provider.send('eth_blockNumber', [])) as string);
}

/** Where every transaction ended up: its block in the final chain, or dropped. */
async function settleTxs(txs: readonly MutableTx[], provider: JsonRpcProvider): Promise<ScriptedTx[]> {
  const out: ScriptedTx[] = [];
  for (const t of txs) {
    let finalBlockHash: string | undefined;
    let finalBlockNumber: number | undefined;
    if (t.chain === EVM_CHAIN) {
      const receipt = (await provider.send('eth_getTransactionReceipt', [t.txHash])) as { blockHash: string; blockNumber: string } | null;
      finalBlockHash = receipt?.blockHash.toLowerCase();
      finalBlockNumber = receipt === null ? undefined : Number(receipt.blockNumber);
    } else {
      finalBlockHash = t.blockHash?.toLowerCase();
    }
    t.finalBlockNumber = finalBlockNumber;
    out.push({ chain: t.chain, txHash: t.txHash, watched: t.watched, finalBlockHash, orphanedBlockHashes: t.orphanedBlockHashes.filter((h) => h !== finalBlockHash) });
  }
  return out;
}

function webhooksOf(accepted: readonly AcceptedWebhook[]): LedgerWebhook[] {
  return accepted.map((w) => {
    const reorg = w.data['reorg'] as { orphanedBlockHash?: unknown } | undefined;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.toLowerCase() : undefined);
    return { webhookId: w.webhookId, type: w.type, txHash: str(w.data['txHash']), blockHash: str(w.data['blockHash']), orphanedBlockHash: str(reorg?.orphanedBlockHash), signatureValid: w.signatureValid, at: w.at };
  });
}

function emailsOf(accepted: readonly AcceptedEmail[], txs: readonly ScriptedTx[]): LedgerEmail[] {
  const known = new Set(txs.map((t) => t.txHash));
  return accepted.map((e) => {
    const found = new Set<string>();
    for (const m of e.text.toLowerCase().matchAll(/(?:0x)?[0-9a-f]{64}/g)) if (known.has(m[0])) found.add(m[0]);
    return { messageId: e.messageId, txHashes: [...found], retraction: /retract/i.test(e.subject), at: e.at };
  });
}
