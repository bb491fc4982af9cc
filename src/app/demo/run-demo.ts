import { formatBaseUnits } from '../../core/alert/format-amount.js';
import libmime from 'libmime';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { stringify } from 'yaml';
import { formatAmount } from '../../core/alert/format-amount.js';
import { createRegtestChain, startRegtestServer } from '../../devchain/regtest/index.js';
import { startLocalEvmChain } from '../../devchain/start-local-evm-chain.js';
import { createLogger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { runChainwatch } from '../run-chainwatch.js';
import { ensureRedis } from './ensure-redis.js';
import { playBtcScenario, prepareBtcHackWallet } from './play-btc-scenario.js';
import { DEMO_BURST_SPLITS, DEMO_EVM_ACTORS, deployDemoEvmContracts, playEvmScenario, type DemoEvmContracts } from './play-evm-scenario.js';
import { startMailSink } from './start-mail-sink.js';
import { startWebhookReceiver } from './start-webhook-receiver.js';
import { Redis } from 'ioredis';
import { createDerivedEntryStore } from '../../adapters/redis/derived-entry-store.js';
import { buildTagpack } from '../../core/follow/build-tagpack.js';
import type { IncidentTotals } from '../../core/follow/derived-entry.js';
import { formatFollowPath } from '../../core/follow/format-follow-path.js';
import type { AddressLabel, LabelBook } from '../../core/labels/address-label.js';
import { normalizeUtxoAddress } from '../../core/address/normalize-utxo-address.js';
import { deleteKeysMatching } from '../../adapters/redis/delete-keys-matching.js';


/** The demo's two coins, to print the followed totals (kept per symbol in base units) for people. */
const DEMO_DECIMALS: Readonly<Record<string, number>> = { BTC: 8, ETH: 18 };
export interface DemoOptions {
  /** Where emails (.eml), the webhook log and the generated config go. */
  readonly outDir: string;
  readonly redisUrl: string;
  readonly timeoutMs: number;
  readonly print: (line: string) => void;
  /** The dashboard (issue #12): API port (default 0 = any free one) and operator token (default: a random one, printed). */
  readonly apiPort?: number;
  readonly adminToken?: string;
  /** Runs once chainwatch serves the dashboard and before the scenario plays (the CLI gives the operator time to open it). */
  readonly beforeScenario?: (dashboardUrl: string) => Promise<void>;
  /** Runs after every alert was delivered, before everything stops (the CLI keeps the dashboard up until Ctrl-C). */
  readonly afterScenario?: (dashboardUrl: string) => Promise<void>;
}

const DEMO_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SOURCE = 'https://github.com/chainwatch/chainwatch#demo';

/**
 * The offline demo: a local EVM chain, Redis (the one at REDIS_URL or a
 * private one), an SMTP sink and a webhook receiver; chainwatch watches a
 * flagged wallet while a short laundering scenario plays, and every alert is
 * printed as it is delivered. Returns the number of alerts delivered.
 */
export interface DemoResult {
  readonly emails: number;
  readonly webhooks: number;
  readonly movements: number;
  /** Transactions of the laundering burst and of the address-poisoning attempt (issue #8). */
  readonly burst: readonly string[];
  readonly spam: readonly string[];
  /** Follow the money (issue #11): transactions of the followed hops, the incident's totals, and the exported trail. */
  readonly follow: { readonly txs: readonly string[]; readonly totals: IncidentTotals; readonly tagpackFile: string; readonly entries: number };
}

const DEMO_INCIDENT = 'demo-heist-2026';

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { print } = options;
  const outDir = resolve(options.outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const mailDir = join(outDir, 'mail');
  const webhookLog = join(outDir, 'webhooks.log');
  const configDir = join(outDir, 'config');
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };

  try {
    print('chainwatch demo: starting a local EVM chain (hardhat), Redis, an SMTP sink and a webhook receiver...');
    const redis = await ensureRedis(options.redisUrl);
    cleanups.push(() => redis.stop());
    print(redis.private ? `  Redis: started a private redis-server at ${redis.url}` : `  Redis: using ${redis.url}`);
    const chain = await startLocalEvmChain();
    cleanups.push(() => chain.stop());
    print(`  EVM chain: ${chain.rpcUrl} (hardhat)`);
    const contracts = await deployDemoEvmContracts(chain.rpcUrl);
    print(`  price feed: a Chainlink-style ETH/USD aggregator at ${contracts.ethUsdFeed}; dUSD listed at ${contracts.token}`);
    const btcChain = createRegtestChain({ initialBlocks: 101 });
    const btcHackWallet = prepareBtcHackWallet(btcChain);
    const btcExchange = btcChain.newWallet('p2wpkh', 'demo exchange');
    const btcServer = await startRegtestServer(btcChain);
    cleanups.push(() => btcServer.close());
    print(`  Bitcoin regtest chain: ${btcServer.esploraUrl} (Esplora API, built and signed in-process)`);

    let emails = 0;
    const mailTexts: string[] = [];
    const emailable = new Set<string>();
    let keptOut = 0;
    let webhooks = 0;
    let confirmedWebhooks = 0;
    const unconfirmedSeen = new Set<string>();
    const mail = await startMailSink({
      dir: mailDir,
      onMessage: (file, raw) => {
        emails++;
        // Quoted-printable soft line breaks would split a tx hash.
        mailTexts.push(raw.replace(/=\r?\n/g, ''));
        // Subjects with → or a label's accents arrive as RFC 2047 encoded words: shown decoded.
        const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ');
        const subject = header === undefined ? '(no subject)' : libmime.decodeWords(header);
        print(`  📧 email    ${subject}\n             -> ${file}`);
      },
    });
    cleanups.push(() => mail.close());
    const receiver = await startWebhookReceiver({
      secret: DEMO_SECRET,
      logFile: webhookLog,
      onWebhook: (hook) => {
        webhooks++;
        const d = hook.body.data;
        const confirmations = Number(d['confirmations']);
        const severity = typeof d['severity'] === 'string' ? d['severity'] : 'medium';
        if (severity === 'info') keptOut++;
        else emailable.add(String(d['txHash']));
        if (confirmations > 0) confirmedWebhooks++;
        else unconfirmedSeen.add(String(d['txHash']));
        const asset = d['asset'] as { symbol: string; decimals: number; contract: string | null };
        const amount = formatAmount({ kind: d['kind'] as 'native', amount: BigInt(String(d['amount'])), asset, tokenId: d['tokenId'] === null ? null : BigInt(d['tokenId'] as string) });
        const usd = typeof d['usdValue'] === 'string' ? ` ($${d['usdValue']})` : '';
        const flags = `${d['spoofed'] === true ? ' SPOOFED' : ''}${(d['asset'] as { known?: boolean }).known === false ? ' unlisted-token' : ''}`;
        const ref = (d['watchlist'] as { label: string; hop?: number; path?: string[] }[])[0];
        const path = ref === undefined ? undefined : formatFollowPath(ref);
        print(`  🔔 webhook  [${severity.toUpperCase()}]${flags} ${String(d['chain'])} ${String(d['kind'])} ${String(d['direction']).toUpperCase()} ${amount}${usd}${confirmations === 0 ? ' (UNCONFIRMED, mempool)' : ''} tx ${String(d['txHash']).slice(0, 12)}… (signature verified)${severity === 'info' ? ' — webhook only, no email' : ''}${path !== undefined ? `\n             followed: ${path}` : ''}`);
      },
    });
    cleanups.push(() => receiver.close());

    const prefix = `chainwatch-demo-${randomBytes(4).toString('hex')}`;
    writeDemoConfig(configDir, { contracts, rpcUrl: chain.rpcUrl, esploraUrl: btcServer.esploraUrl, btcAddress: btcHackWallet.address, smtpUrl: mail.smtpUrl, webhookUrl: receiver.url, redisUrl: redis.url, prefix });
    print(`  config: ${configDir}`);

    const logger = createLogger({ level: process.env['LOG_LEVEL'] ?? 'error' });
    // REDIS_URL would override the config's redis.url: point it at the Redis the demo settled on.
    const adminToken = options.adminToken ?? randomBytes(18).toString('base64url');
    const env = { ...process.env, REDIS_URL: redis.url, CHAINWATCH_ADMIN_TOKEN: adminToken };
    // Issue #11: a literal label book stands in for config/labels: the exchange the laundering ends at, on both chains.
    const labels = demoLabels([
      { key: DEMO_EVM_ACTORS.exchangeDeposit.toLowerCase(), label: { chain: 'ethereum', address: DEMO_EVM_ACTORS.exchangeDeposit, label: 'Demo Exchange', category: 'exchange', source: SOURCE } },
      { key: btcExchange.scriptHex, label: { chain: 'bitcoin', address: btcExchange.address, label: 'Demo Exchange', category: 'exchange', source: SOURCE } },
    ]);
    const running = await runChainwatch({ configDir, roles: ['poller', 'alerter', 'api'], logger, env, apiPort: options.apiPort ?? 0, deliveryBackoffMs: 200, labels });
    cleanups.push(() => running.close());
    cleanups.push(() => deletePrefix(redis.url, prefix));
    print(`  chainwatch: polling, alerting, API at ${running.apiUrl ?? '-'} (/healthz, /metrics)`);
    const dashboardUrl = `${(running.apiUrl ?? '').replace('://0.0.0.0', '://127.0.0.1')}/movements`;
    print('');
    print(`  📊 dashboard: ${dashboardUrl}`);
    print(`     operator token: ${adminToken}`);
    print(`     (the trail graph: ${dashboardUrl.replace(/\/movements$/, '/incidents/demo-heist-2026')})`);
    await options.beforeScenario?.(dashboardUrl);
    print('');
    print('Playing the laundering scenario:');
    let burstSeen = 0;
    const evmSteps = await playEvmScenario(chain.rpcUrl, contracts, (step) => {
      // The burst is dozens of lines: show the first and the last.
      burstSeen += step.tag === 'burst' ? 1 : 0;
      if (step.tag !== 'burst' || burstSeen === 1 || burstSeen === DEMO_BURST_SPLITS) print(`  ⛓  ${step.description}  (tx ${step.txHash.slice(0, 12)}…)`);
      else if (burstSeen === 2) print('  ⛓  ...');
    });

    const followRedis = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    cleanups.push(() => Promise.resolve(followRedis.disconnect()));
    const followed = createDerivedEntryStore(followRedis, prefix);
    const btcFollowTxs: string[] = [];
    await playBtcScenario(
      btcChain,
      btcHackWallet,
      (step) => {
        if (step.tag === 'follow') btcFollowTxs.push(step.txHash);
        print(`  ⛓  ${step.description}  (txid ${step.txHash.slice(0, 12)}…)`);
      },
      (txid) => waitUntil(() => unconfirmedSeen.has(txid), options.timeoutMs, `the mempool alert for ${txid}`),
      {
        exchange: btcExchange,
        waitForFollowed: async (address) => {
          const key = normalizeUtxoAddress(address, 'bitcoin', 'regtest').matchKey;
          const deadline = Date.now() + options.timeoutMs;
          while ((await followed.getEntry('bitcoin', key)) === undefined) {
            if (Date.now() > deadline) throw new Error(`demo timed out waiting for chainwatch to follow ${address}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        },
      },
    );

    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    const finalHeights = { ethereum: await provider.getBlockNumber(), bitcoin: btcChain.height() };
    provider.destroy();
    print('');
    print('Waiting for every alert to be delivered...');
    const inSomeEmail = (tx: string): boolean => mailTexts.some((t) => t.includes(tx));
    const movements = await waitForDelivery(running.metrics, finalHeights, () => ({ webhooks, confirmedWebhooks, emailsDone: [...emailable].every(inSomeEmail) }), options.timeoutMs);
    print('');
    print(`Done: ${movements - unconfirmedSeen.size} confirmed movements and ${unconfirmedSeen.size} mempool early warnings: ${webhooks} signed webhooks delivered (the unrelated transfer raised none).`);
    print(`Email: ${emails} grouped, threaded digest email${emails === 1 ? '' : 's'} for the ${emailable.size} transactions at or above severity low; ${keptOut} spam, dust and unlisted-token movements stayed out of the inbox (webhooks only).`);
    // Follow the money (issue #11): the trail as `chainwatch follow ls` and `follow export` show it.
    const { entries } = await followed.listEntries({ incident: DEMO_INCIDENT });
    const totals = await followed.incidentTotals(DEMO_INCIDENT);
    const tagpackFile = join(outDir, `follow-${DEMO_INCIDENT}.tagpack.yaml`);
    writeFileSync(tagpackFile, buildTagpack({ incident: DEMO_INCIDENT, entries, currencyOf: (c) => (c === 'bitcoin' ? 'BTC' : 'ETH'), creator: 'chainwatch demo', lastmod: new Date().toISOString() }));
    print(`Followed: ${entries.length} derived entries (max hop ${totals.maxHop}) out of the listed wallets; to exchanges: ${totals.toExchanges.map((x) => `${x.exchange} ${Object.entries(x.amounts).map(([sym, v]) => (DEMO_DECIMALS[sym] === undefined ? `${v} ${sym} base units` : `${formatBaseUnits(BigInt(v), DEMO_DECIMALS[sym])} ${sym}`)).join(', ')}`).join('; ') || '-'}.`);
    print('Where to look:');
    print(`  emails (open in any mail client): ${mailDir}/*.eml`);
    print(`  webhooks as received (JSON lines): ${webhookLog}`);
    print(`  the config chainwatch ran with:    ${configDir}`);
    print(`  the followed trail (GraphSense TagPack, as \`chainwatch follow export --incident ${DEMO_INCIDENT}\` prints it): ${tagpackFile}`);
    print(`  the dashboard:                     ${dashboardUrl}`);
    await options.afterScenario?.(dashboardUrl);
    return {
      emails, webhooks, movements,
      burst: evmSteps.filter((st) => st.tag === 'burst').map((st) => st.txHash),
      spam: evmSteps.filter((st) => st.tag === 'spam').map((st) => st.txHash),
      follow: { txs: [...evmSteps.filter((st) => st.tag === 'follow').map((st) => st.txHash), ...btcFollowTxs], totals, tagpackFile, entries: entries.length },
    };
  } finally {
    await cleanup();
  }
}

function writeDemoConfig(dir: string, p: { contracts: DemoEvmContracts; rpcUrl: string; esploraUrl: string; btcAddress: string; smtpUrl: string; webhookUrl: string; redisUrl: string; prefix: string }): void {
  mkdirSync(join(dir, 'watchlists'), { recursive: true });
  const settings = {
    chains: {
      ethereum: { kind: 'evm', rpcUrls: [p.rpcUrl], confirmations: 1, pollIntervalMs: 200, startBlock: 0, nativeSymbol: 'ETH' },
      bitcoin: { kind: 'bitcoin', network: 'regtest', esploraUrl: p.esploraUrl, confirmations: 1, pollIntervalMs: 200, startBlock: 'latest', mempool: true, seedOnStart: true },
    },
    email: { smtpUrl: p.smtpUrl, from: 'chainwatch@demo.local', to: ['compliance@demo.local'] },
    webhooks: [{ id: 'exchange-a', url: p.webhookUrl, secret: DEMO_SECRET }],
    redis: { url: p.redisUrl, prefix: p.prefix },
    reloadIntervalMs: 500,
    // Issue #8: prices (a local Chainlink-style feed for ETH, fixed prices otherwise), the listed token,
    // the shipped severity rules, and short group windows so the demo ends promptly.
    prices: {
      ETH: { chain: 'ethereum', chainlinkFeed: p.contracts.ethUsdFeed, heartbeatSeconds: 3600 },
      BTC: { usd: '60000' },
      dUSD: { usd: '1' },
    },
    tokens: { ethereum: [{ address: p.contracts.token, symbol: 'dUSD', decimals: 6 }] },
    alerts: {
      rules: [
        { match: { token: 'spoofed' }, severity: 'info' },
        { match: { token: 'unknown' }, severity: 'info' },
        { match: { direction: 'out', minUsd: '100000' }, severity: 'critical' },
        { match: { maxUsd: '1' }, severity: 'info' },
        { match: { direction: 'out' }, severity: 'high' },
        { match: { direction: 'in', minUsd: '10000' }, severity: 'medium' },
        { match: { direction: 'in' }, severity: 'low' },
      ],
      email: { minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 2000, groupIntervalMs: 4000 },
    },
    // Issue #11: follow the stolen funds across hops (docs/follow.md).
    follow: { enabled: true, maxHops: 4, minAmount: { ETH: '1', BTC: '0.05', dUSD: '5000' }, minFraction: '0.01', idleDays: 30 },
  };
  writeFileSync(join(dir, 'chainwatch.yaml'), `# Generated by \`chainwatch demo\`: local chain, SMTP sink and webhook receiver.\n${stringify(settings)}`);
  const watchlist = {
    description: 'Demo watchlist: hardhat accounts standing in for a hack wallet.',
    entries: [
      { chain: 'ethereum', address: DEMO_EVM_ACTORS.flagged, label: 'Demo hack wallet (Lazarus-style)', incident: 'demo-heist-2026', source: SOURCE, tags: ['demo', 'lazarus'] },
      { chain: 'bitcoin', address: p.btcAddress, label: 'Demo hack wallet, Bitcoin side', incident: 'demo-heist-2026', source: SOURCE, tags: ['demo', 'lazarus'] },
    ],
  };
  writeFileSync(join(dir, 'watchlists', 'demo.yaml'), stringify(watchlist));
}

function demoLabels(entries: readonly { key: string; label: AddressLabel }[]): LabelBook {
  const map = new Map(entries.map((e) => [`${e.label.chain}|${e.key}`, e.label] as const));
  return { size: map.size, lookup: (chain, key) => map.get(`${chain}|${key}`) };
}

async function counterTotal(metrics: Metrics): Promise<number> {
  const snapshot = await metrics.movementsDetected.get();
  return snapshot.values.reduce((sum, v) => sum + v.value, 0);
}

async function waitForDelivery(
  metrics: Metrics,
  finalHeights: Readonly<Record<string, number>>,
  delivered: () => { webhooks: number; confirmedWebhooks: number; emailsDone: boolean },
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const processed = (await metrics.lastProcessedBlock.get()).values;
    const caughtUp = Object.entries(finalHeights).every(([chain, height]) => (processed.find((v) => v.labels['chain'] === chain)?.value ?? -1) >= height);
    const movements = await counterTotal(metrics);
    const { webhooks, confirmedWebhooks, emailsDone } = delivered();
    // Mempool early warnings count as movements too: every one is delivered once; grouped emails follow their group windows.
    if (caughtUp && movements > 0 && confirmedWebhooks > 0 && webhooks >= movements && emailsDone) return movements;
    if (Date.now() > deadline) {
      throw new Error(`demo timed out: caught up ${String(caughtUp)}, ${movements} movements, ${webhooks} webhooks, every emailable movement emailed ${String(emailsDone)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`demo timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function deletePrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysMatching(redis, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
