import { isMap, type Document, type YAMLMap } from 'yaml';
import type { ImportCandidate } from './import-candidate.js';
import { validateImportAddress } from './validate-import-address.js';
import { buildEntryNode, entriesOf, entryField } from './watchlist-yaml.js';

export interface MergeOptions {
  /** Date stamped on entries the source no longer lists (YYYY-MM-DD), passed in by the caller. */
  readonly today: string;
  /**
   * Entries the import is authoritative for (e.g. incident ofac-sdn): those
   * missing from the candidates are marked removed. Omit for add-only imports.
   */
  readonly removalScope?: ((entry: { chain: string; incident: string | undefined }) => boolean) | undefined;
}

export interface MergeSummary {
  readonly added: readonly ImportCandidate[];
  /** Previously removed entries the source lists again: `removed` is dropped. */
  readonly relisted: readonly ImportCandidate[];
  readonly unchanged: number;
  readonly removed: readonly { readonly chain: string; readonly address: string; readonly label: string }[];
}

/**
 * Merges candidates into a watchlist document in place. New addresses are
 * appended; entries already present are left exactly as they are (hand edits
 * to labels, tags or notes survive); entries in the removal scope that the
 * source no longer lists get `removed: <today>` and are kept for history.
 * Running it twice with the same input changes nothing the second time.
 */
export function mergeWatchlistEntries(doc: Document, candidates: readonly ImportCandidate[], options: MergeOptions): MergeSummary {
  const seq = entriesOf(doc);
  const existing = new Map<string, YAMLMap>();
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const key = entryKey(entryField(item, 'chain'), entryField(item, 'address'));
    if (key !== undefined && !existing.has(key)) existing.set(key, item);
  }

  const added: ImportCandidate[] = [];
  const relisted: ImportCandidate[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const c of candidates) {
    const key = `${c.chain}\u0000${c.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = existing.get(key);
    if (entry === undefined) {
      seq.add(buildEntryNode(doc, c));
      added.push(c);
      continue;
    }
    if (entry.has('removed') && options.removalScope?.({ chain: c.chain, incident: entryField(entry, 'incident') }) === true) {
      entry.delete('removed');
      relisted.push(c);
      continue;
    }
    unchanged += 1;
  }

  const removed: { chain: string; address: string; label: string }[] = [];
  if (options.removalScope !== undefined) {
    for (const [key, entry] of existing) {
      if (seen.has(key) || entry.has('removed')) continue;
      const chain = entryField(entry, 'chain') ?? '';
      if (!options.removalScope({ chain, incident: entryField(entry, 'incident') })) continue;
      entry.set('removed', options.today);
      removed.push({ chain, address: entryField(entry, 'address') ?? '', label: entryField(entry, 'label') ?? '' });
    }
  }
  return { added, relisted, unchanged, removed };
}

/** Same comparison key the candidates carry; unparseable addresses compare as written. */
function entryKey(chain: string | undefined, address: string | undefined): string | undefined {
  if (chain === undefined || address === undefined) return undefined;
  const check = validateImportAddress(chain, address);
  return `${chain}\u0000${check.ok ? check.key : address.trim()}`;
}
