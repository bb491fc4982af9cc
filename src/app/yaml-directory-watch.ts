import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Fingerprint of a config directory's YAML files: names, sizes, mtimes, ctimes and inodes
 * ('missing' when the directory does not exist). Cheap enough to take before every poll step.
 */
export async function snapshotYamlDirectory(dir: string): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  const parts = await Promise.all(
    names.map(async (n) => {
      try {
        const s = await stat(path.join(dir, n), { bigint: true });
        // ctime and inode catch an atomic rename-over that keeps size and mtime.
        return `${n}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\0${s.ino}`;
      } catch {
        return `${n}\0gone`;
      }
    }),
  );
  return parts.join('\n');
}

export interface YamlDirectoryWatch {
  /** Runs `reloadIfChanged`; concurrent calls share one run. */
  refreshIfChanged(this: void): Promise<boolean>;
  /** Interval timer plus fs.watch as an early hint; both unref'd so they never hold the process open. */
  start(this: void): void;
  stop(this: void): void;
}

/**
 * The reload loop the watchlist and label reloaders share: `reloadIfChanged` (which compares
 * snapshots itself) runs on an interval and on fs.watch events, never twice at once.
 */
export function watchYamlDirectory(options: { readonly dir: string; readonly intervalMs: number; readonly reloadIfChanged: () => Promise<boolean>; readonly onError: (err: unknown) => void }): YamlDirectoryWatch {
  let inFlight: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const refreshIfChanged = (): Promise<boolean> => {
    inFlight ??= options.reloadIfChanged().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  return {
    refreshIfChanged,
    start() {
      if (timer !== undefined) return;
      const tick = (): void => {
        refreshIfChanged().catch(options.onError);
      };
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
      try {
        watcher = watch(options.dir, { persistent: false }, tick);
        watcher.on('error', () => {
          // The directory went away; the interval keeps checking.
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        // No such directory (yet), or the platform lacks fs.watch: the interval suffices.
      }
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      watcher?.close();
      watcher = undefined;
    },
  };
}
