/**
 * Litecoin, Dogecoin and Bitcoin Cash through the whole pipeline as an operator
 * runs it: config files -> Bitcoin-engine poller -> Redis queue -> alerter ->
 * real SMTP server and real webhook receiver. Each chain's node is a replay
 * server answering the Core JSON-RPC calls with real recorded mainnet blocks
 * (test/fixtures/SOURCES.md); Bitcoin Cash also gets one constructed block on
 * top of its recorded one, with a CashTokens output (no recorded token block
 * was available), which is also served from the mempool first.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Block, address as btcAddress } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startUtxoReplayServer, type UtxoReplayServer } from '../../src/devchain/utxo-replay/start-utxo-replay-server.js';
import { buildLegacyBlock, serializeLegacyTx, txidOf } from '../helpers/build-legacy-block.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from '../helpers/webhook-capture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SOURCE = 'https://example.org/attribution';
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const recorded = (name: string): { raw: Buffer; hash: string; height: number } => {
  const j = JSON.parse(readFileSync(fixture(name), 'utf8')) as { block: string; hash: string; height: number };
  return { raw: Buffer.from(j.block, 'hex'), hash: j.hash, height: j.height };
};

const ltc = recorded('litecoin/litecoin_mainnet_2265985.json');
const doge = recorded('dogecoin/dogecoin_mainnet_371337.json');
const BCH_HASH = '000000000000000004CC499E0D8B13A3D08562B8336C4B207E79A625E17F13D1';
const bch = { raw: Buffer.from(readFileSync(fixture(`bitcoin-cash/${BCH_HASH}`), 'utf8').trim(), 'hex'), hash: BCH_HASH.toLowerCase(), height: 634522 };

// Bitcoin Cash: the payee of tx 10 vout 0 of block 634,522, written in the watchlist in its legacy form
// (derived here with bitcoinjs-lib from the block's own script), alerted in CashAddr.
const bchTx10 = Block.fromBuffer(bch.raw).transactions![10]!;
const bchPayeeLegacy = btcAddress.toBase58Check(bchTx10.outs[0]!.script.subarray(3, 23), 0x00);
const BCH_PAYEE_CASHADDR = 'bitcoincash:qpzlayqth9vvpr6fal0c5fdc26t09mp7tuxfyflmxe';
// An OFAC SDN-listed Bitcoin Cash address (config/watchlists/ofac-sdn-bitcoin-cash.yaml) receiving CashTokens.
const OFAC_BCH = 'bitcoincash:qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq';
const OFAC_BCH_HASH = '52ac06f8a36dcc7ec0e0fdfbc944e00050da37df'; // its CashAddr payload (spec test vectors in test/unit/address)
const p2pkh = (hashHex: string): Buffer => Buffer.from(`76a914${hashHex}88ac`, 'hex');
const tokenOutput = Buffer.concat([
  Buffer.from([0xef]),
  Buffer.from(bchTx10.getId(), 'hex').reverse(), // category: the txid of the outpoint spent at input 0 (genesis)
  Buffer.from([0x10, 0xfd, 0xe8, 0x03]), // has amount; amount 1000 (CompactSize)
  p2pkh(OFAC_BCH_HASH),
]);
const tokenTx = serializeLegacyTx([{ txid: bchTx10.getId(), vout: 1, script: Buffer.from('0100', 'hex') }], [
  { value: 1000n, script: tokenOutput },
  { value: 10_000_000n, script: p2pkh('11'.repeat(20)) },
]);
const coinbase = serializeLegacyTx([{ txid: '00'.repeat(32), vout: 0xffffffff, script: Buffer.from('039bae09', 'hex') }], [{ value: 625_000_000n, script: p2pkh('22'.repeat(20)) }]);
const tokenBlock = buildLegacyBlock(bch.hash, [coinbase, tokenTx], 1_590_000_000);

let ltcNode: UtxoReplayServer;
let dogeNode: UtxoReplayServer;
let bchNode: UtxoReplayServer;
let smtp: SmtpCapture;
let hooks: WebhookCapture;
let configDir: string;
let prefix: string;
let running: RunningChainwatch | undefined;

beforeAll(async () => {
  ltcNode = await startUtxoReplayServer({ blocks: [ltc] });
  dogeNode = await startUtxoReplayServer({ blocks: [doge], dogecoinCore: true });
  bchNode = await startUtxoReplayServer({ blocks: [bch, { height: bch.height + 1, ...tokenBlock }], mempool: [{ txid: txidOf(tokenTx), raw: tokenTx }] });
  smtp = await startSmtpCapture();
  hooks = await startWebhookCapture(SECRET);
  configDir = mkdtempSync(join(tmpdir(), 'chainwatch-utxo-e2e-'));
  prefix = uniqueRedisPrefix('utxo-e2e');
  mkdirSync(join(configDir, 'watchlists'), { recursive: true });
  const common = { network: 'mainnet', confirmations: 1, pollIntervalMs: 100 };
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: {
        litecoin: { kind: 'litecoin', ...common, rpcUrl: ltcNode.rpcUrl, startBlock: ltc.height, explorerUrl: 'https://litecoinspace.org', seedOnStart: false },
        // Dogecoin Core has no scantxoutset: seeding fails for good and the chain is followed anyway.
        dogecoin: { kind: 'dogecoin', ...common, rpcUrl: dogeNode.rpcUrl, startBlock: doge.height, explorerUrl: 'https://dogechain.info', seedOnStart: true },
        'bitcoin-cash': { kind: 'bitcoin-cash', ...common, rpcUrl: bchNode.rpcUrl, startBlock: bch.height, explorerUrl: 'https://explorer.bitcoin.com/bch', mempool: true },
      },
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      // One prompt email per movement here (issue #8 grouping would hold later ones for groupIntervalMs).
      alerts: { email: { minSeverity: 'info', groupBy: ['incident', 'direction', 'kind'], groupWaitMs: 0, groupIntervalMs: 0 } },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret: SECRET }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
    }),
  );
  const entry = (chain: string, address: string, label: string) => ({ chain, address, label, incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] });
  writeFileSync(
    join(configDir, 'watchlists', 'utxo.yaml'),
    stringify({
      entries: [
        entry('litecoin', 'LdgG1wAKE341qyvRtR8Tvw7jp5veonokHL', 'LTC legacy payee'),
        entry('litecoin', 'LTC1QCKUS8NVGHXWM8645YLRYFUVRM60NRAGLTSSA8A', 'LTC bech32 payee'),
        entry('dogecoin', 'DGyiBd4UtcYB69dW1hL5TrySMUyPg1KSkg', 'DOGE payee'),
        entry('bitcoin-cash', bchPayeeLegacy, 'BCH payee (legacy form in the list)'),
        entry('bitcoin-cash', OFAC_BCH.slice('bitcoincash:'.length), 'BCH token receiver'),
      ],
    }),
  );
  running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger: createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), deliveryBackoffMs: 50 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  await Promise.all([ltcNode?.close(), dogeNode?.close(), bchNode?.close(), smtp?.close(), hooks?.close()]);
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

function hooksFor(txHash: string, confirmed = true): CapturedWebhook[] {
  return hooks.received.filter((h) => h.body.data['txHash'] === txHash && (h.body.data['confirmations'] === 0) !== confirmed);
}
function emailFor(txHash: string, confirmed = true): string | undefined {
  // A digest lists one row per movement ("- <time>  <chain>  IN (mempool)  ..." then its from/to/tx lines);
  // a mempool sighting's row says "(mempool)". Judge the row of this transaction, not the whole digest.
  return smtp.messages
    .map((m) => m.text ?? '')
    .find((t) => t.split('\n- ').some((row) => row.includes(txHash) && row.includes('(mempool)') !== confirmed));
}
async function alerted(txHash: string, confirmed = true): Promise<{ hook: CapturedWebhook; email: string }> {
  return waitFor(
    () => {
      const hook = hooksFor(txHash, confirmed)[0];
      const email = emailFor(txHash, confirmed);
      return hook !== undefined && email !== undefined ? { hook, email } : undefined;
    },
    { what: `${confirmed ? 'confirmed' : 'mempool'} alerts for ${txHash}`, timeoutMs: 90_000 },
  );
}

describe('UTXO families end to end on recorded mainnet blocks', { timeout: 120_000 }, () => {
  it('Litecoin (MWEB-era block 2,265,985): legacy and bech32 payees alerted in LTC with litecoinspace links', async () => {
    const { hook, email } = await alerted('2b682b5b7c07b2d65928a0c6e374497afbe53fe1e90a93255fdd2eea1b94e63e');
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'litecoin', direction: 'in', kind: 'btc', blockNumber: ltc.height, blockHash: ltc.hash, amount: '500000000', vout: [0],
      to: ['LdgG1wAKE341qyvRtR8Tvw7jp5veonokHL'], asset: { contract: null, symbol: 'LTC', decimals: 8 },
    });
    expect(email).toContain('5 LTC');
    expect(email).toContain('https://litecoinspace.org/tx/2b682b5b7c07b2d65928a0c6e374497afbe53fe1e90a93255fdd2eea1b94e63e');
    const segwit = await alerted('1494ae566aa3d3498a5cbb90b8f305a46467f616cb2bb62e3713c6ce3d80bbb5');
    expect(segwit.hook.body.data).toMatchObject({ to: ['ltc1qckus8nvghxwm8645ylryfuvrm60nragltssa8a'], amount: '5310902', vout: [1] });
    expect(segwit.email).toContain('0.05310902 LTC');
  });

  it('Dogecoin (AuxPoW block 371,337): both payments to the watched D… address, with Dogecoin Core\'s boolean getblock', async () => {
    const first = await alerted('5e3ab18cb7ba3abc44e62fb3a43d4c8168d00cf0a2e0f8dbeb2636bb9a212d12');
    expect(first.hook.body.data).toMatchObject({ chain: 'dogecoin', direction: 'in', amount: '56900000000', to: ['DGyiBd4UtcYB69dW1hL5TrySMUyPg1KSkg'], asset: { symbol: 'DOGE', decimals: 8 } });
    expect(first.email).toContain('569 DOGE');
    expect(first.email).toContain('https://dogechain.info/tx/5e3ab18cb7ba3abc44e62fb3a43d4c8168d00cf0a2e0f8dbeb2636bb9a212d12');
    const second = await alerted('02c16e3389320da3e77686d39773dda65a1ecdf98a2ef9cfb938c9f4b58f7a40');
    expect(second.email).toContain('29.12000001 DOGE');
    expect(dogeNode.calls).toContain('getblock false');
    expect(dogeNode.calls).toContain('scantxoutset');
  });

  it('Bitcoin Cash: a payee listed in legacy form is alerted in CashAddr; a CashTokens output to an OFAC address is alerted from the mempool and again when mined', async () => {
    const legacy = await alerted(bchTx10.getId());
    expect(legacy.hook.body.data).toMatchObject({ chain: 'bitcoin-cash', direction: 'in', amount: '8022095', to: [BCH_PAYEE_CASHADDR], asset: { symbol: 'BCH', decimals: 8 } });
    expect((legacy.hook.body.data['watchlist'] as { address: string }[])[0]!.address).toBe(BCH_PAYEE_CASHADDR);
    expect(legacy.email).toContain('0.08022095 BCH');
    expect(legacy.email).toContain(`https://explorer.bitcoin.com/bch/tx/${bchTx10.getId()}`);

    const tokenTxid = txidOf(tokenTx);
    const mempool = await alerted(tokenTxid, false);
    expect(mempool.hook.body.data).toMatchObject({ chain: 'bitcoin-cash', confirmations: 0, blockNumber: null, amount: '1000', to: [OFAC_BCH] });
    const mined = await alerted(tokenTxid);
    expect(mined.hook.body.data).toMatchObject({ blockNumber: bch.height + 1, blockHash: tokenBlock.hash, amount: '1000', to: [OFAC_BCH], vout: [0] });
    expect(mined.email).toContain('0.00001 BCH');
    // Each movement alerted once per channel (no duplicates from the two chains of blocks or the reload loop).
    expect(hooksFor(tokenTxid)).toHaveLength(1);
  });
});
