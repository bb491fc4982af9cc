import { describe, expect, it } from 'vitest';
import { createEvmRpcSource } from '../../../src/adapters/evm-rpc/create-evm-rpc-source.js';
import type { EvmRpcClient, JsonRpcOutcome, JsonRpcRequest } from '../../../src/adapters/evm-rpc/create-evm-rpc-client.js';

const hash = (n: number, fork = 0): string => `0x${(n * 16 + fork).toString(16).padStart(64, '0')}`;
const rawBlock = (n: number): unknown => ({ number: `0x${n.toString(16)}`, hash: hash(n), parentHash: hash(n - 1), timestamp: '0x1', transactions: [], logsBloom: `0x${'0'.repeat(512)}` });

/** A node of empty blocks without eth_getBlockReceipts (like hardhat); records every call it is sent. */
function emptyChainClient(): EvmRpcClient & { sent: JsonRpcRequest[]; forgotten: number } {
  const state = {
    sent: [] as JsonRpcRequest[],
    forgotten: 0,
    batch: (calls: readonly JsonRpcRequest[]): Promise<JsonRpcOutcome[]> => {
      state.sent.push(...calls);
      return Promise.resolve(calls.map((c): JsonRpcOutcome => {
        if (c.method === 'eth_getBlockByNumber') return { ok: true, result: rawBlock(Number(c.params[0])) };
        if (c.method === 'eth_getBlockReceipts') return { ok: false, error: { code: -32601, message: 'method not found' } };
        return { ok: true, result: [] };
      }));
    },
    call: () => Promise.reject(new Error('not used')),
    failover: () => undefined,
    forget: () => void state.forgotten++,
    endpoints: () => [],
  };
  return state;
}

const blocksAsked = (sent: readonly JsonRpcRequest[]): number[] => sent.filter((c) => c.method === 'eth_getBlockByNumber' && c.params[1] === true).map((c) => Number(c.params[0]));

describe('EVM source: a retried step keeps what it fetched', () => {
  it('a step retried from the same block reuses the blocks already fetched and fetches only the new ones', async () => {
    const client = emptyChainClient();
    const source = createEvmRpcSource({ chain: 'test', client, traces: 'off' });
    await source.fetchBlocks([1, 2, 3]);
    // The step failed after its blocks (a lookup, Redis): the retry starts from block 1 again, one block further.
    const again = await source.fetchBlocks([1, 2, 3, 4]);

    expect(again.map((b) => b.header.number)).toEqual([1, 2, 3, 4]);
    expect(blocksAsked(client.sent)).toEqual([1, 2, 3, 4]);
  });

  it('after a reorg rewind (headers asked) nothing fetched before is reused', async () => {
    const client = emptyChainClient();
    const source = createEvmRpcSource({ chain: 'test', client, traces: 'off' });
    await source.fetchBlocks([1, 2]);
    await source.fetchHeaders([1, 2]);
    await source.fetchBlocks([2]);

    expect(blocksAsked(client.sent)).toEqual([1, 2, 2]);
    expect(client.forgotten).toBe(1);
  });
});
