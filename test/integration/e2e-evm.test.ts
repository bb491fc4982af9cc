/**
 * The whole EVM pipeline as an operator runs it: config files -> poller ->
 * Redis queue -> alerter -> real SMTP server and real webhook receiver,
 * against a real hardhat node and the real Redis.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Contract, JsonRpcProvider, Wallet, getAddress, parseEther, parseUnits, type JsonRpcSigner } from 'ethers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { ConfigError, formatConfigProblem } from '../../src/config/load-config.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type WebhookCapture, type CapturedWebhook } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SOURCE = 'https://example.org/attribution';

let chain: LocalEvmChain;
let provider: JsonRpcProvider;
let smtp: SmtpCapture;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
let running: RunningChainwatch | undefined;
let deployer: JsonRpcSigner;
let flagged: JsonRpcSigner; // the watched hack wallet
let spender: JsonRpcSigner;
const logger = createLogger({ level: 'silent' });

function writeConfig(): void {
  mkdirSync(join(configDir, 'watchlists'), { recursive: true });
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: { ethereum: { kind: 'evm', rpcUrls: [chain.rpcUrl], confirmations: 1, pollIntervalMs: 100, startBlock: 0, explorerUrl: 'https://etherscan.io' } },
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
      // Issue #8: no group wait, so each email follows its movement promptly.
      alerts: { email: { groupWaitMs: 0, groupIntervalMs: 0 } },
    }),
  );
  writeFileSync(
    join(configDir, 'watchlists', 'hack.yaml'),
    stringify({ entries: [{ chain: 'ethereum', address: flaggedAddress(), label: 'Test exploiter', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] }] }),
  );
}

let flaggedAddr = '';
const flaggedAddress = (): string => flaggedAddr;

async function start(): Promise<RunningChainwatch> {
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger, deliveryBackoffMs: 50 });
  return running;
}

async function send(tx: Promise<{ hash: string; wait(): Promise<unknown> }>): Promise<string> {
  const sent = await tx;
  await sent.wait();
  return sent.hash;
}

function hooksFor(txHash: string): CapturedWebhook[] {
  return hooks.received.filter((h) => h.body.data['txHash'] === txHash);
}

function emailsFor(txHash: string): number {
  return smtp.messages.filter((m) => (m.text ?? '').includes(txHash)).length;
}

async function alertedOnce(txHash: string, count = 1): Promise<CapturedWebhook[]> {
  await waitFor(() => hooksFor(txHash).length >= count && emailsFor(txHash) >= count, { what: `alerts for ${txHash}` });
  return hooksFor(txHash);
}

beforeAll(async () => {
  chain = await startLocalEvmChain();
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 50 });
  deployer = await provider.getSigner(0);
  flagged = await provider.getSigner(1);
  spender = await provider.getSigner(2);
  flaggedAddr = await flagged.getAddress();
  smtp = await startSmtpCapture();
  hooks = await startWebhookCapture(SECRET);
  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-e2e-'));
  prefix = uniqueRedisPrefix('e2e');
  writeConfig();
  await start();
});

afterAll(async () => {
  await running?.close();
  provider?.destroy();
  await chain?.stop();
  await smtp?.close();
  await hooks?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('EVM end to end', () => {
  it('alerts once by email and signed webhook for every kind of movement, and not for unrelated traffic', async () => {
    const unrelated = await send(deployer.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('1') }));
    const nativeIn = await send(deployer.sendTransaction({ to: flaggedAddr, value: parseEther('20') }));
    const fresh = Wallet.createRandom().address;
    const nativeOut = await send(flagged.sendTransaction({ to: fresh, value: parseEther('3') }));

    const token = (await deployContract(deployer, 'TestToken', ['Test USD', 'tUSD', 6])) as Contract;
    const mint = await send(token.connect(deployer).getFunction('mint')(flaggedAddr, parseUnits('1000', 6)));
    const approve = await send(token.connect(flagged).getFunction('approve')(await spender.getAddress(), parseUnits('400', 6)));
    // The spender moves the flagged wallet's tokens: the watched address appears only in the Transfer log.
    const pulled = await send(token.connect(spender).getFunction('transferFrom')(flaggedAddr, fresh, parseUnits('400', 6)));

    const nft = (await deployContract(deployer, 'TestNft', [])) as Contract;
    await send(nft.connect(deployer).getFunction('mint')(flaggedAddr, 42n));
    const nftOut = await send(nft.connect(flagged).getFunction('transferFrom')(flaggedAddr, fresh, 42n));

    const [inHook] = await alertedOnce(nativeIn);
    expect(inHook!.signatureValid).toBe(true);
    expect(inHook!.body.type).toBe('movement.detected');
    expect(inHook!.body.data).toMatchObject({
      chain: 'ethereum', direction: 'in', kind: 'native', from: getAddress(await deployer.getAddress()), to: flaggedAddr,
      amount: parseEther('20').toString(), asset: { contract: null, symbol: 'ETH', decimals: 18 }, logIndex: null, tokenId: null,
      watchlist: [{ address: flaggedAddr, label: 'Test exploiter', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] }],
    });

    const [outHook] = await alertedOnce(nativeOut);
    expect(outHook!.body.data).toMatchObject({ direction: 'out', kind: 'native', from: flaggedAddr, to: getAddress(fresh), amount: parseEther('3').toString() });

    const [mintHook] = await alertedOnce(mint);
    expect(mintHook!.body.data).toMatchObject({ direction: 'in', kind: 'erc20', amount: parseUnits('1000', 6).toString(), asset: { contract: await token.getAddress(), symbol: 'tUSD', decimals: 6 } });

    const [approveHook] = await alertedOnce(approve);
    expect(approveHook!.body.data).toMatchObject({ direction: 'out', kind: 'activity', from: flaggedAddr, amount: '0' });

    const [pulledHook] = await alertedOnce(pulled);
    expect(pulledHook!.body.data).toMatchObject({ direction: 'out', kind: 'erc20', from: flaggedAddr, to: getAddress(fresh), amount: parseUnits('400', 6).toString() });
    expect(typeof pulledHook!.body.data['logIndex']).toBe('number');

    const [nftHook] = await alertedOnce(nftOut);
    expect(nftHook!.body.data).toMatchObject({ direction: 'out', kind: 'erc721', tokenId: '42', amount: '1' });

    // The email names label (subject), incident (body), direction and amount, and links the explorer.
    const email = smtp.messages.find((m) => (m.text ?? '').includes(nativeOut))!;
    expect(email.subject).toContain('Test exploiter');
    expect(email.text).toContain('test-heist-2026');
    expect(email.subject).toMatch(/out/i);
    expect(email.subject).toContain('3 ETH');
    expect(email.text).toContain(`https://etherscan.io/tx/${nativeOut}`);
    expect(email.html).toContain(`https://etherscan.io/tx/${nativeOut}`);

    // Nothing for the unrelated transfer; nothing twice.
    expect(hooksFor(unrelated)).toHaveLength(0);
    expect(emailsFor(unrelated)).toBe(0);
    const ids = hooks.received.map((h) => String(h.headers['webhook-id']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(hooks.received.every((h) => h.signatureValid)).toBe(true);
  });

  it('after a restart resumes with no gap and no repeat, catching blocks mined while it was down', async () => {
    const before = hooks.received.length;
    const emailsBefore = smtp.messages.length;
    await running!.close();
    const missed: string[] = [];
    for (let i = 0; i < 3; i++) missed.push(await send(flagged.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('0.1') })));
    await provider.send('hardhat_mine', ['0x5']);
    await start();
    for (const tx of missed) await alertedOnce(tx);
    expect(hooks.received.length - before).toBe(3);
    // Emails are grouped (issue #8): the three may share a digest, but each is in exactly one email.
    for (const tx of missed) expect(emailsFor(tx)).toBe(1);
    expect(smtp.messages.length - emailsBefore).toBeGreaterThanOrEqual(1);
    expect(smtp.messages.length - emailsBefore).toBeLessThanOrEqual(3);
  });

  it('re-processing the whole chain from block 0 (cursor lost) alerts nothing twice', async () => {
    const before = hooks.received.length;
    const emailsBefore = smtp.messages.length;
    await running!.close();
    const redis = new Redis(TEST_REDIS_URL);
    await redis.del(`${prefix}:cursor:ethereum`);
    redis.disconnect();
    const head = await provider.getBlockNumber();
    const restarted = await start();
    await waitFor(async () => ((await restarted.metrics.lastProcessedBlock.get()).values[0]?.value ?? -1) >= head, { what: 'reprocessing to head' });
    // Give the alerter the chance to (wrongly) deliver: a marker movement after the replay must arrive alone.
    const marker = await send(deployer.sendTransaction({ to: flaggedAddr, value: 1n }));
    await alertedOnce(marker);
    expect(hooks.received.length - before).toBe(1);
    expect(smtp.messages.length - emailsBefore).toBe(1);
  });

  it('handles a reorg: the replacing block\'s movement is alerted, the rewind is counted', async () => {
    const snapshot = (await provider.send('evm_snapshot', [])) as string;
    const orphan = await send(flagged.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('0.2') }));
    await alertedOnce(orphan);
    await provider.send('evm_revert', [snapshot]);
    // A different history, longer than the orphaned one.
    await provider.send('hardhat_mine', ['0x2']);
    const replacement = await send(flagged.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('0.3') }));
    const [hook] = await alertedOnce(replacement);
    expect(hook!.body.data).toMatchObject({ direction: 'out', amount: parseEther('0.3').toString() });
    const reorgs = (await running!.metrics.reorgs.get()).values.reduce((s, v) => s + v.value, 0);
    expect(reorgs).toBeGreaterThanOrEqual(1);
  });

  it('picks up a watchlist entry added while running, without a restart', async () => {
    const newcomer = Wallet.createRandom().address;
    writeFileSync(
      join(configDir, 'watchlists', 'added-later.yaml'),
      stringify({ entries: [{ chain: 'ethereum', address: newcomer, label: 'Newly attributed wallet', incident: 'test-heist-2026', source: SOURCE, tags: [] }] }),
    );
    const tx = await send(deployer.sendTransaction({ to: newcomer, value: parseEther('1') }));
    const [hook] = await alertedOnce(tx);
    expect(hook!.body.data).toMatchObject({ direction: 'in', to: newcomer, watchlist: [{ label: 'Newly attributed wallet' }] });
  });

  it('refuses to start on a broken watchlist and names file, line and field', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'chainwatch-e2e-broken-'));
    try {
      mkdirSync(join(broken, 'watchlists'));
      writeFileSync(join(broken, 'chainwatch.yaml'), `chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["${chain.rpcUrl}"]\nwebhooks:\n  - id: a\n    url: http://127.0.0.1:1/hook\n    secret: ${SECRET}\n`);
      // Mixed case with a wrong EIP-55 checksum (last letter's case flipped).
      let letter = flaggedAddr.length - 1;
      while (!/[a-fA-F]/.test(flaggedAddr[letter]!)) letter--;
      const flipped = flaggedAddr[letter] === flaggedAddr[letter]!.toLowerCase() ? flaggedAddr[letter]!.toUpperCase() : flaggedAddr[letter]!.toLowerCase();
      const bad = flaggedAddr.slice(0, letter) + flipped + flaggedAddr.slice(letter + 1);
      writeFileSync(join(broken, 'watchlists', 'bad.yaml'), `entries:\n  - chain: ethereum\n    address: "${bad}"\n    label: x\n    incident: x\n    source: ${SOURCE}\n`);
      const error = await runChainwatch({ configDir: broken, roles: ['poller'], logger }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ConfigError);
      const lines = (error as ConfigError).problems.map(formatConfigProblem);
      expect(lines.some((l) => l.includes('bad.yaml:3') && l.includes('entries[0].address'))).toBe(true);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
