import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcProvider, getAddress, parseEther, type JsonRpcSigner } from 'ethers';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { createEvmPoller } from '../../src/app/evm-poller.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import type { ChainCursor, CursorStore } from '../../src/core/ports.js';
import { collectingSink } from '../helpers/collecting-sink.js';
import { evmWatchlistOf } from '../helpers/evm-watchlist.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue #13: with chains.<id>.wsUrl the poller follows eth_subscribe("newHeads") and wakes on each head.
// The poll interval here is an hour, so only a newHeads wake-up can make the poller see a new block.
const CHAIN = 'devchain';
let node: LocalEvmChain;
let provider: JsonRpcProvider;
let signers: JsonRpcSigner[];
let proxy: TcpProxy;

beforeAll(async () => {
  node = await startLocalEvmChain();
  provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true });
  signers = await Promise.all([0, 1].map((i) => provider.getSigner(i)));
  // hardhat serves WebSocket on its HTTP port; the proxy lets the test cut the socket.
  proxy = await startTcpProxy(node.port);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  provider?.destroy();
  await node?.stop();
});

function memoryCursorStore(): CursorStore {
  const cursors = new Map<string, ChainCursor>();
  return { load: async (c) => cursors.get(c), save: async (c, cursor) => void cursors.set(c, cursor) };
}

describe('EVM poller with chains.<id>.wsUrl (newHeads)', () => {
  it('alerts on a new block announced over WebSocket, and again after the socket was dropped', async () => {
    const watched = '0x00000000000000000000000000000000000c0ffe';
    const head = await provider.getBlockNumber();
    const chain: EvmChainConfig = {
      id: CHAIN, kind: 'evm', rpcUrls: [node.rpcUrl], wsUrl: `ws://127.0.0.1:${proxy.port}`, confirmations: 1, pollIntervalMs: 3_600_000,
      startBlock: head + 1, explorerUrl: undefined, nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 10, rpcTimeoutMs: 5000, enabled: true,
    };
    const sink = collectingSink();
    const poller = createEvmPoller({
      chain, currentWatchlist: () => evmWatchlistOf(CHAIN, watched), cursorStore: memoryCursorStore(), sink,
      logger: createLogger({ level: 'silent' }), metrics: createMetrics(), newHeads: { minBackoffMs: 20, maxBackoffMs: 200 },
    });
    poller.start();
    try {
      // The first step runs at start (nothing to do yet); then only a new head can wake the loop.
      await waitFor(() => poller.status().lastStepOkAt !== null && proxy.open > 0, { what: 'the first step and the WebSocket' });

      const first = await (await signers[0]!.sendTransaction({ to: watched, value: parseEther('1.5') })).wait();
      const alerted = await waitFor(() => sink.movements.find((m) => m.txHash === first!.hash), { what: 'the movement of the first block', timeoutMs: 20_000 });
      expect(alerted).toMatchObject({ chain: CHAIN, direction: 'in', kind: 'native', amount: parseEther('1.5'), watchedAddress: watched.toLowerCase(), to: getAddress(watched), blockNumber: first!.blockNumber });

      // Kill the WebSocket connection: the poller reconnects and the next block still wakes it.
      proxy.dropAll();
      await waitFor(() => proxy.open > 0, { what: 'the WebSocket to be reconnected' });
      // A reconnect is only live once the subscription is confirmed; give it the chance before mining.
      await waitFor(async () => {
        const tx = await (await signers[1]!.sendTransaction({ to: watched, value: parseEther('0.25') })).wait();
        return waitFor(() => sink.movements.find((m) => m.txHash === tx!.hash), { what: 'a movement after the reconnect', timeoutMs: 2_000 }).catch(() => false);
      }, { what: 'a movement after the WebSocket was dropped', timeoutMs: 20_000 });
      const after = sink.movements.filter((m) => m.amount === parseEther('0.25'));
      expect(after.length).toBeGreaterThanOrEqual(1);
      expect(after[0]).toMatchObject({ direction: 'in', kind: 'native', watchedAddress: watched.toLowerCase() });
    } finally {
      await poller.stop();
    }
    // stop() closes the WebSocket too.
    await waitFor(() => proxy.open === 0, { what: 'the WebSocket to be closed by stop()' });
  }, 60_000);
});
