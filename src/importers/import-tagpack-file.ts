import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { AddressError } from '../core/address/address-error.js';
import { parseTagPack, type SkippedTag } from '../core/import/parse-tagpack.js';
import type { AddressLabel } from '../core/labels/address-label.js';
import type { ChainAddressFormat } from '../core/labels/label-match-key.js';
import { normalizeLabelAddress } from '../core/labels/normalize-label-address.js';
import { renderLabelFile } from '../core/labels/render-label-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface ImportTagPackOptions {
  readonly inputFile: string;
  readonly outFile: string;
  /** How each chain's addresses are written (configured chains, else the well-known ids). */
  readonly chainFormat: (chain: string) => ChainAddressFormat | undefined;
}

export interface ImportTagPackReport {
  readonly title: string;
  readonly outFile: string;
  readonly tags: number;
  readonly labels: number;
  /** false: the file already held exactly these labels (a re-import changes nothing). */
  readonly written: boolean;
  readonly duplicates: number;
  readonly skipped: readonly SkippedTag[];
  /** GraphSense categories without a mapping, with how many tags carried each. */
  readonly unknownCategories: ReadonlyMap<string, number>;
}

/**
 * `chainwatch import tagpack FILE`: turns a GraphSense TagPack into a
 * `labels/*.yaml` file. The output is a function of the TagPack alone (tag order,
 * first of duplicates kept), written atomically and only when it changed, so
 * importing the same pack again is a no-op. Addresses go through the label loader's
 * normalisers, so every label written loads.
 */
export async function importTagPackFile(options: ImportTagPackOptions): Promise<ImportTagPackReport> {
  const raw = await readFile(options.inputFile, 'utf8');
  // failsafe: every scalar stays text, so an unquoted 0x… address is not read as a number.
  const pack = parseTagPack(parse(raw, { schema: 'failsafe' }));
  const skipped: SkippedTag[] = [...pack.skipped];
  const labels: AddressLabel[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const t of pack.labels) {
    const format = options.chainFormat(t.chain);
    if (format === undefined) {
      skipped.push({ index: t.index, address: t.address, reason: `chain ${t.chain} is not configured` });
      continue;
    }
    let n: { matchKey: string; display: string };
    try {
      n = normalizeLabelAddress(format, t.address);
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      skipped.push({ index: t.index, address: t.address, reason: err.message });
      continue;
    }
    const key = `${t.chain}\0${n.matchKey}`;
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    labels.push({ chain: t.chain, address: n.display, label: t.label, category: t.category, source: t.source });
  }
  skipped.sort((a, b) => a.index - b.index);
  const unknownCategories = new Map<string, number>();
  for (const s of skipped) if (s.unknownCategory !== undefined) unknownCategories.set(s.unknownCategory, (unknownCategories.get(s.unknownCategory) ?? 0) + 1);

  const h = pack.header;
  const header = [
    `Imported from the GraphSense TagPack "${h.title}"${h.creator === undefined ? '' : ` by ${h.creator}`}${h.lastmod === undefined ? '' : ` (lastmod ${h.lastmod})`}, file ${path.basename(options.inputFile)}.`,
    `chainwatch import tagpack ${path.basename(options.inputFile)}: ${labels.length} of ${pack.labels.length + pack.skipped.length} tags. Re-importing rewrites this file; keep your own labels in another file.`,
  ].join('\n');
  const text = renderLabelFile({ header, description: `GraphSense TagPack: ${h.title}`, labels });
  let current: string | undefined;
  try {
    current = await readFile(options.outFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const written = current !== text;
  if (written) {
    await mkdir(path.dirname(options.outFile), { recursive: true });
    await writeFileAtomic(options.outFile, text);
  }
  return { title: h.title, outFile: options.outFile, tags: pack.labels.length + pack.skipped.length, labels: labels.length, written, duplicates, skipped, unknownCategories };
}
