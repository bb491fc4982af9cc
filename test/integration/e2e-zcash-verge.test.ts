/**
 * Zcash and Verge through the whole pipeline as an operator runs it: config files -> Bitcoin-engine poller ->
 * Redis queue -> alerter -> real SMTP server and real webhook receiver. Each chain's node is the replay server
 * answering the Core JSON-RPC calls with a real recorded mainnet block (test/fixtures/zcash/NOTES.md,
 * test/fixtures/verge/NOTES.md):
 * - Zcash 1,687,108 (NU5 era, Equihash header), unchanged, under its header hash;
 * - Verge 30,000 (nTime in every transaction, block signature), unchanged, under its scrypt header hash
 *   (the recorded file's `hash` field is not reproducible: see the NOTES).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { buildBitcoinAddress } from '../../src/core/btc/build-bitcoin-address.js';
import { parseBitcoinBlock } from '../../src/core/btc/parse-bitcoin-block.js';
import { readEquihashHeader } from '../../src/core/btc/read-equihash-header.js';
import { scryptHeaderHash } from '../../src/core/btc/scrypt-header-hash.js';
import { utxoBlockRules, utxoNetwork, type UtxoKind } from '../../src/core/btc/utxo-chain.js';
import { startUtxoReplayServer, type UtxoReplayServer } from '../../src/devchain/utxo-replay/start-utxo-replay-server.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

interface Replayed {
  readonly raw: Buffer;
  readonly hash: string;
  readonly height: number;
}
// Served under its header hash (double SHA-256 of the header and solution; the unit tests check it against the
// proof of work and, for its parent 1,687,107, against this block's parent field).
const zecRaw = Buffer.from(readFileSync(fixture('zcash/block-main-1-687-108.txt'), 'utf8').trim(), 'hex');
const xvgRecord = JSON.parse(readFileSync(fixture('verge/verge_mainnet_30000.json'), 'utf8')) as { block: string; height: number; tx: string[] };
const xvgRaw = Buffer.from(xvgRecord.block, 'hex');

let zec: Replayed;
let xvg: Replayed;
let zecNode: UtxoReplayServer;
let xvgNode: UtxoReplayServer;
let smtp: SmtpCapture;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
let running: RunningChainwatch | undefined;
let zecPayee: { address: string; value: bigint; txid: string };
let xvgPayee: { address: string; value: bigint; txid: string };

/** The address of a P2PKH output in the block, in the chain's own form (t1… for Zcash, D… for Verge). */
function payee(block: Replayed, kind: UtxoKind, tx: number, vout: number): { address: string; value: bigint; txid: string } {
  const parsed = parseBitcoinBlock(block.raw, block, utxoBlockRules(kind));
  const out = parsed.txs[tx]!.outs[vout]!;
  expect(out.scriptHex).toMatch(/^76a914[0-9a-f]{40}88ac$/);
  return { address: buildBitcoinAddress(out.scriptHex, utxoNetwork(kind, 'mainnet'))!, value: out.value, txid: parsed.txs[tx]!.txid };
}

beforeAll(async () => {
  zec = { raw: zecRaw, height: 1_687_108, hash: readEquihashHeader(zecRaw, 'zcash 1687108').hash };
  xvg = { raw: xvgRaw, height: xvgRecord.height, hash: scryptHeaderHash(xvgRaw.subarray(0, 80)) };
  // Zcash: transaction 4 has no transparent input and one P2PKH output: value leaving the shielded pool.
  zecPayee = payee(zec, 'zcash', 4, 0);
  expect(zecPayee.address).toMatch(/^t1/);
  // Verge: transaction 1's first output.
  xvgPayee = payee(xvg, 'verge', 1, 0);
  expect(xvgPayee.txid).toBe(xvgRecord.tx[1]);
  expect(xvgPayee.address).toMatch(/^D/);
  zecNode = await startUtxoReplayServer({ blocks: [zec] });
  xvgNode = await startUtxoReplayServer({ blocks: [xvg] });
  smtp = await startSmtpCapture();
  hooks = await startWebhookCapture(SECRET);
  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-zec-xvg-e2e-'));
  prefix = uniqueRedisPrefix('zec-xvg-e2e');
  mkdirSync(join(configDir, 'watchlists'), { recursive: true });
  const common = { network: 'mainnet', confirmations: 1, pollIntervalMs: 100, seedOnStart: false };
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: {
        zcash: { kind: 'zcash', ...common, rpcUrl: zecNode.rpcUrl, startBlock: zec.height, explorerUrl: 'https://blockchair.com/zcash/transaction/{tx}' },
        verge: { kind: 'verge', ...common, rpcUrl: xvgNode.rpcUrl, startBlock: xvg.height, explorerUrl: 'https://chainz.cryptoid.info/xvg/tx.dws?{tx}.htm' },
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
    stringify({ entries: [entry('zcash', zecPayee.address, 'ZEC payee'), entry('verge', xvgPayee.address, 'XVG payee')] }),
  );
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), deliveryBackoffMs: 50 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  await Promise.all([zecNode?.close(), xvgNode?.close(), smtp?.close(), hooks?.close()]);
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

describe('Zcash and Verge end to end on recorded mainnet blocks', { timeout: 120_000 }, () => {
  it('Zcash (block 1,687,108): a t1 output paid out of the shielded pool is alerted in ZEC with a Blockchair link', async () => {
    const { hook, email } = await alerted(zecPayee.txid);
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'zcash', direction: 'in', kind: 'btc', blockNumber: zec.height, blockHash: zec.hash, amount: zecPayee.value.toString(), vout: [0],
      to: [zecPayee.address], asset: { contract: null, symbol: 'ZEC', decimals: 8 },
    });
    expect(email).toContain('0.01 ZEC');
    // The value came out of the shielded pool: transparent inputs minus outputs is no fee, so none is claimed.
    expect(hook.body.data['fee'] ?? null).toBeNull();
    expect(email).not.toMatch(/fee\s+-/i);
    expect(email).toContain(`https://blockchair.com/zcash/transaction/${zecPayee.txid}`);
    expect(hooks.received.filter((h) => h.body.data['txHash'] === zecPayee.txid)).toHaveLength(1);
  });

  it('Verge (block 30,000): the payee is alerted in XVG with 6 decimals and a cryptoid link', async () => {
    const { hook, email } = await alerted(xvgPayee.txid);
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'verge', direction: 'in', kind: 'btc', blockNumber: xvg.height, blockHash: xvg.hash, amount: xvgPayee.value.toString(), vout: [0],
      to: [xvgPayee.address], asset: { contract: null, symbol: 'XVG', decimals: 6 },
    });
    expect(email).toContain('44,472.827639 XVG');
    expect(email).toContain(`https://chainz.cryptoid.info/xvg/tx.dws?${xvgPayee.txid}.htm`);
  });
});
