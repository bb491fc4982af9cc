/**
 * The operator dashboard in a real browser (issue #12): Debian's chromium
 * driven by playwright-core, against chainwatch on a real hardhat chain (poller
 * and alerter in one instance, the API in another, sharing only the real Redis)
 * and a real webhook receiver that fails once.
 * An operator logs in, watches a movement arrive live, follows it to its
 * address and the incident's trail, searches the watchlists, reads a chain's
 * lag and replays the failed delivery. Screenshots of each page go to
 * $DASHBOARD_SCREENSHOTS (default: a temp dir).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { locateWebRoot } from '../../src/app/dashboard-services.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startScriptedReceiver, type ScriptedReceiver } from '../helpers/scripted-receiver.js';

const TOKEN = `operator-${randomBytes(16).toString('hex')}`;
const INCIDENT = 'browser-heist-2026';
const SHOTS = process.env['DASHBOARD_SCREENSHOTS'] ?? join(tmpdir(), 'chainwatch-dashboard-screenshots');
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();

const prefix = uniqueRedisPrefix('dashboard-browser');
let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let flagged: JsonRpcSigner;
let receiver: ScriptedReceiver;
let running: RunningChainwatch;
let workers: RunningChainwatch;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
const consoleErrors: string[] = [];
const recipient = Wallet.createRandom().address;
let txHash = '';

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

describe.skipIf(chromiumPath === undefined || locateWebRoot() === undefined)('dashboard in a real browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    chain = await startLocalEvmChain();
    provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50 });
    flagged = await provider.getSigner(1);
    // The exchange's receiver refuses the first delivery (a permanent 400: straight to the failed set), then accepts.
    receiver = await startScriptedReceiver((n) => ({ status: n === 0 ? 400 : 200 }));
    const configDir = writeConfigDir('dashboard-browser', {
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 0, explorerUrl: 'https://etherscan.io' } },
      webhooks: [{ id: 'exchange-a', url: receiver.url, secret: `whsec_${randomBytes(24).toString('base64')}` }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
    }, { 'hack.yaml': [{ chain: 'ethereum', address: await flagged.getAddress(), label: 'Browser test exploiter', incident: INCIDENT, source: 'https://example.org/attribution', tags: ['lazarus'] }] });
    // Two instances sharing only Redis, as separate processes would: pollers and alerter in one, the API
    // (and dashboard) in the other. The live feed and the chains page must cross that gap.
    const env = { ...process.env, CHAINWATCH_ADMIN_TOKEN: TOKEN };
    workers = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: 'silent' }), env, serveHttp: false, deliveryBackoffMs: 50, dashboard: { chainStatusIntervalMs: 250 } });
    running = await runChainwatch({ configDir, roles: ['api'], logger: createLogger({ level: 'silent' }), env, apiPort: 0 });
    base = running.apiUrl!;
    browser = await chromium.launch({ executablePath: chromiumPath!, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await workers?.close();
    await receiver?.close();
    provider?.destroy();
    await chain?.stop();
    await deleteRedisPrefix(prefix);
  });

  it('shows the login page and answers 401 without a session, with a strict CSP', async () => {
    const res = await page.goto(`${base}/`);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByLabel('Operator token').waitFor();
    expect(await page.locator('table').count()).toBe(0);
    const api = await fetch(`${base}/api/movements`);
    expect(api.status).toBe(401);
    await shot('login');
  });

  it('logs in and shows a movement made on the chain live, without a reload', async () => {
    await page.getByLabel('Operator token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('● live').waitFor();
    expect(new URL(page.url()).pathname).toBe('/movements');
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const sent = await flagged.sendTransaction({ to: recipient, value: parseEther('12.5') });
    await sent.wait();
    txHash = sent.hash;
    const row = page.locator('table.movements tbody tr', { hasText: 'Browser test exploiter' });
    await row.first().waitFor();
    expect(navigations).toEqual([]);
    const text = await row.first().innerText();
    expect(text).toContain('ETH');
    expect(text).toContain('out');
    expect(text).toContain(INCIDENT);
    expect(await row.first().locator(`a[href="https://etherscan.io/tx/${txHash}"]`).count()).toBe(1);
    await shot('movements');
  });

  it('keeps filters in the URL', async () => {
    await page.locator('select[name="direction"]').selectOption('in');
    await page.waitForURL(/direction=in/);
    await page.getByText('No movements match these filters').waitFor();
    await page.goBack();
    await page.locator('table.movements tbody tr').first().waitFor();
  });

  it('opens the address page of the movement with its watchlist entry and source', async () => {
    const address = await flagged.getAddress();
    await page.locator(`table.movements a[href="/addresses/ethereum/${address}"]`).first().click();
    await page.getByRole('heading', { name: 'Watchlist entries' }).waitFor();
    const entry = page.locator('td[data-th="Defined in"]');
    expect(await entry.innerText()).toMatch(/watchlists\/hack\.yaml:\d+/);
    await page.locator('table.movements tbody tr').first().waitFor();
    await shot('address');
  });

  it("draws the incident's trail graph with the hop node and opens its address page", async () => {
    await page.goto(`${base}/incidents/${INCIDENT}`);
    await page.locator('.trail canvas').first().waitFor();
    await page.locator('.node-list summary').click();
    const hop = page.locator('.node-list li[data-node-hop="1"]');
    await hop.first().waitFor();
    expect(await hop.innerText()).toContain(recipient);
    expect(await page.locator('.node-list li[data-node-hop="0"]').innerText()).toContain(await flagged.getAddress());
    await page.locator('.node-list summary').click();
    await shot('incident');
    await page.locator('.node-list summary').click();
    await hop.locator('a').click();
    await page.waitForURL(`${base}/addresses/ethereum/${recipient}`);
    await page.getByRole('heading', { name: 'Movements' }).waitFor();
  });

  it('searches the watchlists by address', async () => {
    await page.goto(`${base}/watchlists`);
    const address = await flagged.getAddress();
    await page.getByLabel('Search watchlists').fill(address.slice(2, 14).toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    const result = page.locator('table.results tbody tr');
    await result.first().waitFor();
    expect(await result.first().innerText()).toContain('Browser test exploiter');
    expect(page.url()).toContain('q=');
    await shot('watchlists');
  });

  it("shows each chain's head, processed block and lag", async () => {
    await page.goto(`${base}/chains`);
    const row = page.locator('tr[data-chain="ethereum"]');
    const head = await provider.getBlockNumber();
    // The poller publishes every 250 ms and the page refreshes every 3 s: wait until it shows the chain's head.
    await expect.poll(async () => (await row.locator('td[data-th="Head"]').innerText()).replace(/\D/g, ''), { timeout: 30_000 }).toBe(String(head));
    const processed = Number((await row.locator('td[data-th="Processed"]').innerText()).replace(/\D/g, ''));
    expect(Number(await row.locator('td.lag').getAttribute('data-lag'))).toBe(head - processed);
    expect(await row.innerText()).toContain('http://127.0.0.1');
    // Each RPC URL with its own health: the one in use answered.
    const endpoint = row.locator('[data-endpoint^="http://127.0.0.1"]');
    expect(await endpoint.innerText()).toMatch(/in use[\s\S]*ok/);
    expect(await row.locator('td[data-th="Lease holder"]').innerText()).toMatch(/-\d+-[0-9a-f]{8}$/);
    await shot('chains');
  });

  it('replays a failed webhook delivery once the receiver works again', async () => {
    await page.goto(`${base}/deliveries`);
    const dead = page.locator('[data-channel="webhook/exchange-a"] tr[data-state="failed"]');
    await dead.first().waitFor();
    expect(await dead.first().innerText()).toContain('WEBHOOK_REJECTED');
    expect(receiver.received).toHaveLength(1);
    await shot('deliveries');
    await dead.first().getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('status').filter({ hasText: 'Replaying' }).waitFor();
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(2);
    expect(receiver.received[1]!.body.data['txHash']).toBe(txHash);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    await page.locator('[data-channel="webhook/exchange-a"] .count-failed', { hasText: 'failed 0' }).waitFor();
  });

  it('fits a phone screen', async () => {
    const phone = await context.newPage();
    phone.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/movements`);
    await phone.locator('table.movements tbody tr').first().waitFor();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await phone.screenshot({ path: join(SHOTS, 'movements-phone.png') });
    await phone.close();
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
