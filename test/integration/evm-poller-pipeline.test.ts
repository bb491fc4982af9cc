import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcProvider, Wallet, parseEther, type JsonRpcSigner } from 'ethers';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { deployContract } from '../../src/devchain/deploy-contract.js';
import { createEvmPoller, type EvmPoller } from '../../src/app/evm-poller.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import type { ChainCursor, CursorStore } from '../../src/core/ports.js';
import { collectingSink } from '../helpers/collecting-sink.js';
import { evmWatchlistOf } from '../helpers/evm-watchlist.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue #13: the running loop fetches the next range while the follower matches this one. It must find
// exactly what single steps find, in the same order, with the statuses of every matched transaction.
const CHAIN = 'devchain';
let node: LocalEvmChain;
let provider: JsonRpcProvider;
let signers: JsonRpcSigner[];

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  signers = await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)));
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

/** Straight from the node (ethers caches getBlockNumber for a moment). */
const headNumber = async (): Promise<number> => Number(await provider.send('eth_blockNumber', []));

function memoryCursorStore(): CursorStore {
  const cursors = new Map<string, ChainCursor>();
  return { load: async (c) => cursors.get(c), save: async (c, cursor) => void cursors.set(c, cursor) };
}

describe('EVM poller: pipelined catch-up (start())', () => {
  it('finds the same movements in the same order as pollOnce() step by step, reverted transfers included', async () => {
    const watched = Wallet.createRandom().address;
    const watchedSender = await signers[2]!.getAddress();
    const splitter = await deployContract(signers[0]!, 'Splitter');
    const revertingCall = splitter.interface.encodeFunctionData('split', [[]]);
    const from = (await headNumber()) + 1;
    for (let i = 0; i < 25; i++) {
      await (await signers[i % 2]!.sendTransaction({ to: watched, value: parseEther('0.01') * BigInt(i + 1) })).wait();
      // A watched sender's value transfer that reverts (split([]) requires a non-empty list): mined, nothing moved,
      // so only its receipt (fetched with the step's others in one batch) turns it into `activity`.
      if (i % 5 === 0) {
        await provider.send('eth_sendTransaction', [{ from: watchedSender, to: await splitter.getAddress(), value: '0xde0b6b3a7640000', data: revertingCall, gas: '0x30000' }]).catch(() => undefined);
      }
    }
    const head = await headNumber();
    const chain: EvmChainConfig = { id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, pollIntervalMs: 50, startBlock: from, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 3, rpcTimeoutMs: 5000, enabled: true };
    const make = (sink: ReturnType<typeof collectingSink>): EvmPoller =>
      createEvmPoller({ chain, currentWatchlist: () => evmWatchlistOf(CHAIN, watched, watchedSender), cursorStore: memoryCursorStore(), sink, logger: createLogger({ level: 'silent' }), metrics: createMetrics() });

    const stepped = collectingSink();
    const single = make(stepped);
    while ((single.position?.head.number ?? 0) < head) await single.pollOnce();

    const piped = collectingSink();
    const loop = make(piped);
    loop.start();
    try {
      await waitFor(() => (loop.position?.head.number ?? 0) >= head, { what: 'the pipelined loop to catch up' });
    } finally {
      await loop.stop();
    }
    expect(piped.movements.map((m) => m.id)).toEqual(stepped.movements.map((m) => m.id));
    const native = piped.movements.filter((m) => m.kind === 'native');
    expect(native.map((m) => m.amount)).toEqual(Array.from({ length: 25 }, (_, i) => parseEther('0.01') * BigInt(i + 1)));
    const reverted = piped.movements.filter((m) => m.watchedAddress === watchedSender.toLowerCase());
    expect(reverted.map((m) => [m.kind, m.amount])).toEqual(Array.from({ length: 5 }, () => ['activity', 0n]));
  }, 120_000);
});
