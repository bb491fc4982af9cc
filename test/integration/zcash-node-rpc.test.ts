/**
 * The Zcash chain's node calls as zebrad takes them: getrawtransaction's `verbose` must be a number (zebrad's
 * u8, zcashd's get_int). With Bitcoin's `false` the node refuses every call and the mempool early warning
 * never sees a transaction. A replay server in zebrad mode serves a real v5 transaction (the first ZIP-244
 * test vector) as its mempool.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btcBackend } from '../../src/app/btc-backend.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { bitcoinChainSchema, type BitcoinChainConfig } from '../../src/config/schema.js';
import { parseBitcoinTransaction } from '../../src/core/btc/parse-bitcoin-transaction.js';
import { utxoBlockRules } from '../../src/core/btc/utxo-chain.js';
import { startUtxoReplayServer, type UtxoReplayServer } from '../../src/devchain/utxo-replay/start-utxo-replay-server.js';

const rows = (JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/zcash/zip_0244.json', import.meta.url)), 'utf8')) as unknown[][]).slice(2) as [string, string][];
const raw = Buffer.from(rows[0]![0], 'hex');
const txid = Buffer.from(rows[0]![1], 'hex').reverse().toString('hex');
const block = Buffer.from(readFileSync(fileURLToPath(new URL('../fixtures/zcash/block-main-0-000-001.txt', import.meta.url)), 'utf8').trim(), 'hex');

let node: UtxoReplayServer;
beforeAll(async () => {
  node = await startUtxoReplayServer({ blocks: [{ height: 1, hash: '00'.repeat(32), raw: block }], mempool: [{ txid, raw }], zebrad: true });
});
afterAll(async () => {
  await node?.close();
});

const chain = (kind: 'zcash' | 'bitcoin'): BitcoinChainConfig => ({ id: kind, ...bitcoinChainSchema.parse({ kind, network: 'mainnet', rpcUrl: node.rpcUrl }) });

describe('zcash mempool through a zebrad-like node', () => {
  it('asks getrawtransaction with verbose 0, gets the transaction and parses it with Zcash\'s rules', async () => {
    const backend = btcBackend(chain('zcash'), createLogger({ level: 'silent' }), createMetrics());
    expect(await backend.fetchMempoolTxids()).toEqual([txid]);
    const [got] = await backend.fetchRawTransactions([txid]);
    expect(got).not.toBeNull();
    expect(parseBitcoinTransaction(got!, txid, utxoBlockRules('zcash')).txid).toBe(txid);
  });

  it('Bitcoin\'s boolean would be refused by this node (what the zcash option prevents)', async () => {
    const backend = btcBackend(chain('bitcoin'), createLogger({ level: 'silent' }), createMetrics());
    await expect(backend.fetchRawTransactions([txid])).rejects.toMatchObject({ code: 'BTC_BACKEND_RPC_ERROR', message: expect.stringContaining('expected u8') as string });
  });
});
