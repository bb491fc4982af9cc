/**
 * Issue #8 end to end with real parts: a hardhat chain with a Chainlink-style
 * aggregator (TestAggregator, same ABI), a listed and an unlisted token and an
 * address-poisoning contract; chainwatch polling it with the shipped severity
 * rules, email routes and short group windows; a real smtp-server (parsed with
 * mailparser) that answers 451 to the first messages; a real webhook receiver.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Contract, JsonRpcProvider, Wallet, parseEther, parseUnits, toBeHex, type JsonRpcSigner } from 'ethers';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SOURCE = 'https://example.org/attribution';
const FAIL_FIRST = 3;
const TIMEOUT = 120_000;

interface Received { readonly mail: ParsedMail; readonly rcpt: readonly string[] }
let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let hooks: WebhookCapture;
let smtp: SMTPServer;
const mails: Received[] = [];
let dataAttempts = 0;
let configDir: string;
let prefix: string;
let running: RunningChainwatch | undefined;
let deployer: JsonRpcSigner;
let big: JsonRpcSigner; // incident big-2026: large outflow, stale feed
let spam: JsonRpcSigner; // incident spam-2026: poisoning target
let burst: JsonRpcSigner; // incident burst-2026: 50 splits
let attacker: JsonRpcSigner;
let aggregator: Contract;
let listed: Contract;
let unlisted: Contract;
let poison: Contract;

async function send(tx: Promise<{ hash: string; wait(): Promise<unknown> }>): Promise<string> {
  const sent = await tx;
  await sent.wait();
  return sent.hash;
}

const hooksFor = (txHash: string): CapturedWebhook[] => hooks.received.filter((h) => h.body.data['txHash'] === txHash);
const mailsWith = (txHash: string): Received[] => mails.filter((m) => (m.mail.text ?? '').includes(txHash));
const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  [deployer, big, spam, burst, attacker] = (await Promise.all([0, 1, 2, 3, 4].map((i) => provider.getSigner(i)))) as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  aggregator = (await deployContract(deployer, 'TestAggregator', [8, 2000n * 10n ** 8n])) as Contract;
  listed = (await deployContract(deployer, 'TestToken', ['Listed USD', 'LUSD', 6])) as Contract;
  unlisted = (await deployContract(deployer, 'TestToken', ['Free Money', 'USDT', 6])) as Contract;
  poison = (await deployContract(deployer, 'PoisonToken', [])) as Contract;

  hooks = await startWebhookCapture(SECRET);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const rcpt = session.envelope.rcptTo.map((r) => r.address);
      simpleParser(stream).then(
        (mail) => {
          dataAttempts++;
          if (dataAttempts <= FAIL_FIRST) {
            const err = Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 });
            callback(err);
            return;
          }
          mails.push({ mail, rcpt });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const address = smtp.server.address();
  const smtpPort = typeof address === 'object' && address ? address.port : 0;

  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-alerts-'));
  prefix = uniqueRedisPrefix('alerts');
  mkdirSync(join(configDir, 'watchlists'));
  const startBlock = (await provider.getBlockNumber()) + 1;
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock, explorerUrl: 'https://etherscan.io' } },
      email: {
        smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
        from: 'chainwatch@example.com',
        to: ['compliance@example.com'],
        routes: [{ match: { severity: ['critical'] }, to: ['oncall@example.com'], continue: true }],
      },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
      prices: {
        ETH: { chain: 'ethereum', chainlinkFeed: await aggregator.getAddress(), heartbeatSeconds: 3600 },
        LUSD: { usd: '1' },
      },
      tokens: { ethereum: [{ address: await listed.getAddress(), symbol: 'LUSD', decimals: 6 }] },
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
        email: { minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 1500, groupIntervalMs: 3000 },
      },
    }),
  );
  const entry = async (signer: JsonRpcSigner, label: string, incident: string) => ({ chain: 'ethereum', address: await signer.getAddress(), label, incident, source: SOURCE, tags: ['lazarus'] });
  writeFileSync(
    join(configDir, 'watchlists', 'hack.yaml'),
    stringify({ entries: [await entry(big, 'Big exploiter', 'big-2026'), await entry(spam, 'Spam target', 'spam-2026'), await entry(burst, 'Burst launderer', 'burst-2026')] }),
  );
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: 'silent' }), deliveryBackoffMs: 50 });
}, TIMEOUT);

afterAll(async () => {
  await running?.close();
  provider?.destroy();
  await chain?.stop();
  await hooks?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('alerts a compliance team can act on', () => {
  const spamTxs: string[] = [];

  it('a large outflow is critical, valued in USD from the feed, and emailed to both routes', async () => {
    const to = Wallet.createRandom().address;
    const tx = await send(big.sendTransaction({ to, value: parseEther('100') }));
    const [hook] = await waitFor(() => hooksFor(tx).length > 0 && hooksFor(tx), { what: 'webhook of the large outflow', timeoutMs: TIMEOUT });
    expect(hook!.body.data).toMatchObject({ severity: 'critical', usdValue: '200000.00', spoofed: false, asset: { symbol: 'ETH', known: true } });
    const got = await waitFor(() => mailsWith(tx).length >= 2 && mailsWith(tx), { what: 'emails to both routes', timeoutMs: TIMEOUT });
    expect(got.map((m) => m.rcpt.join(',')).sort()).toEqual(['compliance@example.com', 'oncall@example.com']);
    for (const { mail } of got) {
      expect(mail.subject).toBe(`[chainwatch] [CRITICAL] Big exploiter: OUT 100 ETH ($200,000) → ${to.slice(0, 6)}…${to.slice(-4)}`);
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail.messageId).toMatch(/^<chainwatch-[0-9a-f]+-1@example\.com>$/);
      expect(mail.text).toContain(`https://etherscan.io/tx/${tx}`);
      expect(mail.text).toContain(SOURCE);
      expect(mail.html).toContain(`https://etherscan.io/address/${await big.getAddress()}`);
    }
  }, TIMEOUT);

  it('dust, zero-value, unlisted-token and forged transfers reach webhooks as info with the right flags, and no email', async () => {
    const target = await spam.getAddress();
    const dust = await send(deployer.sendTransaction({ to: target, value: parseEther('0.0001') }));
    await send(listed.connect(deployer).getFunction('mint')(await deployer.getAddress(), parseUnits('10', 6)));
    const zeroIn = await send(listed.connect(deployer).getFunction('transfer')(target, 0n));
    const zeroFrom = await send(listed.connect(attacker).getFunction('transferFrom')(target, await attacker.getAddress(), 0n));
    const unlistedIn = await send(unlisted.connect(deployer).getFunction('mint')(target, parseUnits('5000', 6)));
    const forged = await send(poison.connect(attacker).getFunction('forge')(target, await attacker.getAddress(), parseUnits('25000', 6)));
    spamTxs.push(dust, zeroIn, zeroFrom, unlistedIn, forged);
    await waitFor(() => spamTxs.every((t) => hooksFor(t).length > 0), { what: 'webhooks of the spam', timeoutMs: TIMEOUT });
    const data = (t: string) => hooksFor(t)[0]!.body.data;
    expect(data(dust)).toMatchObject({ severity: 'info', usdValue: '0.20', spoofed: false, direction: 'in', asset: { known: true } });
    expect(data(zeroIn)).toMatchObject({ severity: 'info', usdValue: '0.00', spoofed: false, direction: 'in', asset: { known: true, symbol: 'LUSD' } });
    expect(data(zeroFrom)).toMatchObject({ severity: 'info', spoofed: true, direction: 'out', asset: { known: true } });
    expect(data(unlistedIn)).toMatchObject({ severity: 'info', usdValue: null, spoofed: false, direction: 'in', asset: { known: false, symbol: 'USDT' } });
    expect(data(forged)).toMatchObject({ severity: 'info', usdValue: null, spoofed: true, direction: 'out', asset: { known: false } });
    expect(data(forged)['txFrom']).toBe(await attacker.getAddress());
    const below = (await running!.metrics.registry.getSingleMetric('chainwatch_email_below_min_severity_total')?.get())?.values ?? [];
    expect(below.find((v) => v.labels['severity'] === 'info')?.value ?? 0).toBeGreaterThanOrEqual(5);
  }, TIMEOUT);

  it('a burst of 50 outflows in the group window gives at most two emails listing every transaction once; a follow-up threads under the first', async () => {
    const from = await burst.getAddress();
    await provider.send('evm_setAutomine', [false]);
    const hashes: string[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        hashes.push((await provider.send('eth_sendTransaction', [{ from, to: Wallet.createRandom().address, value: toBeHex(parseEther('1')), gas: '0x5208' }])) as string);
      }
      await provider.send('evm_mine', []);
    } finally {
      await provider.send('evm_setAutomine', [true]);
    }
    await waitFor(() => hashes.every((h) => mailsWith(h).length > 0), { what: 'every burst transaction in an email', timeoutMs: TIMEOUT });
    const burstMails = mails.filter((m) => m.mail.subject?.includes('Burst launderer'));
    expect(burstMails.length).toBeGreaterThanOrEqual(1);
    expect(burstMails.length).toBeLessThanOrEqual(2);
    for (const h of hashes) expect(burstMails.reduce((n, m) => n + occurrences(m.mail.text ?? '', h), 0)).toBe(1);
    expect(burstMails[0]!.mail.subject).toMatch(/^\[chainwatch\] \[HIGH\] Burst launderer: \d+ movements, OUT \d+ ETH \(\$[\d,]+\) → \d+ addresses$/);
    const root = burstMails[0]!.mail.messageId!;

    const followUp = await send(burst.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('2') }));
    const [next] = await waitFor(() => mailsWith(followUp).length > 0 && mailsWith(followUp), { what: 'follow-up email', timeoutMs: TIMEOUT });
    expect(next!.mail.messageId).not.toBe(root);
    expect(next!.mail.inReplyTo).toBe(root);
    expect([next!.mail.references].flat()).toContain(root);
  }, TIMEOUT);

  it('a stale feed leaves the USD value unknown', async () => {
    const now = (await provider.getBlock('latest'))!.timestamp;
    await send(aggregator.connect(deployer).getFunction('setAnswer')(2000n * 10n ** 8n, BigInt(now - 7200)));
    const tx = await send(big.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('1') }));
    const [hook] = await waitFor(() => hooksFor(tx).length > 0 && hooksFor(tx), { what: 'webhook with a stale price', timeoutMs: TIMEOUT });
    expect(hook!.body.data).toMatchObject({ usdValue: null, severity: 'high', asset: { known: true } });
    const stale = (await running!.metrics.registry.getSingleMetric('chainwatch_price_unavailable_total')?.get())?.values ?? [];
    expect(stale.find((v) => v.labels['reason'] === 'stale')?.value ?? 0).toBeGreaterThanOrEqual(1);
  }, TIMEOUT);

  it('after 451 answers, every email arrived exactly once and no spam was emailed', () => {
    expect(dataAttempts).toBeGreaterThan(FAIL_FIRST);
    const ids = mails.map((m) => `${m.mail.messageId ?? ''}|${m.rcpt.join(',')}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of spamTxs) expect(mailsWith(t)).toHaveLength(0);
    expect(mails.some((m) => m.mail.subject?.includes('Spam target'))).toBe(false);
  });
});
