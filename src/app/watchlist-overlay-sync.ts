import type { Redis } from 'ioredis';
import { createWatchlistOverlayStore, type OverlayCursor } from '../adapters/redis/watchlist-overlay-store.js';
import { combineWatchlistIndex, createWatchlistOverlay, type WatchlistOverlay } from '../core/watchlist-overlay.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import type { Logger } from './logger.js';

export interface WatchlistOverlaySync {
  readonly overlay: WatchlistOverlay;
  /**
   * Loads the overlay on first call, then applies only the changes logged
   * since: one Redis round trip. Pollers await it before each step (beside the
   * file reloader), so an address added through the API is matched from the
   * next block every poller processes. Concurrent calls share one refresh.
   */
  refresh(): Promise<boolean>;
  /** The file index and the overlay as one index; a new object only when either changed. */
  combine(base: WatchlistIndex): WatchlistIndex;
}

export function createWatchlistOverlaySync(options: { readonly redis: Redis; readonly prefix: string; readonly chains: readonly string[]; readonly logger: Logger }): WatchlistOverlaySync {
  const store = createWatchlistOverlayStore(options.redis, options.prefix);
  const overlay = createWatchlistOverlay();
  let cursors: readonly OverlayCursor[] | undefined;
  let inFlight: Promise<boolean> | undefined;
  let memo: { base: WatchlistIndex; version: number; combined: WatchlistIndex } | undefined;

  const refresh = async (): Promise<boolean> => {
    if (cursors !== undefined) {
      const next = await store.readSince(cursors);
      if (next.reset === undefined) {
        cursors = next.cursors;
        return overlay.apply(next.changes);
      }
      options.logger.warn('watchlist overlay log trimmed past this process; reloading the whole overlay');
      cursors = undefined;
    }
    {
      const loaded = await store.loadAll(options.chains);
      overlay.clear();
      overlay.apply(loaded.changes);
      cursors = loaded.cursors;
      if (overlay.size > 0) options.logger.info({ entries: overlay.size }, 'watchlist overlay loaded (tenant address lists)');
      return true;
    }
  };

  return {
    overlay,
    refresh() {
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    combine(base) {
      if (memo?.base !== base || memo.version !== overlay.version) memo = { base, version: overlay.version, combined: combineWatchlistIndex(base, overlay) };
      return memo.combined;
    },
  };
}
