import type { WatchlistEntry } from '../watchlist.js';

export interface WatchlistFilter {
  readonly chain?: string | undefined;
  readonly incident?: string | undefined;
  readonly tag?: string | undefined;
}

/** Entries matching every given criterion (exact chain id, incident slug and tag, case-insensitive). */
export function filterWatchlistEntries(entries: readonly WatchlistEntry[], filter: WatchlistFilter): WatchlistEntry[] {
  const chain = filter.chain?.toLowerCase();
  const incident = filter.incident?.toLowerCase();
  const tag = filter.tag?.toLowerCase();
  return entries.filter(
    (e) =>
      (chain === undefined || e.chain.toLowerCase() === chain) &&
      (incident === undefined || e.incident.toLowerCase() === incident) &&
      (tag === undefined || e.tags.some((t) => t.toLowerCase() === tag)),
  );
}
