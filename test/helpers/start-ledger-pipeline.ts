import { startChainwatchPipeline, type ChainwatchPipeline } from './start-chainwatch-pipeline.js';

export type LedgerPipeline = ChainwatchPipeline;

/** startChainwatchPipeline for one account chain (a ledger family or Tron): the shape of their end-to-end tests. */
export function startLedgerPipeline(options: { readonly name: string; readonly chainId: string; readonly chain: Record<string, unknown>; readonly entries: readonly Record<string, unknown>[] }): Promise<LedgerPipeline> {
  return startChainwatchPipeline({ name: options.name, chains: { [options.chainId]: options.chain }, entries: options.entries });
}
