import type { Command } from 'commander';
import { checkConfig } from '../../config/load-config.js';
import type { WatchlistEntry } from '../../core/watchlist.js';
import { buildWatchlistStats, type StatusCounts } from '../../core/watchlist-query/build-watchlist-stats.js';
import { entryStatus } from '../../core/watchlist-query/entry-status.js';
import { filterWatchlistEntries } from '../../core/watchlist-query/filter-watchlist-entries.js';
import { findWatchlistEntries } from '../../core/watchlist-query/find-watchlist-entries.js';
import { formatTable } from '../../core/watchlist-query/format-table.js';
import { resolveConfigDir } from '../config-dir.js';

/**
 * `chainwatch watchlist ls|find|stats`: offline questions about the config
 * directory's watchlists (no Redis, no RPC). Every subcommand takes --json.
 * Exit codes: 0 ok, 1 `find` found nothing.
 */
export function registerWatchlistCommand(program: Command): void {
  const cmd = program.command('watchlist').description('List, search and count watchlist entries (offline, from the config directory)');

  cmd
    .command('ls')
    .description('List entries: chain, address, label, incident, tags, file:line, status')
    .option('--chain <id>', 'only this chain')
    .option('--incident <slug>', 'only this incident')
    .option('--tag <tag>', 'only entries with this tag')
    .option('--json', 'print JSON')
    .action(async (opts: { chain?: string; incident?: string; tag?: string; json?: boolean }, command: Command) => {
      const entries = filterWatchlistEntries(await loadEntries(command), opts);
      if (opts.json === true) return printJson(entries.map(entryJson));
      const rows = entries.map((e) => [e.chain, e.address, truncate(e.label, 48), e.incident, e.tags.join(','), `${e.file}:${e.line}`, entryStatus(e)]);
      process.stdout.write(formatTable(['CHAIN', 'ADDRESS', 'LABEL', 'INCIDENT', 'TAGS', 'FILE:LINE', 'STATUS'], rows));
      process.stdout.write(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
    });

  cmd
    .command('find')
    .description('Show which watchlist entries hold an address, on which chains, with their source (exit 1 if none)')
    .argument('<address>', 'address to look up (0x addresses and bech32 match case-insensitively)')
    .option('--json', 'print JSON')
    .action(async (address: string, opts: { json?: boolean }, command: Command) => {
      const hits = findWatchlistEntries(await loadEntries(command), address);
      if (hits.length === 0) process.exitCode = 1;
      if (opts.json === true) return printJson({ address, found: hits.length > 0, entries: hits.map(entryJson) });
      if (hits.length === 0) {
        process.stdout.write(`${address} is not in any watchlist\n`);
        return;
      }
      const chains = [...new Set(hits.map((e) => e.chain))].join(', ');
      process.stdout.write(`${address}: ${hits.length} entr${hits.length === 1 ? 'y' : 'ies'} on ${chains}\n`);
      for (const e of hits) {
        process.stdout.write(`\n  ${e.chain}  ${e.address}  [${entryStatus(e)}${e.removed !== undefined ? ` ${e.removed}` : ''}]\n`);
        process.stdout.write(`    label:    ${e.label}\n    incident: ${e.incident}\n    tags:     ${e.tags.join(', ')}\n    source:   ${e.source}\n    file:     ${e.file}:${e.line}\n`);
      }
    });

  cmd
    .command('stats')
    .description('Count entries per chain, incident and tag (watched / disabled / removed)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const stats = buildWatchlistStats(await loadEntries(command));
      if (opts.json === true) return printJson(stats);
      const t = stats.total;
      process.stdout.write(`${t.total} entries in ${stats.files} files: ${t.watched} watched, ${t.disabled} disabled, ${t.removed} removed\n`);
      for (const [title, group] of [['CHAIN', stats.byChain], ['INCIDENT', stats.byIncident], ['TAG', stats.byTag]] as const) {
        process.stdout.write('\n');
        process.stdout.write(formatTable([title, 'TOTAL', 'WATCHED', 'DISABLED', 'REMOVED'], Object.entries(group).map(([k, c]) => [k, ...counts(c)])));
      }
    });
}

/** Every entry in the config directory, disabled and removed ones included. */
async function loadEntries(command: Command): Promise<readonly WatchlistEntry[]> {
  const dir = resolveConfigDir(command);
  const check = await checkConfig(dir);
  const errors = check.problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) process.stderr.write(`warning: ${dir} has ${errors} configuration error(s); entries that failed validation are not shown (run chainwatch validate)\n`);
  return check.entries;
}

function entryJson(e: WatchlistEntry): Record<string, unknown> {
  return {
    chain: e.chain,
    address: e.address,
    label: e.label,
    incident: e.incident,
    source: e.source,
    tags: e.tags,
    status: entryStatus(e),
    enabled: e.enabled,
    removed: e.removed ?? null,
    file: e.file,
    line: e.line,
  };
}

function counts(c: StatusCounts): string[] {
  return [String(c.total), String(c.watched), String(c.disabled), String(c.removed)];
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
