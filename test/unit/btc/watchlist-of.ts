import type { WatchlistRef } from '../../../src/core/movement.js';
import type { WatchlistIndex } from '../../../src/core/watchlist.js';

/** A minimal WatchlistIndex over script hex keys, for Bitcoin matcher tests. */
export function watchlistOf(chain: string, entries: readonly { scriptHex: string; address: string; label?: string }[]): WatchlistIndex {
  const byKey = new Map<string, WatchlistRef[]>();
  for (const e of entries) {
    const ref: WatchlistRef = { address: e.address, label: e.label ?? `label of ${e.address}`, incident: 'test-hack-2024', source: 'https://example.org/attribution', tags: ['test'] };
    byKey.set(e.scriptHex, [...(byKey.get(e.scriptHex) ?? []), ref]);
  }
  return {
    version: [...byKey.keys()].sort().join(','),
    lookup: (c, key) => (c === chain ? byKey.get(key) : undefined),
    keysFor: (c) => (c === chain ? new Set(byKey.keys()) : new Set()),
    size: byKey.size,
  };
}
