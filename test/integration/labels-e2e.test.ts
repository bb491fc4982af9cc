/**
 * Issue #11, address labels end to end: a label file in config/labels/, a watched
 * wallet on a real hardhat chain paying the labelled exchange address, the real
 * poller -> Redis -> alerter -> a real webhook receiver (signature verified) and a
 * real SMTP server. Then a label edit is in force without a restart, and a broken
 * label file is reported by `chainwatch validate` with file:line and rejected by the
 * running process, which keeps the last good labels.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, Wallet, getAddress, parseEther, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const logger = createLogger({ level: 'silent' });

let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let smtp: SmtpCapture;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
let running: RunningChainwatch | undefined;
let flagged: JsonRpcSigner;
const exchange = getAddress(Wallet.createRandom().address);
const mixer = getAddress(Wallet.createRandom().address);

function labelLine(address: string, label: string, category: string): Record<string, string> {
  return { chain: 'ethereum', address, label, category, source: `https://etherscan.io/address/${address.toLowerCase()}` };
}

function writeLabels(labels: Record<string, string>[]): void {
  // Through a rename, as an operator's editor or the importer would: never a half-written file.
  const file = join(configDir, 'labels', 'exchanges.yaml');
  writeFileSync(`${file}.tmp`, stringify({ labels }));
  renameSync(`${file}.tmp`, file);
}

async function send(to: string, ether: string): Promise<string> {
  const tx = await flagged.sendTransaction({ to, value: parseEther(ether) });
  await tx.wait();
  return tx.hash;
}

/**
 * Returns once a poller step that started after this call has finished: an unrelated
 * transaction is mined and processed, so every later step re-checked the label files
 * after any edit made before this call.
 */
async function stepBarrier(): Promise<void> {
  const tx = await (await provider.getSigner(0)).sendTransaction({ to: Wallet.createRandom().address, value: 1n });
  const receipt = await tx.wait();
  const block = receipt!.blockNumber;
  await waitFor(async () => ((await running!.metrics.lastProcessedBlock.get()).values[0]?.value ?? -1) >= block, { what: `block ${block} processed` });
}

async function hookFor(txHash: string): Promise<CapturedWebhook> {
  return waitFor(() => hooks.received.find((h) => h.body.data['txHash'] === txHash), { what: `webhook for ${txHash}` });
}

function runValidate(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', 'validate', '--config', dir], { env: { ...process.env, CHAINWATCH_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  flagged = await provider.getSigner(1);
  smtp = await startSmtpCapture();
  hooks = await startWebhookCapture(SECRET);
  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-labels-e2e-'));
  prefix = uniqueRedisPrefix('labels');
  mkdirSync(join(configDir, 'watchlists'));
  mkdirSync(join(configDir, 'labels'));
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 0 } },
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 100,
      alerts: {
        // The shipped rules' counterparty part: exchange critical, mixer/bridge high, other outflows medium here.
        rules: [
          { match: { direction: 'out', counterpartyCategory: ['exchange', 'exchange-deposit'] }, severity: 'critical' },
          { match: { direction: 'out', counterpartyCategory: ['mixer', 'bridge'] }, severity: 'high' },
          { match: { direction: 'out' }, severity: 'medium' },
        ],
        email: { groupWaitMs: 0, groupIntervalMs: 0 },
      },
    }),
  );
  writeFileSync(
    join(configDir, 'watchlists', 'hack.yaml'),
    stringify({ entries: [{ chain: 'ethereum', address: await flagged.getAddress(), label: 'Test exploiter', incident: 'test-heist-2026', source: 'https://example.org/attribution', tags: ['lazarus'] }] }),
  );
  writeLabels([labelLine(exchange, 'Test Exchange 14', 'exchange')]);
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger, deliveryBackoffMs: 50 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  provider?.destroy();
  await chain?.stop();
  await smtp?.close();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('address labels end to end', () => {
  it('a watched wallet paying a labelled exchange: the signed webhook carries data.counterparty and the exchange severity; the email names the exchange', async () => {
    const paid = await send(exchange, '3');
    const hook = await hookFor(paid);
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      direction: 'out',
      to: exchange,
      severity: 'critical',
      counterparty: { label: 'Test Exchange 14', category: 'exchange', address: exchange },
    });
    const email = await waitFor(() => smtp.messages.find((m) => (m.text ?? '').includes(paid)), { what: 'the email' });
    expect(email.subject).toContain('[CRITICAL]');
    expect(email.subject).toContain('→ Test Exchange 14 (exchange)');
    expect(email.text).toContain(`To: Test Exchange 14 (exchange) ${exchange}`);
    expect(email.html).toContain('<strong>Test Exchange 14 (exchange)</strong>');
    // An unlabelled recipient: no counterparty, the ordinary outflow severity.
    const plain = await send(getAddress(Wallet.createRandom().address), '1');
    const other = await hookFor(plain);
    expect(other.body.data['severity']).toBe('medium');
    expect('counterparty' in other.body.data).toBe(false);
  });

  it('a label file edit is in force for the next block, without a restart', async () => {
    writeLabels([labelLine(exchange, 'Test Exchange 14', 'exchange'), labelLine(mixer, 'Test Mixer: 10 ETH', 'mixer')]);
    // Pollers re-check the label files before each step: no restart, the next step sees the new label.
    await stepBarrier();
    const mixed = await send(mixer, '10');
    const hook = await hookFor(mixed);
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({ severity: 'high', counterparty: { label: 'Test Mixer: 10 ETH', category: 'mixer', address: mixer } });
  });

  it('a broken label file: `chainwatch validate` prints file:line errors and exits 1; the running process keeps the last good labels', async () => {
    const file = join(configDir, 'labels', 'exchanges.yaml');
    writeFileSync(
      file,
      [
        'labels:',
        `  - { chain: ethereum, address: "${exchange}", label: Test Exchange 14, category: exchange, source: https://etherscan.io }`,
        `  - { chain: ethereum, address: "${mixer.toLowerCase().replace('0x', '0x1')}", label: Broken, category: mixer, source: https://etherscan.io }`,
        `  - { chain: ethereum, address: "${mixer}", label: Renamed, category: casino, source: https://etherscan.io }`,
        '',
      ].join('\n'),
    );
    const r = await runValidate(configDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:3:`);
    expect(r.stderr).toMatch(/exchanges\.yaml:3:\d+: labels\[1\]\.address: not an EVM address: expected 40 hex digits after 0x, got 41/);
    expect(r.stderr).toMatch(/exchanges\.yaml:4:\d+: labels\[2\]\.category: must be one of "exchange"/);
    expect(r.stdout).toContain('invalid: 2 error(s)');

    // The running process rejected the edit: the mixer label it had stays in force.
    await stepBarrier();
    const again = await send(mixer, '1');
    const hook = await hookFor(again);
    expect(hook.body.data).toMatchObject({ severity: 'high', counterparty: { label: 'Test Mixer: 10 ETH', category: 'mixer' } });
  });
});
