import { Document, Scalar, type YAMLMap, YAMLSeq, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { ImportCandidate } from './import-candidate.js';

/**
 * The yaml Document helpers the importers share. They edit the document in
 * place so hand-written comments, order and formatting survive an import.
 */

/** Output options: tags as `[a, b]`, never fold long labels or notes. */
export const WATCHLIST_YAML_OPTIONS = { flowCollectionPadding: false, lineWidth: 0 } as const;

/**
 * Parses a watchlist file for editing. An unquoted 0x address is a hex integer
 * to YAML 1.2, so writing it back would corrupt it: such address scalars get
 * their source text back and are quoted.
 */
export function parseWatchlistDocument(text: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]?.message ?? 'parse error'}`);
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === 'address' && isScalar(pair.value) && typeof pair.value.value !== 'string') {
        const scalar = pair.value;
        scalar.value = scalar.source ?? String(scalar.value);
        scalar.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc;
}

export interface NewWatchlistFile {
  /** Comment block at the top: what the file is, where it came from, how it was made. */
  readonly header: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly note?: string | undefined;
}

export function createWatchlistDocument(file: NewWatchlistFile): Document {
  const contents: Record<string, unknown> = { description: file.description };
  if (file.note !== undefined) contents['note'] = file.note;
  if (!file.enabled) contents['enabled'] = false;
  contents['entries'] = [];
  const doc = new Document(contents);
  doc.commentBefore = file.header
    .split('\n')
    .map((l) => (l === '' ? '' : ` ${l}`))
    .join('\n');
  return doc;
}

/** The `entries` sequence, created if the document has none. */
export function entriesOf(doc: Document): YAMLSeq {
  const node = doc.get('entries', true);
  if (isSeq(node)) return node;
  const seq = new YAMLSeq();
  doc.set('entries', seq);
  return seq;
}

export function entryField(entry: unknown, key: string): string | undefined {
  if (!isMap(entry)) return undefined;
  const value = entry.get(key, true);
  if (!isScalar(value)) return undefined;
  const v = value.value;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  // YAML scalars hold strings, numbers, booleans or bigints here; null and anything else is "not set".
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : undefined;
}

export function buildEntryNode(doc: Document, c: ImportCandidate): YAMLMap {
  const obj: Record<string, unknown> = {
    chain: c.chain,
    address: c.address,
    label: c.label,
    incident: c.incident,
    source: c.source,
    tags: [...c.tags],
  };
  if (c.note !== undefined) obj['note'] = c.note;
  const node = doc.createNode(obj) as YAMLMap;
  const tags = node.get('tags', true);
  if (isSeq(tags)) tags.flow = true;
  return node;
}
