import path from 'node:path';
import { ConfigError, formatConfigProblem } from '../config/config-error.js';
import { createWatchlistFileCache, lazyEntries, loadWatchlists, WATCHLISTS_DIR, type LoadedWatchlists, type WatchlistFileCache } from '../config/load-watchlists.js';
import { CompactWatchlistIndex } from '../core/index-watchlist-segments.js';
import type { Settings } from '../config/schema.js';
import type { WatchlistEntry, WatchlistIndex } from '../core/watchlist.js';
import type { Logger } from './logger.js';
import { snapshotYamlDirectory, watchYamlDirectory } from './yaml-directory-watch.js';
import type { Metrics } from './metrics.js';
import { memoryLogFields } from './read-process-memory.js';
import { collectGarbage } from './collect-garbage.js';

export interface WatchlistChange {
  readonly index: WatchlistIndex;
  /** Materialised on first read (a million objects for a million entries: listeners should use `index`). */
  readonly entries: readonly WatchlistEntry[];
  /** Watched entries (chain, address, incident, label) that appeared / disappeared. */
  readonly added: number;
  readonly removed: number;
}

export interface WatchlistReloader {
  /** The last good index; never a half-loaded or invalid one. */
  current(): WatchlistIndex;
  /** The entries behind current(), materialised on call (costly for big lists; matchers use current()). */
  currentEntries(): readonly WatchlistEntry[];
  /**
   * Stats the watchlist files (names, sizes, mtimes, inodes) and reloads only if
   * they changed. Pollers await it before each step, so once an edit is on disk no
   * block is matched against the old list. Concurrent calls share one reload.
   * Resolves true when the index changed.
   */
  refreshIfChanged(): Promise<boolean>;
  /** Interval timer plus fs.watch as an early hint; both unref'd so they never hold the process open. */
  start(): void;
  stop(): void;
  /** Returns an unsubscribe function. */
  onChange(listener: (change: WatchlistChange) => void): () => void;
}

export interface WatchlistReloaderOptions {
  readonly dir: string;
  /** Settings stay fixed for the process; chain ids in edited watchlists are checked against them. */
  readonly settings: Settings;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly metrics?: Pick<Metrics, 'watchlistReloads' | 'watchlistEntries'> | undefined;
  /**
   * What the process started with (a LoadedConfig or LoadedWatchlists). `entries` is read only
   * when `index` is not the loader's compact index; the cache, when given, spares the first
   * refresh from reading every file again.
   */
  readonly initial: { readonly index: WatchlistIndex; readonly entries: readonly WatchlistEntry[]; readonly watchlistCache?: WatchlistFileCache | undefined; readonly cache?: WatchlistFileCache | undefined };
}

export function createWatchlistReloader(options: WatchlistReloaderOptions): WatchlistReloader {
  const { dir, settings, logger, metrics } = options;
  const watchDir = path.join(dir, WATCHLISTS_DIR);
  let index = options.initial.index;
  // Only files that changed on disk are read again (issue #13: an edit of one file of a 1M-entry list).
  const cache = options.initial.watchlistCache ?? options.initial.cache ?? createWatchlistFileCache();
  let entries: () => readonly WatchlistEntry[] = index instanceof CompactWatchlistIndex ? lazyEntries(index.segments) : ((list) => () => list)(options.initial.entries);
  // Unknown until the first refresh: the initial load happened before this
  // reloader existed, so an edit in between must not be missed. The first
  // refresh therefore always reloads (and reports a change only if there is one).
  let snapshot: string | undefined;
  const listeners = new Set<(change: WatchlistChange) => void>();

  setEntryGauges();

  function setEntryGauges(): void {
    if (metrics === undefined) return;
    const counts = new Map<string, number>();
    for (const id of settings.chains.keys()) counts.set(id, 0);
    if (index instanceof CompactWatchlistIndex) {
      for (const chain of index.chains) counts.set(chain, index.watchedOn(chain));
    } else {
      for (const e of entries()) if (e.enabled && e.removed === undefined) counts.set(e.chain, (counts.get(e.chain) ?? 0) + 1);
    }
    for (const [chain, n] of counts) metrics.watchlistEntries.set({ chain }, n);
  }


  async function refresh(): Promise<boolean> {
    const next = await snapshotYamlDirectory(watchDir);
    if (next === snapshot) return false;
    snapshot = next;
    const started = performance.now();
    // The previous reload's leftovers go first, so they never add to this one's peak.
    collectGarbage();
    let loaded: LoadedWatchlists;
    try {
      loaded = await loadWatchlists(dir, settings, { cache });
    } catch (err) {
      metrics?.watchlistReloads.inc({ result: 'invalid' });
      if (err instanceof ConfigError) {
        for (const p of err.problems) {
          const fields = { file: p.file, line: p.line, column: p.column, field: p.field, code: p.code };
          if (p.severity === 'error') logger.error(fields, formatConfigProblem(p));
          else logger.warn(fields, formatConfigProblem(p));
        }
        logger.error({ errors: err.problems.filter((p) => p.severity === 'error').length, entries: index.size, version: index.version }, 'watchlist edit rejected; still watching the last good list');
      } else {
        logger.error({ err }, 'watchlist reload failed; still watching the last good list');
      }
      return false;
    }
    metrics?.watchlistReloads.inc({ result: 'ok' });
    if (loaded.index.version === index.version) return false;
    const before = index;
    const beforeEntries = entries;
    index = loaded.index;
    entries = lazyEntries((loaded.index as CompactWatchlistIndex).segments);
    const { added, removed } =
      before instanceof CompactWatchlistIndex && index instanceof CompactWatchlistIndex ? diffIndexes(before, index) : diffEntries(beforeEntries(), entries());
    setEntryGauges();
    // The index just replaced (tens of MB for a big list) is released once this reload has returned.
    setImmediate(collectGarbage);
    for (const w of loaded.warnings) logger.warn({ file: w.file, line: w.line, field: w.field, code: w.code }, formatConfigProblem(w));
    logger.info({ added, removed, entries: index.size, version: index.version, duration_ms: Math.round(performance.now() - started), ...memoryLogFields() }, `watchlist reloaded: ${added} added, ${removed} removed`);
    const changedEntries = entries;
    const change: WatchlistChange = {
      index,
      get entries() {
        return changedEntries();
      },
      added,
      removed,
    };
    for (const l of listeners) {
      try {
        l(change);
      } catch (err) {
        logger.error({ err }, 'watchlist change listener failed');
      }
    }
    return true;
  }

  const directory = watchYamlDirectory({ dir: watchDir, intervalMs: options.intervalMs, reloadIfChanged: refresh, onError: (err) => logger.error({ err }, 'watchlist check failed') });
  const reloader: WatchlistReloader = {
    current: () => index,
    currentEntries: () => entries(),
    refreshIfChanged: directory.refreshIfChanged,
    start: directory.start,
    stop: directory.stop,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return reloader;
}

function watchedKeys(list: readonly WatchlistEntry[]): Set<string> {
  const keys = new Set<string>();
  for (const e of list) if (e.enabled && e.removed === undefined) keys.add(`${e.chain}\0${e.matchKey}\0${e.incident}\0${e.label}`);
  return keys;
}

function diffEntries(before: readonly WatchlistEntry[], after: readonly WatchlistEntry[]): { added: number; removed: number } {
  const a = watchedKeys(before);
  const b = watchedKeys(after);
  let added = 0;
  let removed = 0;
  for (const k of b) if (!a.has(k)) added += 1;
  for (const k of a) if (!b.has(k)) removed += 1;
  return { added, removed };
}

/**
 * Added / removed watched (chain, address, incident, label) between two loads,
 * looking only at the files that changed: a segment shared by both indexes is
 * an unchanged file (the loader's cache hands back the same object).
 */
function diffIndexes(before: CompactWatchlistIndex, after: CompactWatchlistIndex): { added: number; removed: number } {
  const kept = new Set(before.segments.filter((s) => after.segments.includes(s)));
  const count = (from: CompactWatchlistIndex, other: CompactWatchlistIndex): number => {
    // Strings only for entries that really differ (few for an edit), counted once each.
    const differing = new Set<string>();
    for (const seg of from.segments) {
      if (kept.has(seg)) continue;
      for (let i = 0; i < seg.count; i++) {
        if ((seg.watched[i]! & 1) === 0 || other.holdsWatched(seg, i)) continue;
        differing.add(`${seg.chainOf(i)}\0${seg.matchKeyOf(i)}\0${seg.incidentOf(i)}\0${seg.labelOf(i)}`);
      }
    }
    return differing.size;
  };
  return { added: count(after, before), removed: count(before, after) };
}
