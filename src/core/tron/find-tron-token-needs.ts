import type { WatchlistIndex } from '../watchlist.js';
import { collectTronLegs } from './collect-tron-legs.js';
import { KNOWN_TRC20_TOKENS } from './known-trc20-tokens.js';
import type { TronBlockData } from './tron-block-data.js';

export interface Trc20Metadata {
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * The TRC-20 contracts (match keys) whose symbol and decimals an alert of this
 * block needs and the built-in table does not know: only tokens that moved to
 * or from a watched address, so a block costs no extra call unless it alerts.
 */
export function findTronTokenNeeds(block: TronBlockData, chain: string, index: WatchlistIndex): string[] {
  if (index.keysFor(chain).size === 0) return [];
  const needs = new Set<string>();
  for (const leg of collectTronLegs(block)) {
    if (leg.tokenContract === null || KNOWN_TRC20_TOKENS.has(leg.tokenContract)) continue;
    if (index.lookup(chain, leg.from) !== undefined || index.lookup(chain, leg.to) !== undefined) needs.add(leg.tokenContract);
  }
  return [...needs];
}
