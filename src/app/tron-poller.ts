import type { TronChainConfig } from '../config/schema.js';
import { findTronTokenNeeds } from '../core/tron/find-tron-token-needs.js';
import { matchTronBlock } from '../core/tron/match-tron-block.js';
import type { TronBlockData } from '../core/tron/tron-block-data.js';
import type { Movement } from '../core/movement.js';
import { createTronHttpSource } from '../adapters/tron-http/create-tron-http-source.js';
import type { ChainFollower } from './chain-follower.js';
import { createAccountChainFollower, httpRetryOf, type AccountChainPollerOptions } from './account-chain-follower.js';

export interface TronPollerOptions extends AccountChainPollerOptions {
  readonly chain: TronChainConfig;
}

/**
 * Wires the Tron HTTP source and the pure matcher into the same ChainFollower
 * as EVM: cursor in Redis, confirmations (19 by default: a solidified block),
 * parent-hash reorg handling. `pollOnce()` runs a single step (tests).
 */
export function createTronPoller(options: TronPollerOptions): ChainFollower<TronBlockData> {
  const { chain } = options;
  const source = createTronHttpSource({
    chain: chain.id,
    httpUrl: chain.httpUrl,
    apiKey: chain.apiKey,
    timeoutMs: chain.rpcTimeoutMs,
    retry: httpRetryOf(options, chain.id, 'Tron HTTP'),
  });
  const follower = createAccountChainFollower(options, chain, source, detect);

  async function detect(block: TronBlockData, { headNumber }: { readonly headNumber: number }): Promise<readonly Movement[]> {
      const index = options.currentWatchlist();
      // Symbol and decimals only for tokens outside the built-in table that moved a watched address's funds.
      const needs = findTronTokenNeeds(block, chain.id, index);
      const tokens = needs.length === 0 ? undefined : await source.fetchTrc20Metadata(needs);
      const movements = matchTronBlock(block, { chain: chain.id, index, headNumber, ...(tokens ? { tokens } : {}) });
      return options.enricher === undefined ? movements : options.enricher.enrich(movements);
  }
  return follower;
}
