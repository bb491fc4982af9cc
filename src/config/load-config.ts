import { createHash } from 'node:crypto';
import type { WatchlistEntry, WatchlistIndex } from '../core/watchlist.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { checkSettings } from './load-settings.js';
import { checkWatchlists, type WatchlistFileCache } from './load-watchlists.js';
import { checkLabels, type LoadedLabels } from './load-labels.js';
import { buildLabelBook } from '../core/labels/build-label-book.js';
import type { Settings } from './schema.js';

export { ConfigError, formatConfigProblem, type ConfigProblem, type ConfigProblemCode } from './config-error.js';
export { loadSettings } from './load-settings.js';
export { loadWatchlists, type LoadedWatchlists } from './load-watchlists.js';
export { loadLabels, type LoadedLabels } from './load-labels.js';

export interface LoadedConfig {
  readonly settings: Settings;
  /** Every watchlist entry, disabled and removed ones included; the index holds the watched ones. */
  readonly entries: readonly WatchlistEntry[];
  readonly index: WatchlistIndex;
  readonly warnings: readonly ConfigProblem[];
  /** Changes whenever effective settings or watched entries change. */
  readonly fingerprint: string;
  /** Watchlist files read, as shown in problems. */
  readonly files: readonly string[];
  /** Address labels from `labels/*.yaml` (issue #11): counterparties in alerts, where following stops. */
  readonly labels: LoadedLabels;
  /** Per-file watchlist results, for the reloader to re-read changed files only. */
  readonly watchlistCache?: WatchlistFileCache;
}

/** What `validate` prints: every problem, and the result when there were no errors. */
export interface ConfigCheck {
  readonly problems: readonly ConfigProblem[];
  readonly config: LoadedConfig | undefined;
  readonly entries: readonly WatchlistEntry[];
  readonly files: readonly string[];
  /** Label files read and the labels in force. */
  readonly labelFiles: readonly string[];
  readonly labelCount: number;
}

/**
 * Loads `<dir>/chainwatch.yaml` and every `<dir>/watchlists/*.yaml`. Throws
 * ConfigError carrying every problem (settings and watchlists together) when any
 * is an error; warnings are returned.
 */
export async function loadConfig(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const check = await checkConfig(dir, env);
  if (check.config === undefined) throw new ConfigError(check.problems);
  return check.config;
}

/** Like loadConfig without throwing. Watchlists are checked even when settings have errors. */
export async function checkConfig(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<ConfigCheck> {
  const s = await checkSettings(dir, env);
  const w = await checkWatchlists(dir, s.chainIds, { chainsKnown: s.chainsKnown });
  const l = await checkLabels(dir, s.chainIds, { chainsKnown: s.chainsKnown });
  const problems = [...s.problems, ...w.problems, ...l.problems];
  const labelInfo = { labelFiles: l.files, labelCount: l.labels.length };
  // `entries` stays lazy (materialised on first read): a running monitor only needs the index.
  if (s.settings === undefined || problems.some((p) => p.severity === 'error')) {
    return {
      problems,
      config: undefined,
      get entries() {
        return w.entries;
      },
      files: w.files,
      ...labelInfo,
    };
  }
  const labels: LoadedLabels = { book: buildLabelBook(l.labels.map((x) => ({ matchKey: x.matchKey, label: x }))), labels: l.labels, files: l.files, warnings: l.problems };
  const index = w.index;
  const config: LoadedConfig = Object.freeze({
    settings: s.settings,
    get entries() {
      return w.entries;
    },
    index,
    warnings: problems,
    fingerprint: fingerprintOf(s.settings, index),
    files: w.files,
    labels,
    watchlistCache: w.cache,
  });
  return {
    problems,
    config,
    get entries() {
      return w.entries;
    },
    files: w.files,
    ...labelInfo,
  };
}

function fingerprintOf(settings: Settings, index: WatchlistIndex): string {
  const json = JSON.stringify({ ...settings, chains: [...settings.chains.entries()] });
  return createHash('sha256').update(json).update('\0').update(index.version).digest('hex').slice(0, 32);
}
