import path from 'node:path';
import { ConfigError, formatConfigProblem } from '../config/config-error.js';
import { LABELS_DIR, loadLabels, type LoadedLabels } from '../config/load-labels.js';
import type { Settings } from '../config/schema.js';
import type { LabelBook } from '../core/labels/address-label.js';
import type { Logger } from './logger.js';
import { snapshotYamlDirectory, watchYamlDirectory } from './yaml-directory-watch.js';

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


  async function refresh(): Promise<boolean> {
    const next = await snapshotYamlDirectory(labelsDir);
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

  const directory = watchYamlDirectory({ dir: labelsDir, intervalMs: options.intervalMs, reloadIfChanged: refresh, onError: (err) => logger.error({ err }, 'label check failed') });
  const reloader: LabelReloader = {
    current: () => book,
    refreshIfChanged: directory.refreshIfChanged,
    start: directory.start,
    stop: directory.stop,
  };
  return reloader;
}

/** Changes when any label in force changes (address, name, category, source). */
function fingerprintOf(loaded: LoadedLabels): string {
  return loaded.labels.map((l) => `${l.chain}\0${l.matchKey}\0${l.label}\0${l.category}\0${l.source}`).join('\n');
}
