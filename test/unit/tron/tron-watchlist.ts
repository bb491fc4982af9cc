import { encodeTronAddress } from '../../../src/core/address/normalize-tron-address.js';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import type { WatchlistIndex } from '../../../src/core/watchlist.js';

/** A real WatchlistIndex over Tron match keys (41 + 20 bytes hex), for matcher tests. */
export function tronWatchlist(chain: string, keys: readonly string[]): WatchlistIndex {
  return buildWatchlistIndex(
    keys.map((matchKey, i) => ({
      chain,
      address: encodeTronAddress(matchKey)!,
      matchKey,
      label: `watched ${i}`,
      incident: 'test-hack-2024',
      source: 'https://example.org/attribution',
      tags: ['test'],
      enabled: true,
      file: 'test.yaml',
      line: i + 1,
    })),
  );
}
