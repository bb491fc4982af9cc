import type { WatchlistEntry } from '../watchlist.js';
import { entryStatus, type EntryStatus } from './entry-status.js';

export type StatusCounts = Record<EntryStatus | 'total', number>;

export interface WatchlistStats {
  readonly total: StatusCounts;
  readonly files: number;
  readonly byChain: Readonly<Record<string, StatusCounts>>;
  readonly byIncident: Readonly<Record<string, StatusCounts>>;
  readonly byTag: Readonly<Record<string, StatusCounts>>;
}

/** Counts per chain, incident and tag, each split into watched / disabled / removed. Keys sorted. */
export function buildWatchlistStats(entries: readonly WatchlistEntry[]): WatchlistStats {
  const total = zero();
  const byChain = new Map<string, StatusCounts>();
  const byIncident = new Map<string, StatusCounts>();
  const byTag = new Map<string, StatusCounts>();
  const files = new Set<string>();
  for (const e of entries) {
    const s = entryStatus(e);
    files.add(e.file);
    bump(total, s);
    bump(at(byChain, e.chain), s);
    bump(at(byIncident, e.incident), s);
    for (const t of new Set(e.tags)) bump(at(byTag, t), s);
  }
  return { total, files: files.size, byChain: sorted(byChain), byIncident: sorted(byIncident), byTag: sorted(byTag) };
}

function zero(): StatusCounts {
  return { total: 0, watched: 0, disabled: 0, removed: 0 };
}

function at(map: Map<string, StatusCounts>, key: string): StatusCounts {
  let c = map.get(key);
  if (c === undefined) {
    c = zero();
    map.set(key, c);
  }
  return c;
}

function bump(c: StatusCounts, s: EntryStatus): void {
  c.total += 1;
  c[s] += 1;
}

function sorted(map: Map<string, StatusCounts>): Record<string, StatusCounts> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
