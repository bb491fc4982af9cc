import { getAddress } from 'ethers';
import type { WatchlistRef } from '../../src/core/movement.js';
import type { WatchlistIndex } from '../../src/core/watchlist.js';

/** A watchlist index over EVM addresses on one chain: entry i is labelled `hacker i`, incident test-hack-2024. */
export function evmWatchlistOf(chain: string, ...addresses: string[]): WatchlistIndex {
  const map = new Map<string, WatchlistRef[]>(
    addresses.map((a, i) => [a.toLowerCase(), [{ address: getAddress(a), label: `hacker ${i}`, incident: 'test-hack-2024', source: 'https://example.org/attribution', tags: ['test'] }]]),
  );
  return { version: `v${addresses.length}`, lookup: (c, key) => (c === chain ? map.get(key) : undefined), keysFor: () => new Set(map.keys()), size: map.size };
}
