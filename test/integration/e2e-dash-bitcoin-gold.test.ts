/**
 * Dash and Bitcoin Gold through the whole pipeline as an operator runs it: config files -> Bitcoin-engine
 * poller -> Redis queue -> alerter -> real SMTP server and real webhook receiver. Each chain's node is the
 * replay server answering the Core JSON-RPC calls with a real recorded mainnet block (test/fixtures/SOURCES.md):
 * Dash 844,898 (X11-named), Bitcoin Gold 499,912 (Equihash header and solution).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { address as btcAddress } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { parseBitcoinBlock } from '../../src/core/btc/parse-bitcoin-block.js';
import { utxoBlockRules } from '../../src/core/btc/utxo-chain.js';
import { startUtxoReplayServer, type UtxoReplayServer } from '../../src/devchain/utxo-replay/start-utxo-replay-server.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
interface Recorded {
  readonly raw: Buffer;
  readonly hash: string;
  readonly height: number;
  readonly tx: readonly string[];
}
const recorded = (name: string): Recorded => {
  const j = JSON.parse(readFileSync(fixture(name), 'utf8')) as { block: string; hash: string; height: number; tx: string[] };
  return { raw: Buffer.from(j.block, 'hex'), hash: j.hash, height: j.height, tx: j.tx };
};
const dash = recorded('dash/dash_mainnet_844898.json');
const btg = recorded('bitcoin-gold/bitcoingold_mainnet_499912.json');

// The payees, written as each chain's base58 address of the P2PKH script in the block (X… is 0x4c, G… is 0x26).
const payee = (rec: Recorded, kind: 'dash' | 'bitcoin-gold', tx: number, vout: number, version: number): { address: string; value: bigint } => {
  const out = parseBitcoinBlock(rec.raw, rec, utxoBlockRules(kind)).txs[tx]!.outs[vout]!;
  expect(out.scriptHex).toMatch(/^76a914[0-9a-f]{40}88ac$/);
  return { address: btcAddress.toBase58Check(Buffer.from(out.scriptHex.slice(6, 46), 'hex'), version), value: out.value };
};

let dashNode: UtxoReplayServer;
let btgNode: UtxoReplayServer;
let smtp: SmtpCapture;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
let running: RunningChainwatch | undefined;
let dashPayee: { address: string; value: bigint };
let btgPayee: { address: string; value: bigint };

beforeAll(async () => {
  // Dash: the coinbase's second output (the masternode reward); Bitcoin Gold: transaction 1's first output.
  dashPayee = payee(dash, 'dash', 0, 1, 0x4c);
  btgPayee = payee(btg, 'bitcoin-gold', 1, 0, 0x26);
  dashNode = await startUtxoReplayServer({ blocks: [dash] });
  btgNode = await startUtxoReplayServer({ blocks: [btg] });
  smtp = await startSmtpCapture();
  hooks = await startWebhookCapture(SECRET);
  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-dash-btg-e2e-'));
  prefix = uniqueRedisPrefix('dash-btg-e2e');
  mkdirSync(join(configDir, 'watchlists'), { recursive: true });
  const common = { network: 'mainnet', confirmations: 1, pollIntervalMs: 100, seedOnStart: false };
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: {
        dash: { kind: 'dash', ...common, rpcUrl: dashNode.rpcUrl, startBlock: dash.height, explorerUrl: 'https://insight.dash.org/insight' },
        'bitcoin-gold': { kind: 'bitcoin-gold', ...common, rpcUrl: btgNode.rpcUrl, startBlock: btg.height, explorerUrl: 'https://btgexplorer.com' },
      },
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      alerts: { email: { minSeverity: 'info', groupBy: ['incident', 'direction', 'kind'], groupWaitMs: 0, groupIntervalMs: 0 } },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
    }),
  );
  const entry = (chain: string, address: string, label: string) => ({ chain, address, label, incident: 'test-heist-2026', source: 'https://example.org/attribution', tags: ['lazarus'] });
  writeFileSync(
    join(configDir, 'watchlists', 'utxo.yaml'),
    stringify({ entries: [entry('dash', dashPayee.address, 'DASH payee'), entry('bitcoin-gold', btgPayee.address, 'BTG payee')] }),
  );
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), deliveryBackoffMs: 50 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  await Promise.all([dashNode?.close(), btgNode?.close(), smtp?.close(), hooks?.close()]);
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

async function alerted(txHash: string): Promise<{ hook: CapturedWebhook; email: string }> {
  return waitFor(
    () => {
      const hook = hooks.received.find((h) => h.body.data['txHash'] === txHash);
      const email = smtp.messages.map((m) => m.text ?? '').find((t) => t.includes(txHash));
      return hook !== undefined && email !== undefined ? { hook, email } : undefined;
    },
    { what: `alerts for ${txHash}`, timeoutMs: 90_000 },
  );
}

describe('Dash and Bitcoin Gold end to end on recorded mainnet blocks', { timeout: 120_000 }, () => {
  it('Dash (block 844,898, X11): the masternode payee of the coinbase is alerted in DASH with an insight link', async () => {
    const { hook, email } = await alerted(dash.tx[0]!);
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'dash', direction: 'in', kind: 'btc', blockNumber: dash.height, blockHash: dash.hash, amount: dashPayee.value.toString(), vout: [1],
      to: [dashPayee.address], asset: { contract: null, symbol: 'DASH', decimals: 8 },
    });
    expect(email).toContain('1.67279907 DASH');
    expect(email).toContain(`https://insight.dash.org/insight/tx/${dash.tx[0]!}`);
  });

  it('Bitcoin Gold (block 499,912, Equihash): the payee is alerted in BTG with a btgexplorer link', async () => {
    const { hook, email } = await alerted(btg.tx[1]!);
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'bitcoin-gold', direction: 'in', kind: 'btc', blockNumber: btg.height, blockHash: btg.hash, amount: btgPayee.value.toString(), vout: [0],
      to: [btgPayee.address], asset: { contract: null, symbol: 'BTG', decimals: 8 },
    });
    expect(email).toContain('7.32127409 BTG');
    expect(email).toContain(`https://btgexplorer.com/tx/${btg.tx[1]!}`);
    expect(hooks.received.filter((h) => h.body.data['txHash'] === btg.tx[1])).toHaveLength(1);
  });
});
