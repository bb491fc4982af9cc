/**
 * Zcash and Verge through the whole pipeline as an operator runs it: config files -> Bitcoin-engine poller ->
 * Redis queue -> alerter -> real SMTP server and real webhook receiver. Each chain's node is the replay server
 * answering the Core JSON-RPC calls with a real recorded mainnet block (test/fixtures/zcash/NOTES.md,
 * test/fixtures/verge/NOTES.md):
 * - Zcash 1,687,108 (NU5 era, Equihash header), unchanged, under its header hash;
 * - Verge 30,000 (nTime in every transaction, block signature), unchanged, under its scrypt header hash
 *   (the recorded file's `hash` field is not reproducible: see the NOTES).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBitcoinAddress } from '../../src/core/btc/build-bitcoin-address.js';
import { parseBitcoinBlock } from '../../src/core/btc/parse-bitcoin-block.js';
import { readEquihashHeader } from '../../src/core/btc/read-equihash-header.js';
import { scryptHeaderHash } from '../../src/core/btc/scrypt-header-hash.js';
import { utxoBlockRules, utxoNetwork, type UtxoKind } from '../../src/core/btc/utxo-chain.js';
import type { ChainwatchPipeline } from '../helpers/start-chainwatch-pipeline.js';
import { startUtxoReplayPipeline } from '../helpers/start-utxo-replay-pipeline.js';

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
let pipeline: ChainwatchPipeline;
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
  pipeline = await startUtxoReplayPipeline({
    name: 'zec-xvg',
    chains: {
      zcash: { kind: 'zcash', blocks: [zec], explorerUrl: 'https://blockchair.com/zcash/transaction/{tx}', watch: { address: zecPayee.address, label: 'ZEC payee' } },
      verge: { kind: 'verge', blocks: [xvg], explorerUrl: 'https://chainz.cryptoid.info/xvg/tx.dws?{tx}.htm', watch: { address: xvgPayee.address, label: 'XVG payee' } },
    },
  });
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
});

describe('Zcash and Verge end to end on recorded mainnet blocks', { timeout: 120_000 }, () => {
  it('Zcash (block 1,687,108): a t1 output paid out of the shielded pool is alerted in ZEC with a Blockchair link', async () => {
    const { hook, email } = await pipeline.waitForAlert(zecPayee.txid, { timeoutMs: 90_000 });
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
    expect(pipeline.hooksFor(zecPayee.txid)).toHaveLength(1);
  });

  it('Verge (block 30,000): the payee is alerted in XVG with 6 decimals and a cryptoid link', async () => {
    const { hook, email } = await pipeline.waitForAlert(xvgPayee.txid, { timeoutMs: 90_000 });
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'verge', direction: 'in', kind: 'btc', blockNumber: xvg.height, blockHash: xvg.hash, amount: xvgPayee.value.toString(), vout: [0],
      to: [xvgPayee.address], asset: { contract: null, symbol: 'XVG', decimals: 6 },
    });
    expect(email).toContain('44,472.827639 XVG');
    expect(email).toContain(`https://chainz.cryptoid.info/xvg/tx.dws?${xvgPayee.txid}.htm`);
  });
});
