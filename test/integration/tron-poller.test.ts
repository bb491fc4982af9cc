/**
 * The Tron poller against the replay node: real Redis cursor, the shared ChainFollower's
 * confirmations and reorg handling (a replaced block with a new hash is rewound and re-read).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCursorStore } from '../../src/adapters/redis/cursor-store.js';
import { createRedisReorgLedger } from '../../src/adapters/redis/reorg-ledger.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { createTronPoller } from '../../src/app/tron-poller.js';
import type { TronChainConfig } from '../../src/config/schema.js';
import { encodeTronAddress } from '../../src/core/address/normalize-tron-address.js';
import { buildWatchlistIndex } from '../../src/core/build-watchlist-index.js';
import type { MovementSink } from '../../src/core/ports.js';
import { assembledBlockId, fillerBlock, startTronReplayServer, type TronReplayBlock, type TronReplayServer } from '../../src/devchain/tron/start-tron-replay-server.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { LEDGER_SENDER_KEY, LEDGER_USDT_TX, RECORDED_BLOCK, ledgerLiveReplayBlock, recordedReplayBlock } from '../helpers/tron-fixtures.js';
import { collectingSink } from '../helpers/collecting-sink.js';

const N = RECORDED_BLOCK;
let redis: Redis;
let prefix: string;
let node: TronReplayServer;
let recorded: TronReplayBlock;

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  recorded = await recordedReplayBlock();
});
afterAll(() => redis?.disconnect());
beforeEach(() => {
  prefix = uniqueRedisPrefix('tron');
});
afterEach(async () => {
  await node?.close();
  await deleteRedisPrefix(prefix);
});

const index = buildWatchlistIndex([
  { chain: 'tron', address: encodeTronAddress(LEDGER_SENDER_KEY)!, matchKey: LEDGER_SENDER_KEY, label: 'launderer', incident: 'test-hack-2024', source: 'https://example.org/a', tags: [], enabled: true, file: 't.yaml', line: 1 },
]);

function poller(httpUrl: string, sink: MovementSink, confirmations = 1, apiKey?: string, maxBlocksPerBatch = 5) {
  const chain: TronChainConfig = { id: 'tron', kind: 'tron', httpUrl, ...(apiKey !== undefined ? { apiKey } : {}), confirmations, pollIntervalMs: 50, startBlock: N, explorerUrl: 'https://tronscan.org/#/transaction/{tx}', maxBlocksPerBatch, rpcTimeoutMs: 5000, enabled: true };
  return createTronPoller({ chain, currentWatchlist: () => index, cursorStore: createRedisCursorStore(redis, prefix), sink, reorgLedger: createRedisReorgLedger(redis, prefix), logger: createLogger({ level: 'silent' }), metrics: createMetrics(), retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
}

/** Block N+1 on another fork: a TRX transfer to the watched address instead of the ledger-live transactions. */
function forkBlock(parentHash: string): TronReplayBlock {
  const txID = 'ee'.repeat(32);
  return {
    block: {
      blockID: assembledBlockId(N + 1, `fork|${parentHash}`),
      block_header: { raw_data: { number: N + 1, parentHash, timestamp: 1_767_879_417_000, version: 32 } },
      transactions: [
        {
          ret: [{ contractRet: 'SUCCESS' }],
          txID,
          raw_data: { contract: [{ type: 'TransferContract', parameter: { value: { owner_address: '411c38081f7c64d48f5dbca8f3f5412cf8b83aeb98', to_address: LEDGER_SENDER_KEY, amount: 12_000_000 } } }] },
        },
      ],
    },
    infos: [{ id: txID, blockNumber: N + 1, receipt: { net_usage: 268 } }],
  };
}

describe('Tron poller', () => {
  it('waits for confirmations, keeps its cursor in Redis, and rewinds a reorged block', async () => {
    const recordedId = String(recorded.block['blockID']);
    node = await startTronReplayServer({ blocks: new Map([[N, recorded], [N + 1, ledgerLiveReplayBlock(N + 1, recordedId)]]), head: N + 1 });
    const sink = collectingSink();

    // Two confirmations wanted: only the recorded block is processed.
    const cautious = poller(node.httpUrl, sink, 2);
    expect(await cautious.pollOnce()).toMatchObject({ processed: 1, reorged: false });
    expect(sink.movements).toEqual([]);

    // A second poller with the same cursor (a restart) and 1 confirmation: processes N+1 only.
    const p = poller(node.httpUrl, sink, 1);
    expect(await p.pollOnce()).toMatchObject({ processed: 1 });
    expect(sink.movements.map((m) => [m.txHash, m.kind])).toEqual([
      [LEDGER_USDT_TX, 'trc20'],
      ['13df06d50a1ff1f4a164e25afc946dd7b05df044894b1073b1e92eef41d8a98a', 'activity'],
    ]);

    // N+1 is replaced by another fork; N+2 builds on the new block.
    const orphaned = sink.movements.map((m) => m.blockHash);
    const fork = forkBlock(recordedId);
    node.putBlock(N + 1, fork);
    node.putBlock(N + 2, { block: fillerBlock(N + 2, String(fork.block['blockID'])), infos: [] });
    node.head = N + 2;
    expect(await p.pollOnce()).toMatchObject({ reorged: true });
    expect(p.position?.head).toEqual({ number: N, hash: recordedId });
    expect(await p.pollOnce()).toMatchObject({ processed: 2, reorged: false });
    const fresh = sink.movements.slice(2).filter((m) => m.event === undefined);
    expect(fresh).toEqual([expect.objectContaining({ txHash: 'ee'.repeat(32), kind: 'trx', direction: 'in', amount: 12_000_000n, blockHash: fork.block['blockID'] })]);
    // Issue #10: both alerts of the orphaned block are retracted, once each, naming it.
    const retractions = sink.movements.slice(2).filter((m) => m.event === 'movement.reorged');
    expect(retractions.map((m) => [m.txHash, m.reorg?.orphanedBlockHash])).toEqual([
      [LEDGER_USDT_TX, orphaned[0]],
      ['13df06d50a1ff1f4a164e25afc946dd7b05df044894b1073b1e92eef41d8a98a', orphaned[1]],
    ]);
  });

  it('names TRC-20 tokens outside the built-in table by asking the node for symbol() and decimals()', async () => {
    const recordedId = String(recorded.block['blockID']);
    // Hand-written: a contract call whose info carries Transfer logs of two tokens to the watched address.
    const named = '41' + 'ab'.repeat(20);
    const mute = '41' + 'cd'.repeat(20);
    const to = LEDGER_SENDER_KEY.slice(2).padStart(64, '0');
    const from = '00'.repeat(12) + '1c38081f7c64d48f5dbca8f3f5412cf8b83aeb98';
    const transfer = (address: string, amount: bigint) => ({ address: address.slice(2), topics: ['ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', from, to], data: amount.toString(16).padStart(64, '0') });
    const txID = 'f0'.repeat(32);
    const block = ledgerLiveReplayBlock(N + 1, recordedId, [
      {
        tx: { ret: [{ contractRet: 'SUCCESS' }], txID, raw_data: { contract: [{ type: 'TriggerSmartContract', parameter: { value: { owner_address: '411c38081f7c64d48f5dbca8f3f5412cf8b83aeb98', contract_address: named, data: '12345678' } } }] } },
        info: { id: txID, receipt: { result: 'SUCCESS' }, log: [transfer(named, 1_500_000_000_000_000_000n), transfer(mute, 42n)] },
      },
    ]);
    node = await startTronReplayServer({ blocks: new Map([[N, recorded], [N + 1, block]]), head: N + 1, tokens: new Map([[named, { symbol: 'JST', decimals: 18 }]]) });
    const sink = collectingSink();
    const p = poller(node.httpUrl, sink);
    expect(await p.pollOnce()).toMatchObject({ processed: 2 });
    const tokens = sink.movements.filter((m) => m.txHash === txID).map((m) => [m.asset, m.amount]);
    expect(tokens).toEqual([
      [{ contract: encodeTronAddress(named), symbol: 'JST', decimals: 18 }, 1_500_000_000_000_000_000n],
      [{ contract: encodeTronAddress(mute), symbol: 'TRC20', decimals: 0 }, 42n],
    ]);
    // USDT is known without a call; each other token is asked once.
    expect(node.requests.get('/wallet/triggerconstantcontract')).toBe(4);
  });

  it('a refused API key is a permanent error that names the chain, method and host, never the key', async () => {
    node = await startTronReplayServer({ blocks: new Map([[N, recorded]]), head: N });
    const key = 'a3f1c2d4-secret-key';
    const p = poller(`${node.httpUrl}/`, collectingSink(), 1, key);
    node.failNext('http401');
    const error = await p.pollOnce().then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(error).toMatchObject({ name: 'PermanentError', code: 'RPC_HTTP_REJECTED' });
    expect(error!.message).toBe(`getnowblock on chain tron via ${node.httpUrl} was rejected with HTTP 401 (check the URL and API key)`);
    expect(JSON.stringify(error) + String(error!.stack)).not.toContain(key);
    expect([...node.apiKeysSeen]).toEqual([key]);
  });

  it('never skips a block the node cannot serve completely: the step fails and is retried', async () => {
    const recordedId = String(recorded.block['blockID']);
    node = await startTronReplayServer({ blocks: new Map([[N, recorded], [N + 1, ledgerLiveReplayBlock(N + 1, recordedId)]]), head: N + 1 });
    const sink = collectingSink();
    // One block per step: blocks of a step are fetched in parallel, and two faults shared between two
    // blocks' requests would each be retried away (attempts: 2) instead of failing the step.
    const p = poller(node.httpUrl, sink, 1, undefined, 1);
    // Missing infos are an inconsistency of the step (not an HTTP failure retried by the client): one fails it.
    node.failNext('infos-missing', 1);
    await expect(p.pollOnce()).rejects.toMatchObject({ code: 'RPC_INCONSISTENT' });
    expect(p.position).toBeUndefined();
    node.failNext('http503', 2);
    await expect(p.pollOnce()).rejects.toMatchObject({ code: 'RPC_HTTP_ERROR' });
    expect(await p.pollOnce()).toMatchObject({ processed: 1 });
    expect(await p.pollOnce()).toMatchObject({ processed: 1 });
    expect(sink.movements.map((m) => m.txHash)).toContain(LEDGER_USDT_TX);
  });
});
