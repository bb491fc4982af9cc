import { createHash } from 'node:crypto';
import type { WatchlistRef } from './movement.js';
import type { WatchlistEntry, WatchlistIndex } from './watchlist.js';

/**
 * Builds the O(1) lookup the matchers use: chain -> matchKey -> refs. Disabled and
 * removed entries are kept in the loaded list (history, `watchlist find`) but are
 * not watched. `version` hashes every watched entry's matching and alert fields,
 * so it changes exactly when what an alert would say (or whether it fires) changes.
 * Pure: node:crypto hashing has no I/O.
 */
export function buildWatchlistIndex(entries: readonly WatchlistEntry[]): WatchlistIndex {
  const byChain = new Map<string, Map<string, WatchlistRef[]>>();
  const hash = createHash('sha256');
  let size = 0;
  let chunk = '';
  for (const entry of entries) {
    if (!entry.enabled || entry.removed !== undefined) continue;
    let keys = byChain.get(entry.chain);
    if (keys === undefined) {
      keys = new Map();
      byChain.set(entry.chain, keys);
    }
    // The entry is a WatchlistRef already (structurally); reusing it saves an object per entry.
    const ref: WatchlistRef = entry;
    const refs = keys.get(entry.matchKey);
    if (refs === undefined) keys.set(entry.matchKey, [ref]);
    else refs.push(ref);
    size += 1;
    // Unit separators keep field boundaries unambiguous. The display address is
    // derived from matchKey, so hashing matchKey covers it without computing it.
    // Chunked: one native update per entry would cost more than the hashing.
    chunk += `${entry.chain}\x1f${entry.matchKey}\x1f${entry.label}\x1f${entry.incident}\x1f${entry.source}\x1f${entry.tags.join('\x1e')}\x1d`;
    if (chunk.length > 65_536) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(chunk);
  const keySets = new Map<string, ReadonlySet<string>>();
  const empty: ReadonlySet<string> = new Set();
  return {
    version: size === 0 ? 'empty' : hash.digest('hex').slice(0, 32),
    size,
    lookup: (chain, matchKey) => byChain.get(chain)?.get(matchKey),
    keysFor: (chain) => {
      let set = keySets.get(chain);
      if (set === undefined) {
        const keys = byChain.get(chain);
        if (keys === undefined) return empty;
        set = new Set(keys.keys());
        keySets.set(chain, set);
      }
      return set;
    },
  };
}
