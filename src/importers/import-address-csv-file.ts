import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { InvalidImportRow } from '../core/import/import-candidate.js';
import { mergeWatchlistEntries } from '../core/import/merge-watchlist-entries.js';
import { parseAddressCsv } from '../core/import/parse-address-csv.js';
import { WATCHLIST_YAML_OPTIONS, createWatchlistDocument, parseWatchlistDocument } from '../core/import/watchlist-yaml.js';
import type { ImportedFile } from './import-ofac-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface ImportAddressCsvOptions {
  readonly inputFile: string;
  /** Watchlist file to create or extend. */
  readonly outFile: string;
  readonly chain: string;
  readonly incident: string;
  readonly source: string;
  readonly defaultLabel?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly today: string;
  readonly monitoredChains: ReadonlySet<string>;
}

export interface CsvImportReport {
  readonly rows: number;
  readonly file: ImportedFile;
  readonly invalid: readonly InvalidImportRow[];
}

/**
 * `chainwatch import csv`: adds an investigator's address list to a watchlist
 * file. Add-only (a partial list must not mark other entries removed); invalid
 * rows are reported with their line and never written.
 */
export async function importAddressCsvFile(options: ImportAddressCsvOptions): Promise<CsvImportReport> {
  const text = await readFile(options.inputFile, 'utf8');
  const { candidates, invalid } = parseAddressCsv(text, options);
  const existing = await readFile(options.outFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const enabled = options.monitoredChains.has(options.chain);
  const doc =
    existing !== undefined
      ? parseWatchlistDocument(existing)
      : createWatchlistDocument({
          header: [
            `Incident ${options.incident}: ${options.chain} addresses imported from ${path.basename(options.inputFile)} on ${options.today}`,
            `by \`chainwatch import csv\`. Source: ${options.source}`,
          ].join('\n'),
          description: `${options.incident} addresses on ${options.chain}`,
          enabled,
          note: enabled ? undefined : `Disabled: chain ${options.chain} is not configured in chainwatch.yaml. Configure it and set enabled: true to watch these addresses.`,
        });
  const summary = mergeWatchlistEntries(doc, candidates, { today: options.today });
  const written = summary.added.length > 0;
  if (written) {
    await mkdir(path.dirname(options.outFile), { recursive: true });
    await writeFileAtomic(options.outFile, doc.toString(WATCHLIST_YAML_OPTIONS));
  }
  return {
    rows: candidates.length + invalid.length,
    file: { file: options.outFile, chain: options.chain, created: existing === undefined && written, written, enabled: existing === undefined ? enabled : doc.get('enabled') !== false, summary },
    invalid,
  };
}
