import { describe, expect, it } from 'vitest';
import { normalizeEvmBlock, normalizeEvmHeader } from '../../../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../../../src/core/evm/normalize-evm-receipts.js';
import { normalizeEvmLogs } from '../../../src/core/evm/normalize-evm-logs.js';
import { normalizeEvmCallTraces } from '../../../src/core/evm/normalize-evm-call-traces.js';
import { normalizeEvmParityTraces } from '../../../src/core/evm/normalize-evm-parity-traces.js';
import { PermanentError, RetryableError } from '../../../src/core/errors.js';
import { ethereumjsBlock, rpcTestResult } from './fixtures.js';

// Mainnet block 18,000,000 (eth_getBlockByNumber/test_08) and its receipts (eth_getBlockReceipts/test_02).
const block18m = rpcTestResult('eth_getBlockByNumber/test_08.json');
const receipts18m = rpcTestResult('eth_getBlockReceipts/test_02.json');

describe('normalizeEvmBlock on real mainnet blocks', () => {
  it('keeps hash, parent, every transaction with lowercase addresses and bigint values (block 18,000,000)', () => {
    const b = normalizeEvmBlock(block18m, 18_000_000);
    expect(b.header).toEqual({
      number: 18_000_000,
      hash: '0x95b198e154acbfc64109dfd22d8224fe927fd8dfdedfae01587674482ba4baf3',
      parentHash: '0x198723e0ddf20153951c6304093cbd97fd306c5db03287c5586c0430a986080d',
    });
    expect(b.transactions).toHaveLength(94);
    expect(b.transactions[0]).toEqual({
      hash: '0x16e199673891df518e25db2ef5320155da82a3dd71a677e7d84363251885d133',
      index: 0, from: '0x16d5783a96ab20c9157d7933ac236646b29589a4', to: '0xfd14567eaf9ba941cb8c8a94eec14831ca7fd1b4', value: 0n, nonce: expect.any(Number),
    });
    const transfer = b.transactions.find((t) => t.hash === '0x5119dcc6bb07181742fd0366196021b120cc1c022c62ce3d3e272a7584fe4e2f');
    expect(transfer?.value).toBe(69_970_000_000_000_014n);
    expect(b.transactions.filter((t) => t.to === null).map((t) => t.hash)).toEqual(['0x24578bf2676fabd01269543dda61e53496a3282b1d9794ddb141319578052359']);
  });

  it.each([
    ['infura15571241wtxns.json', 15_571_241, 58],
    ['alchemy14151203.json', 14_151_203, 12],
    ['infura2000004wtxs.json', 2_000_004, 4],
  ])('normalises the ethereumjs fixture %s (block %i, %i txs)', (file, number, count) => {
    const raw = ethereumjsBlock(file) as { hash: string; transactions: { hash: string; value: string }[] };
    const b = normalizeEvmBlock(raw, number);
    expect(b.header.number).toBe(number);
    expect(b.header.hash).toBe(raw.hash);
    expect(b.transactions).toHaveLength(count);
    expect(b.transactions.map((t) => t.value)).toEqual(raw.transactions.map((t) => BigInt(t.value)));
    expect(normalizeEvmHeader(raw)).toEqual(b.header);
  });

  it('rejects garbage, hash-only transaction lists, the wrong block and transactions of another block as retryable', () => {
    const good = block18m as Record<string, unknown>;
    const cases: unknown[] = [
      null,
      'nope',
      { ...good, hash: '0x1234' },
      { ...good, number: 'ten' },
      { ...good, transactions: ['0x16e199673891df518e25db2ef5320155da82a3dd71a677e7d84363251885d133'] },
      { ...good, transactions: [{ ...(good['transactions'] as object[])[0], blockHash: `0x${'ab'.repeat(32)}` }] },
      { ...good, transactions: [{ ...(good['transactions'] as object[])[0], value: '1000' }] },
    ];
    for (const raw of cases) expect(() => normalizeEvmBlock(raw, 18_000_000)).toThrow(RetryableError);
    expect(() => normalizeEvmBlock(block18m, 17_999_999)).toThrow(/asked for 17999999/);
  });
});

describe('normalizeEvmReceipts / normalizeEvmLogs on real mainnet data', () => {
  const header = normalizeEvmBlock(block18m).header;

  it('extracts every log in log-index order and each transaction status (block 18,000,000)', () => {
    const r = normalizeEvmReceipts(receipts18m, header);
    expect(r.txStatus.size).toBe(94);
    expect([...r.txStatus].filter(([, ok]) => !ok).map(([h]) => h)).toEqual([
      '0xec080b91deea33830c3e626201662243c66c1f3d10da01f32c4cb0ebf395012a',
      '0x10a315bbd6c9500b24debc5882cc7d9193ed314b864e26a23a2d4d343dfdfc28',
    ]);
    expect(r.logs).toHaveLength(291);
    expect(r.logs.map((l) => l.logIndex)).toEqual([...Array(291).keys()]);
    const usdt = r.logs.find((l) => l.txHash === '0x6742cd57e6aefce4b96887bb3090371ac49414c6b45a21e43d9e41e0ea9ed5ab' && l.logIndex === 1);
    expect(usdt?.address).toBe('0xdac17f958d2ee523a2206206994597c13d831ec7');
  });

  it('refuses receipts or logs from another fork (block hash mismatch) as retryable RPC_INCONSISTENT', () => {
    const other = { ...header, hash: `0x${'11'.repeat(32)}` };
    expect(() => normalizeEvmReceipts(receipts18m, other)).toThrow(expect.objectContaining({ name: 'RetryableError', code: 'RPC_INCONSISTENT' }));
    const logs = (receipts18m as { logs: unknown[] }[]).flatMap((r) => r.logs);
    expect(() => normalizeEvmLogs(logs, other)).toThrow(expect.objectContaining({ code: 'RPC_INCONSISTENT' }));
  });

  it('normalises the eth_getLogs answer of block 16,000,000 (the Transfer logs of four blocks, filtered to one)', () => {
    const b = normalizeEvmBlock(rpcTestResult('eth_getBlockByNumber/test_02.json'), 16_000_000);
    const all = rpcTestResult('eth_getLogs/test_04.from-tar.json') as { blockNumber: string }[];
    const mine = all.filter((l) => Number(l.blockNumber) === 16_000_000);
    const logs = normalizeEvmLogs(mine, b.header);
    expect(logs.length).toBe(mine.length);
    expect(logs.length).toBeGreaterThan(50);
    expect(new Set(logs.map((l) => l.txHash)).size).toBeLessThanOrEqual(b.transactions.length);
    // The other three blocks' logs name other hashes: mixing them in is an error, never silently accepted.
    expect(() => normalizeEvmLogs(all, b.header)).toThrow(RetryableError);
  });
});

describe('trace normalisers on real mainnet traces', () => {
  it('parity trace_block (block 4,417,196): the one nested value call; top-level calls, rewards and reverted txs are skipped', () => {
    const raw = rpcTestResult('trace_block/test_01.json') as { blockHash: string }[];
    const transfers = normalizeEvmParityTraces(raw, { number: 4_417_196, hash: raw[0]!.blockHash });
    expect(transfers).toEqual([
      { txHash: '0xd05c4230d3e0ee919efe8173e5759cc989ffb847e54245f94828e4000fbc6b8e', position: '2', from: '0x6fc82a5fe25a5cdb58bc74600a40a69c065263f8', to: '0xd24400ae8bfebb18ca49be86258a3c749cf46853', value: 499_529_919_999_952_992n, callType: 'call' },
    ]);
  });

  it('parity trace_block (block 17,073,191, 799 traces): 53 internal transfers, none inside a reverted subtree', () => {
    const raw = rpcTestResult('trace_block/test_26.json') as { blockHash: string; transactionHash: string; error?: string; traceAddress: number[] }[];
    const transfers = normalizeEvmParityTraces(raw, { number: 17_073_191, hash: raw[0]!.blockHash });
    expect(transfers).toHaveLength(53);
    expect(transfers.reduce((s, t) => s + t.value, 0n)).toBe(9_911_074_194_236_857_056n);
    const revertedTxs = new Set(raw.filter((t) => t.error !== undefined && t.traceAddress.length === 0).map((t) => t.transactionHash));
    expect(revertedTxs.size).toBeGreaterThan(0);
    expect(transfers.filter((t) => revertedTxs.has(t.txHash))).toEqual([]);
    expect(transfers.find((t) => t.position === '5.0')).toMatchObject({ txHash: '0x646a8e329769cf30f4c9f9880d85cdfd4ffd02bf5c427efb6e4e212289d0c672', value: 1_065_139_130_600_823_536n });
    expect(() => normalizeEvmParityTraces(raw, { number: 17_073_191, hash: `0x${'00'.repeat(32)}` })).toThrow(expect.objectContaining({ code: 'RPC_INCONSISTENT' }));
  });

  it('callTracer frames (real debug_traceTransaction answers, as debug_traceBlockByNumber lists them): nested value calls with positions', () => {
    const txs = ['debug_traceTransaction/test_135.json', 'debug_traceTransaction/test_137.json', 'debug_traceTransaction/test_152.json'];
    const hashes = ['0x0ccb5dbd09a9bafc30d7e40aa760f4154a0c0b594e83248ce5d5c02d39852cbb', '0xbeb3d09a644dc0772719f498172af05ed8cd337aaf83c2b5aee43be34fcb9dfb', '0x59299b761c52755ef6b88fb96c44e93f16c5608ff7ae105bf170cbd88e70879f'];
    const blockResult = txs.map((f, i) => ({ txHash: hashes[i], result: rpcTestResult(f) }));
    const transfers = normalizeEvmCallTraces(blockResult, { number: 1, txHashes: hashes });
    expect(transfers).toEqual([
      { txHash: hashes[1], position: '1', from: '0xbeefbabeea323f07c59926295205d3b7a17e8638', to: '0xea674fdde714fd979de3edf0f56aa9716b898ec8', value: 9_305_872_247_815_172n, callType: 'call' },
      { txHash: hashes[2], position: '3.0', from: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', to: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', value: 27_974_353_724_829_870n, callType: 'call' },
      { txHash: hashes[2], position: '4', from: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', to: '0xde1b8b73b0956facacd65df79f7d83df91ff0c87', value: 27_974_353_724_829_870n, callType: 'call' },
    ]);
    // Older geth lists results without txHash: matched by position.
    expect(normalizeEvmCallTraces(blockResult.map((r) => ({ result: r.result })), { number: 1, txHashes: hashes })).toEqual(transfers);
    // A reverted top-level frame moved nothing.
    const reverted = [{ txHash: hashes[2], result: { ...(rpcTestResult(txs[2]!) as object), error: 'execution reverted' } }];
    expect(normalizeEvmCallTraces(reverted, { number: 1, txHashes: [hashes[2]!] })).toEqual([]);
    expect(() => normalizeEvmCallTraces(blockResult, { number: 1, txHashes: hashes.slice(0, 2) })).toThrow(RetryableError);
  });

  it.each(['debug_traceBlockByNumber/test_17.json', 'debug_traceBlockByNumber/test_21.json'])(
    'a real debug_traceBlockByNumber answer with struct logs (%s) is reported as TRACES_UNSUPPORTED',
    (file) => {
      const raw = rpcTestResult(file) as { txHash: string }[];
      expect(() => normalizeEvmCallTraces(raw, { number: 1, txHashes: raw.map((r) => r.txHash) })).toThrow(PermanentError);
      expect(() => normalizeEvmCallTraces(raw, { number: 1, txHashes: raw.map((r) => r.txHash) })).toThrow(expect.objectContaining({ code: 'TRACES_UNSUPPORTED' }));
    },
  );
});
