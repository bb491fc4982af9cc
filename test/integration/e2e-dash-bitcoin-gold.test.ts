/**
 * Dash and Bitcoin Gold through the whole pipeline as an operator runs it: config files -> Bitcoin-engine
 * poller -> Redis queue -> alerter -> real SMTP server and real webhook receiver. Each chain's node is the
 * replay server answering the Core JSON-RPC calls with a real recorded mainnet block (test/fixtures/SOURCES.md):
 * Dash 844,898 (X11-named), Bitcoin Gold 499,912 (Equihash header and solution).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { address as btcAddress } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBitcoinBlock } from '../../src/core/btc/parse-bitcoin-block.js';
import { utxoBlockRules } from '../../src/core/btc/utxo-chain.js';
import type { ChainwatchPipeline } from '../helpers/start-chainwatch-pipeline.js';
import { startUtxoReplayPipeline } from '../helpers/start-utxo-replay-pipeline.js';

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

let pipeline: ChainwatchPipeline;
let dashPayee: { address: string; value: bigint };
let btgPayee: { address: string; value: bigint };

beforeAll(async () => {
  // Dash: the coinbase's second output (the masternode reward); Bitcoin Gold: transaction 1's first output.
  dashPayee = payee(dash, 'dash', 0, 1, 0x4c);
  btgPayee = payee(btg, 'bitcoin-gold', 1, 0, 0x26);
  pipeline = await startUtxoReplayPipeline({
    name: 'dash-btg',
    chains: {
      dash: { kind: 'dash', blocks: [dash], explorerUrl: 'https://insight.dash.org/insight', watch: { address: dashPayee.address, label: 'DASH payee' } },
      'bitcoin-gold': { kind: 'bitcoin-gold', blocks: [btg], explorerUrl: 'https://btgexplorer.com', watch: { address: btgPayee.address, label: 'BTG payee' } },
    },
  });
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
});

describe('Dash and Bitcoin Gold end to end on recorded mainnet blocks', { timeout: 120_000 }, () => {
  it('Dash (block 844,898, X11): the masternode payee of the coinbase is alerted in DASH with an insight link', async () => {
    const { hook, email } = await pipeline.waitForAlert(dash.tx[0]!, { timeoutMs: 90_000 });
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'dash', direction: 'in', kind: 'btc', blockNumber: dash.height, blockHash: dash.hash, amount: dashPayee.value.toString(), vout: [1],
      to: [dashPayee.address], asset: { contract: null, symbol: 'DASH', decimals: 8 },
    });
    expect(email).toContain('1.67279907 DASH');
    expect(email).toContain(`https://insight.dash.org/insight/tx/${dash.tx[0]!}`);
  });

  it('Bitcoin Gold (block 499,912, Equihash): the payee is alerted in BTG with a btgexplorer link', async () => {
    const { hook, email } = await pipeline.waitForAlert(btg.tx[1]!, { timeoutMs: 90_000 });
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({
      chain: 'bitcoin-gold', direction: 'in', kind: 'btc', blockNumber: btg.height, blockHash: btg.hash, amount: btgPayee.value.toString(), vout: [0],
      to: [btgPayee.address], asset: { contract: null, symbol: 'BTG', decimals: 8 },
    });
    expect(email).toContain('7.32127409 BTG');
    expect(email).toContain(`https://btgexplorer.com/tx/${btg.tx[1]!}`);
    expect(pipeline.hooksFor(btg.tx[1]!)).toHaveLength(1);
  });
});
