import type { UtxoKind } from '../../src/core/btc/utxo-chain.js';
import { startUtxoReplayServer, type ReplayBlock, type UtxoReplayServer } from '../../src/devchain/utxo-replay/start-utxo-replay-server.js';
import { startChainwatchPipeline, type ChainwatchPipeline } from './start-chainwatch-pipeline.js';

export interface UtxoReplayChain {
  readonly kind: UtxoKind;
  /** Consecutive recorded blocks; polling starts at the first. */
  readonly blocks: readonly [ReplayBlock, ...ReplayBlock[]];
  readonly explorerUrl: string;
  /** The one watched address of the chain. */
  readonly watch: { readonly address: string; readonly label: string };
}

/**
 * startChainwatchPipeline over UTXO chains each served by its own replay node
 * (Bitcoin Core JSON-RPC) from recorded mainnet blocks: alerted at one
 * confirmation, no outpoint seeding (the replay node has no UTXO set to scan).
 * close() also stops the replay nodes.
 */
export async function startUtxoReplayPipeline(options: { readonly name: string; readonly chains: Record<string, UtxoReplayChain> }): Promise<ChainwatchPipeline> {
  const nodes: UtxoReplayServer[] = [];
  const closeNodes = () => Promise.all(nodes.map((n) => n.close()));
  try {
    const chains: Record<string, Record<string, unknown>> = {};
    const entries: Record<string, unknown>[] = [];
    for (const [id, chain] of Object.entries(options.chains)) {
      const node = await startUtxoReplayServer({ blocks: chain.blocks });
      nodes.push(node);
      chains[id] = { kind: chain.kind, network: 'mainnet', confirmations: 1, pollIntervalMs: 100, seedOnStart: false, rpcUrl: node.rpcUrl, startBlock: chain.blocks[0].height, explorerUrl: chain.explorerUrl };
      entries.push({ chain: id, address: chain.watch.address, label: chain.watch.label, incident: 'test-heist-2026', source: 'https://example.org/attribution', tags: ['lazarus'] });
    }
    const pipeline = await startChainwatchPipeline({ name: options.name, chains, entries });
    return { ...pipeline, close: () => pipeline.close().then(closeNodes).then(() => undefined) };
  } catch (err) {
    await closeNodes();
    throw err;
  }
}
