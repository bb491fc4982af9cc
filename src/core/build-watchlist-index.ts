import { indexWatchlistSegments } from './index-watchlist-segments.js';
import type { WatchlistEntry, WatchlistIndex } from './watchlist.js';
import { WatchlistSegmentBuilder } from './watchlist-segment.js';

/**
 * Builds the O(1) lookup the matchers use from entry objects (tests, benches,
 * hand-made lists): packs them into one compact segment and indexes it, like
 * the loader does per file. Disabled and removed entries are kept in the loaded
 * list (history, `watchlist find`) but are not watched. `version` hashes every
 * watched entry's matching and alert fields, so it changes exactly when what an
 * alert would say (or whether it fires) changes. Pure.
 */
export function buildWatchlistIndex(entries: readonly WatchlistEntry[]): WatchlistIndex {
  const builder = new WatchlistSegmentBuilder();
  for (const e of entries) {
    builder.add({ chain: e.chain, matchKey: e.matchKey, display: e.address, label: e.label, incident: e.incident, source: e.source, tags: e.tags, removed: e.removed, enabled: e.enabled, file: e.file, line: e.line });
  }
  return indexWatchlistSegments([builder.finish()]).index;
}
