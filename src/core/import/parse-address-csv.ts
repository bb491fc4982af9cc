import { parse } from 'csv-parse/sync';
import type { ImportCandidate, InvalidImportRow } from './import-candidate.js';
import { validateImportAddress } from './validate-import-address.js';

export interface AddressCsvOptions {
  readonly chain: string;
  readonly incident: string;
  readonly source: string;
  /** Label for rows without one. */
  readonly defaultLabel?: string | undefined;
  /** Tags added to every row. */
  readonly tags?: readonly string[] | undefined;
}

export interface AddressCsvResult {
  readonly candidates: readonly ImportCandidate[];
  readonly invalid: readonly InvalidImportRow[];
  readonly hasHeader: boolean;
}

/**
 * An investigator's list: columns address, label (optional), tags (optional,
 * separated by ';' or '|'). A header row is detected when its first cell is not
 * an address and names a column (address/label/tags, any case, any order).
 * Lines starting with '#' are comments. Rows with an invalid address, no label
 * (and no default) or a repeated address are reported with their line number.
 */
export function parseAddressCsv(text: string, options: AddressCsvOptions): AddressCsvResult {
  const rows = parse(text.replace(/^\uFEFF/, ''), {
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    comment: '#',
    info: true,
  }) as { record: string[]; info: { lines: number } }[];

  let columns = { address: 0, label: 1, tags: 2 };
  let start = 0;
  const first = rows[0]?.record;
  if (first !== undefined && isHeader(first, options.chain)) {
    const lower = first.map((c) => c.toLowerCase());
    const find = (names: string[]): number => lower.findIndex((c) => names.includes(c));
    columns = { address: find(['address', 'addr', 'wallet']), label: find(['label', 'name', 'tag', 'name tag']), tags: find(['tags']) };
    if (columns.address < 0) columns.address = 0;
    start = 1;
  }

  const candidates: ImportCandidate[] = [];
  const invalid: InvalidImportRow[] = [];
  const firstLine = new Map<string, number>();
  const baseTags = options.tags ?? [];
  for (const { record, info } of rows.slice(start)) {
    const line = info.lines;
    const where = `line ${line}`;
    const raw = record[columns.address] ?? '';
    const check = validateImportAddress(options.chain, raw);
    if (!check.ok) {
      invalid.push({ where, address: raw, reason: check.reason });
      continue;
    }
    const label = (columns.label >= 0 ? record[columns.label] : undefined) || options.defaultLabel;
    if (label === undefined || label === '') {
      invalid.push({ where, address: raw, reason: 'no label in the row and no --label default' });
      continue;
    }
    const previous = firstLine.get(check.key);
    if (previous !== undefined) {
      invalid.push({ where, address: raw, reason: `duplicate of line ${previous}` });
      continue;
    }
    firstLine.set(check.key, line);
    const rowTags = (columns.tags >= 0 ? record[columns.tags] ?? '' : '')
      .split(/[;|]/)
      .map((t) => t.trim())
      .filter((t) => t !== '');
    candidates.push({
      chain: options.chain,
      address: check.address,
      key: check.key,
      label,
      incident: options.incident,
      source: options.source,
      tags: [...new Set([...baseTags, ...rowTags])],
    });
  }
  return { candidates, invalid, hasHeader: start === 1 };
}

function isHeader(row: readonly string[], chain: string): boolean {
  const cell = row[0] ?? '';
  if (validateImportAddress(chain, cell).ok) return false;
  return row.some((c) => /^(address|addr|wallet|label|name|tags?)$/i.test(c.trim()));
}
