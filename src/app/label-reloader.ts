import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, formatConfigProblem } from '../config/config-error.js';
import { LABELS_DIR, loadLabels, type LoadedLabels } from '../config/load-labels.js';
import type { Settings } from '../config/schema.js';
import type { LabelBook } from '../core/labels/address-label.js';
import type { Logger } from './logger.js';

export interface LabelReloader {
  /** The last good label book; never a half-loaded or invalid one. */
  current(): LabelBook;
  /**
   * Stats the label files and reloads only if they changed (names, sizes, mtimes, inodes).
   * Pollers await it before each step, like the watchlist reloader, so a label edit on disk
   * is in force for the next block. Concurrent calls share one reload. Resolves true when the book changed.
   */
  refreshIfChanged(): Promise<boolean>;
  /** Interval timer plus fs.watch as an early hint; both unref'd. */
  start(): void;
  stop(): void;
}

export interface LabelReloaderOptions {
  readonly dir: string;
  readonly settings: Settings;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** What the process started with (LoadedConfig.labels). */
  readonly initial: LoadedLabels;
}

/**
 * Hot reload of `labels/*.yaml` (issue #11), kept apart from the watchlist reloader so
 * each directory is stat'ed and reloaded on its own. An invalid edit is logged with
 * `file:line` and the last good labels stay in force.
 */
export function createLabelReloader(options: LabelReloaderOptions): LabelReloader {
  const { dir, settings, logger } = options;
  const labelsDir = path.join(dir, LABELS_DIR);
  let book = options.initial.book;
  let fingerprint = fingerprintOf(options.initial);
  // Unknown until the first refresh: an edit between the initial load and now must not be missed.
  let snapshot: string | undefined;
  let inFlight: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  async function takeSnapshot(): Promise<string> {
    let names: string[];
    try {
      names = (await readdir(labelsDir)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
    const parts = await Promise.all(
      names.map(async (n) => {
        try {
          const s = await stat(path.join(labelsDir, n), { bigint: true });
          // ctime and inode catch an atomic rename-over that keeps size and mtime.
          return `${n}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\0${s.ino}`;
        } catch {
          return `${n}\0gone`;
        }
      }),
    );
    return parts.join('\n');
  }

  async function refresh(): Promise<boolean> {
    const next = await takeSnapshot();
    if (next === snapshot) return false;
    snapshot = next;
    let loaded: LoadedLabels;
    try {
      loaded = await loadLabels(dir, settings);
    } catch (err) {
      if (err instanceof ConfigError) {
        for (const p of err.problems) {
          const fields = { file: p.file, line: p.line, column: p.column, field: p.field, code: p.code };
          if (p.severity === 'error') logger.error(fields, formatConfigProblem(p));
          else logger.warn(fields, formatConfigProblem(p));
        }
        logger.error({ errors: err.problems.filter((p) => p.severity === 'error').length, labels: book.size }, 'label edit rejected; the last good labels stay in force');
      } else {
        logger.error({ err }, 'label reload failed; the last good labels stay in force');
      }
      return false;
    }
    const nextFingerprint = fingerprintOf(loaded);
    if (nextFingerprint === fingerprint) return false;
    fingerprint = nextFingerprint;
    book = loaded.book;
    for (const w of loaded.warnings) logger.warn({ file: w.file, line: w.line, field: w.field, code: w.code }, formatConfigProblem(w));
    logger.info({ labels: book.size, files: loaded.files.length }, `labels reloaded: ${book.size} address labels`);
    return true;
  }

  const reloader: LabelReloader = {
    current: () => book,
    refreshIfChanged() {
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    start() {
      if (timer !== undefined) return;
      const tick = (): void => {
        reloader.refreshIfChanged().catch((err: unknown) => logger.error({ err }, 'label check failed'));
      };
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
      try {
        watcher = watch(labelsDir, { persistent: false }, tick);
        watcher.on('error', () => {
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        // No labels directory (labels are optional) or no fs.watch: the interval suffices.
      }
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      watcher?.close();
      watcher = undefined;
    },
  };
  return reloader;
}

/** Changes when any label in force changes (address, name, category, source). */
function fingerprintOf(loaded: LoadedLabels): string {
  return loaded.labels.map((l) => `${l.chain}\0${l.matchKey}\0${l.label}\0${l.category}\0${l.source}`).join('\n');
}
