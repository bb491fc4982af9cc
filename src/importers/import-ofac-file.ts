import { readFile, readdir, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildOfacCandidates, OFAC_INCIDENT } from '../core/import/build-ofac-candidates.js';
import type { ImportCandidate, InvalidImportRow, OfacFormat } from '../core/import/import-candidate.js';
import { mergeWatchlistEntries, type MergeSummary } from '../core/import/merge-watchlist-entries.js';
import { parseOfacSdn } from '../core/import/parse-ofac-sdn.js';
import { WATCHLIST_YAML_OPTIONS, createWatchlistDocument, parseWatchlistDocument } from '../core/import/watchlist-yaml.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface ImportOfacOptions {
  /** SDN.XML, sdn_advanced.xml or SDN.CSV; the format is detected from the content. */
  readonly inputFile: string;
  /** Directory holding ofac-sdn-<chain>.yaml files (config/watchlists). */
  readonly outDir: string;
  /** YYYY-MM-DD stamped on delisted entries; the CLI passes today's date. */
  readonly today: string;
  /** Chain ids configured in chainwatch.yaml: new files for other chains are written disabled. */
  readonly monitoredChains: ReadonlySet<string>;
}

export interface ImportedFile {
  readonly file: string;
  readonly chain: string;
  readonly created: boolean;
  readonly written: boolean;
  readonly enabled: boolean;
  readonly summary: MergeSummary;
}

export interface OfacImportReport {
  readonly format: OfacFormat;
  /** Digital-currency address records found in the input. */
  readonly records: number;
  readonly files: readonly ImportedFile[];
  readonly invalid: readonly InvalidImportRow[];
}

export const OFAC_FILE_RE = /^ofac-sdn-([a-z0-9][a-z0-9_-]*)\.yaml$/;

/**
 * `chainwatch import ofac`: reads an OFAC SDN publication and brings the
 * ofac-sdn-<chain>.yaml files up to date. The input is the whole list, so an
 * ofac-sdn entry it no longer contains is marked `removed: <today>`; entries
 * still listed are left untouched; a second run with the same input writes nothing.
 */
export async function importOfacFile(options: ImportOfacOptions): Promise<OfacImportReport> {
  const text = await readFile(options.inputFile, 'utf8');
  const parsed = parseOfacSdn(text);
  if (parsed.records.length === 0) {
    // A truncated or wrong file would otherwise mark every sanctioned address as delisted.
    throw new Error(`no "Digital Currency Address" found in ${path.basename(options.inputFile)}; refusing to mark every OFAC entry removed`);
  }
  const { candidates, invalid } = buildOfacCandidates(parsed.records);

  const byChain = new Map<string, ImportCandidate[]>();
  for (const c of candidates) byChain.set(c.chain, [...(byChain.get(c.chain) ?? []), c]);
  await mkdir(options.outDir, { recursive: true });
  for (const name of await readdir(options.outDir)) {
    const chain = OFAC_FILE_RE.exec(name)?.[1];
    if (chain !== undefined && !byChain.has(chain)) byChain.set(chain, []);
  }

  const files: ImportedFile[] = [];
  for (const chain of [...byChain.keys()].sort()) {
    const file = path.join(options.outDir, `ofac-sdn-${chain}.yaml`);
    const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const enabled = options.monitoredChains.has(chain);
    const doc =
      existing !== undefined
        ? parseWatchlistDocument(existing)
        : createWatchlistDocument({
            header: [
              `OFAC SDN list: sanctioned ${chain} addresses (incident ${OFAC_INCIDENT}).`,
              `Written by \`chainwatch import ofac ${path.basename(options.inputFile)}\` on ${options.today} (${parsed.format}).`,
              'Re-running the import updates this file in place: new addresses are appended, delisted ones get removed: <date>.',
            ].join('\n'),
            description: `OFAC SDN sanctioned addresses on ${chain}`,
            enabled,
            note: enabled ? undefined : `Disabled: chain ${chain} is not configured in chainwatch.yaml. Configure it and set enabled: true to watch these addresses.`,
          });
    const summary = mergeWatchlistEntries(doc, byChain.get(chain) ?? [], {
      today: options.today,
      removalScope: (e) => e.chain === chain && e.incident === OFAC_INCIDENT,
    });
    const changed = summary.added.length + summary.relisted.length + summary.removed.length > 0;
    const written = changed && (existing !== undefined || summary.added.length > 0);
    if (written) await writeFileAtomic(file, doc.toString(WATCHLIST_YAML_OPTIONS));
    files.push({ file, chain, created: existing === undefined && written, written, enabled: existing === undefined ? enabled : doc.get('enabled') !== false, summary });
  }
  return { format: parsed.format, records: parsed.records.length, files, invalid };
}
