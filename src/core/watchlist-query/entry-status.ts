import type { WatchlistEntry } from '../watchlist.js';

/** removed (delisted, kept for history) wins over disabled; only `watched` entries are matched. */
export type EntryStatus = 'watched' | 'disabled' | 'removed';

export function entryStatus(entry: WatchlistEntry): EntryStatus {
  if (entry.removed !== undefined) return 'removed';
  return entry.enabled ? 'watched' : 'disabled';
}
