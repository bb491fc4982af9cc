import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { AddressError } from '../core/address/address-error.js';
import { indexWatchlistSegments, type CompactWatchlistIndex, type LabelConflict } from '../core/index-watchlist-segments.js';
import type { WatchlistEntry, WatchlistIndex } from '../core/watchlist.js';
import { WatchlistSegmentBuilder, type WatchlistSegment } from '../core/watchlist-segment.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { knownChainOf, type KnownChain } from './load-settings.js';
import { formatFieldPath, locateYamlNode } from './locate-yaml-node.js';
import { normalizeWatchlistAddress, type WatchlistAddress } from './normalize-watchlist-address.js';
import { parseWatchlistFast, type FastWatchlistFile } from './parse-watchlist-fast.js';
import { scanWatchlistBytes } from './scan-watchlist-bytes.js';
import { watchlistEntrySchema, watchlistFileSchema, type Settings } from './schema.js';
import { WELL_KNOWN_CHAINS } from './well-known-chains.js';
import { displayFile, yamlSyntaxProblems } from './yaml-problems.js';
import { zodIssuesToProblems, type Locate } from './zod-issues-to-problems.js';

export const WATCHLISTS_DIR = 'watchlists';

export interface LoadedWatchlists {
  /**
   * Every entry in file order, disabled and removed ones included (not watched).
   * Materialised on first read: a running monitor never reads it (the index
   * holds the entries compactly); `watchlist ls` and tests do.
   */
  readonly entries: readonly WatchlistEntry[];
  readonly index: WatchlistIndex;
  readonly warnings: readonly ConfigProblem[];
  /** Watchlist files read, as displayed in problems. */
  readonly files: readonly string[];
  /** Per-file results to pass to the next load, so only files changed on disk are read again. */
  readonly cache: WatchlistFileCache;
}

export interface WatchlistsCheck {
  /** Materialised on first read (see LoadedWatchlists.entries). */
  readonly entries: readonly WatchlistEntry[];
  readonly files: readonly string[];
  readonly problems: readonly ConfigProblem[];
  /** The compact index over every entry that passed its checks (watched ones answer lookups). */
  readonly index: CompactWatchlistIndex;
  readonly cache: WatchlistFileCache;
}

/**
 * What one file gave, keyed by what stat says about it (size, mtime, ctime,
 * inode) and by the chains it was checked against: an unchanged file is not
 * read again. One cache per config directory and settings.
 */
export interface WatchlistFileCache {
  readonly files: Map<string, CachedWatchlistFile>;
}

interface CachedWatchlistFile {
  readonly stamp: string;
  readonly segment: WatchlistSegment;
  /** The file's own problems (cross-file warnings are recomputed per load). */
  readonly problems: readonly ConfigProblem[];
}

export function createWatchlistFileCache(): WatchlistFileCache {
  return { files: new Map() };
}

/** Reads every `<dir>/watchlists/*.yaml`; throws ConfigError (all problems) on any error. */
export async function loadWatchlists(dir: string, settings: Settings, options: { cache?: WatchlistFileCache } = {}): Promise<LoadedWatchlists> {
  const chainIds = new Map<string, KnownChain>();
  for (const [id, c] of settings.chains) chainIds.set(id, knownChainOf(c));
  const check = await checkWatchlists(dir, chainIds, options);
  if (check.problems.some((p) => p.severity === 'error')) throw new ConfigError(check.problems);
  return {
    get entries() {
      return check.entries;
    },
    index: check.index,
    warnings: check.problems,
    files: check.files,
    cache: check.cache,
  };
}

/** Names of the watchlist files in a directory, sorted (the order entries are read in). */
export async function listWatchlistFiles(dir: string): Promise<string[] | undefined> {
  try {
    const names = await readdir(path.join(dir, WATCHLISTS_DIR));
    return names.filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Every entry of the segments, materialised once on first call. */
export function lazyEntries(segments: readonly WatchlistSegment[]): () => readonly WatchlistEntry[] {
  let entries: WatchlistEntry[] | undefined;
  return () => {
    if (entries === undefined) {
      entries = [];
      for (const seg of segments) for (let i = 0; i < seg.count; i++) entries.push(seg.entry(i));
    }
    return entries;
  };
}

/**
 * Validates every watchlist file against the configured chains, collecting all
 * problems. `chainIds` may be partial (settings had errors); ids present but
 * undefined are configured chains whose kind could not be read. Files go
 * through the byte scanner (scanWatchlistBytes) and, when it declines (a
 * problem to report, an unusual construct), through the exact path below.
 */
export async function checkWatchlists(
  dir: string,
  chainIds: ReadonlyMap<string, KnownChain | undefined>,
  options: {
    chainsKnown?: boolean;
    cache?: WatchlistFileCache;
    /** false: every file through the exact path (tests compare the two paths). */
    fastScan?: boolean;
  } = {},
): Promise<WatchlistsCheck> {
  const chainsKnown = options.chainsKnown ?? true;
  const cache = options.cache ?? createWatchlistFileCache();
  const names = await listWatchlistFiles(dir);
  const files: string[] = [];
  const segments: WatchlistSegment[] = [];
  const perFile: ConfigProblem[][] = [];
  const context = `${chainsKnown}\0${[...chainIds].map(([id, k]) => `${id}:${k?.kind ?? ''}:${k?.network ?? ''}`).join(',')}`;
  const seenNames = new Set<string>();
  // One buffer reused for every file: a fresh one per file would leave several files' bytes
  // waiting for the garbage collector at once, which is what a big list's peak memory is made of.
  let readBuffer: Buffer = Buffer.allocUnsafe(0);
  if (names === undefined || names.length === 0) {
    const file = displayFile(path.join(dir, WATCHLISTS_DIR));
    cache.files.clear();
    const index = indexWatchlistSegments([]).index as CompactWatchlistIndex;
    const problems: ConfigProblem[] = [{ severity: 'warning', file, line: 0, field: '', code: 'file_missing', message: 'no watchlist files (watchlists/*.yaml): nothing will be watched' }];
    return { entries: [], files, problems, index, cache };
  }
  for (const name of names) {
    const full = path.join(dir, WATCHLISTS_DIR, name);
    const file = displayFile(full);
    files.push(file);
    seenNames.add(full);
    let stamp: string;
    let bytes: Uint8Array;
    try {
      // Stat before reading: if the file changes in between, the next load sees a new stamp.
      const st = await stat(full, { bigint: true });
      stamp = `${context}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.ino}`;
      const cached = cache.files.get(full);
      if (cached !== undefined && cached.stamp === stamp) {
        segments.push(cached.segment);
        perFile.push([...cached.problems]);
        continue;
      }
      const read = await readInto(full, readBuffer);
      readBuffer = read.buffer;
      bytes = read.buffer.subarray(0, read.length);
    } catch (err) {
      cache.files.delete(full);
      // An empty segment keeps segments and files aligned.
      segments.push(new WatchlistSegmentBuilder().finish());
      perFile.push([{ severity: 'error', file, line: 1, field: '', code: 'file_unreadable', message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
      continue;
    }
    const problems: ConfigProblem[] = [];
    let segment = options.fastScan === false ? undefined : scanWatchlistBytes(bytes, { file, chainIds, chainsKnown });
    if (segment === undefined) {
      const builder = new WatchlistSegmentBuilder();
      checkWatchlistText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), file, chainIds, chainsKnown, builder, problems);
      segment = builder.finish();
    }
    cache.files.set(full, { stamp, segment, problems });
    segments.push(segment);
    perFile.push([...problems]);
  }
  for (const key of cache.files.keys()) if (!seenNames.has(key)) cache.files.delete(key);

  const { index, conflicts } = indexWatchlistSegments(segments);
  if (conflicts.length > 0) await reportConflicts(dir, names, segments, conflicts, perFile);
  const entries = lazyEntries(segments);
  return {
    get entries() {
      return entries();
    },
    files,
    problems: perFile.flat(),
    index: index as CompactWatchlistIndex,
    cache,
  };
}

/** The file's bytes, in `buffer` when it is big enough (else in a new one, returned to reuse). */
async function readInto(file: string, buffer: Buffer): Promise<{ buffer: Buffer; length: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    let target = buffer;
    if (target.length < size + 1) target = allocReadBuffer(Math.max(size + 1, Math.ceil(buffer.length * 1.5)));
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(target, filled, target.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      // Grew since the stat: make room and read on.
      if (filled === target.length) {
        const bigger = allocReadBuffer(target.length * 2);
        target.copy(bigger, 0, 0, filled);
        target = bigger;
      }
    }
    return { buffer: target, length: filled };
  } finally {
    await handle.close();
  }
}

/**
 * A read buffer. A big one is given more room than glibc's highest mmap threshold (32 MB) so it is
 * always a mapping of its own: once the load is over and it is collected, the memory goes back to
 * the system instead of staying in the malloc heap (and in RSS). Pages never read into are never
 * touched, so the extra room costs no resident memory.
 */
function allocReadBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size >= 1 << 20 ? Math.max(size, 33 * 2 ** 20) : size));
}

/** conflicting_label warnings, each placed after its file's own problems, at the line of the entry's `label:`. */
async function reportConflicts(dir: string, names: readonly string[], segments: readonly WatchlistSegment[], conflicts: readonly LabelConflict[], perFile: ConfigProblem[][]): Promise<void> {
  const raws = new Map<number, RawFile | undefined>();
  for (const c of conflicts) {
    const seg = segments[c.segment]!;
    const other = segments[c.other.segment]!;
    const file = seg.fileOf(c.entry);
    if (!raws.has(c.segment)) {
      const text = await readFile(path.join(dir, WATCHLISTS_DIR, names[c.segment]!), 'utf8').catch(() => undefined);
      raws.set(c.segment, text === undefined ? undefined : parseRaw(text, file, []));
    }
    const raw = raws.get(c.segment);
    const line = seg.line[c.entry]!;
    let pos: Pick<ConfigProblem, 'file' | 'line' | 'column' | 'field'> = { file, line, field: '' };
    if (raw !== undefined) {
      for (let i = 0; i < raw.entries.length; i++) {
        if (raw.entryLine(i) === line) {
          pos = where(raw, file, i, 'label');
          break;
        }
      }
    }
    perFile[c.segment]!.push({ severity: 'warning', ...pos, code: 'conflicting_label', message: `same ${seg.chainOf(c.entry)} address is labelled "${other.labelOf(c.other.entry)}" in ${other.fileOf(c.other.entry)}:${other.line[c.other.entry]!}` });
  }
}

interface RawFile {
  readonly top: Record<string, unknown>;
  readonly entries: readonly unknown[];
  readonly entryLine: (i: number) => number;
  readonly locate: Locate;
}

const ENTRY_KEYS = new Set(['chain', 'address', 'label', 'incident', 'source', 'tags', 'removed', 'enabled', 'note']);
const INCIDENT = /^[a-z0-9][a-z0-9-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The exact path: every problem with file:line; the entries that pass go to `out`. */
function checkWatchlistText(
  text: string,
  file: string,
  chainIds: ReadonlyMap<string, KnownChain | undefined>,
  chainsKnown: boolean,
  out: WatchlistSegmentBuilder,
  problems: ConfigProblem[],
): void {
  const raw = parseRaw(text, file, problems);
  if (raw === undefined) return;
  // Entries are checked one by one below; zod need not copy a million-item array here.
  const top = watchlistFileSchema.safeParse(Array.isArray(raw.top['entries']) ? { ...raw.top, entries: [] } : raw.top);
  if (!top.success) {
    problems.push(...zodIssuesToProblems(top.error.issues, [], file, raw.locate));
    if (!Array.isArray(raw.top['entries'])) return;
  }
  const fileEnabled = top.success ? top.data.enabled : raw.top['enabled'] !== false;
  const configured = [...chainIds.keys()].sort().join(', ');
  /** chain \0 matchKey -> line of the first entry with it. */
  const seen = new Map<string, number>();

  const n = raw.entries.length;
  for (let i = 0; i < n; i++) {
    const value = raw.entries[i];
    const line = raw.entryLine(i);
    let e = fastEntry(value);
    if (e === undefined) {
      const parsed = watchlistEntrySchema.safeParse(value);
      if (!parsed.success) {
        problems.push(...zodIssuesToProblems(parsed.error.issues, ['entries', i], file, raw.locate));
        continue;
      }
      const d = parsed.data;
      e = { ...d, removed: d.removed instanceof Date ? d.removed.toISOString().slice(0, 10) : d.removed };
    }
    const at = (key: string): Pick<ConfigProblem, 'file' | 'line' | 'column' | 'field'> => where(raw, file, i, key);

    // When chainwatch.yaml itself is unreadable, every chain would look unknown: say nothing then.
    if (fileEnabled && chainsKnown && !chainIds.has(e.chain)) {
      problems.push({ severity: 'error', ...at('chain'), code: 'unknown_chain', message: `unknown chain "${e.chain}" (configured: ${configured === '' ? 'none' : configured}); configure it in chainwatch.yaml or set enabled: false at the top of this file` });
      continue;
    }
    const known = chainIds.has(e.chain) ? chainIds.get(e.chain) : WELL_KNOWN_CHAINS.get(e.chain);
    let address: WatchlistAddress;
    try {
      address = normalizeWatchlistAddress(e.address, known, e.chain);
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      problems.push({ severity: 'error', ...at('address'), code: err.code, message: err.message });
      continue;
    }
    const key = `${e.chain}\0${address.matchKey}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ severity: 'error', ...at('address'), code: 'duplicate_address', message: `duplicate address on ${e.chain}, first listed in the entry at line ${first}` });
      continue;
    }
    seen.set(key, line);
    out.add({ chain: e.chain, matchKey: address.matchKey, display: address.display, label: e.label, incident: e.incident, source: e.source, tags: e.tags, removed: e.removed, enabled: fileEnabled && e.enabled, file, line });
  }
}

function where(raw: RawFile, file: string, i: number, key: string): Pick<ConfigProblem, 'file' | 'line' | 'column' | 'field'> {
  const pos = raw.locate(['entries', i, key]);
  return { file, line: pos.line, column: pos.column, field: formatFieldPath(['entries', i, key]) };
}

interface EntryFields {
  chain: string;
  address: string;
  label: string;
  incident: string;
  source: string;
  tags: string[];
  removed: string | undefined;
  enabled: boolean;
  note?: string | undefined;
}

/**
 * Hand-rolled check of the common entry shape, at least as strict as
 * watchlistEntrySchema; anything it does not accept goes through zod, which then
 * decides and words the problem. Skipping zod for the common case is what makes
 * a million entries load in seconds.
 */
function fastEntry(v: unknown): EntryFields | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  for (const k in o) if (!ENTRY_KEYS.has(k)) return undefined;
  const { chain, address, label, incident, source, tags, removed, enabled, note } = o;
  if (typeof chain !== 'string' || chain === '' || typeof address !== 'string' || address === '' || typeof label !== 'string' || label === '') return undefined;
  if (typeof incident !== 'string' || !INCIDENT.test(incident)) return undefined;
  if (typeof source !== 'string' || !isHttpUrl(source)) return undefined;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string' && t !== ''))) return undefined;
  if (removed !== undefined && !(typeof removed === 'string' && DATE.test(removed))) return undefined;
  if (enabled !== undefined && typeof enabled !== 'boolean') return undefined;
  if (note !== undefined && typeof note !== 'string') return undefined;
  return { chain, address, label, incident, source, tags: (tags as string[] | undefined) ?? [], removed, enabled: enabled ?? true, note };
}

const sourceCache = new Map<string, boolean>();
function isHttpUrl(s: string): boolean {
  // Sources repeat across thousands of entries; parse each distinct one once.
  let ok = sourceCache.get(s);
  if (ok === undefined) {
    ok = /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s);
    if (sourceCache.size < 10_000) sourceCache.set(s, ok);
  }
  return ok;
}

function parseRaw(text: string, file: string, problems: ConfigProblem[]): RawFile | undefined {
  const fast = parseWatchlistFast(text);
  if (fast !== undefined) return fromFast(fast);
  return fromYaml(text, file, problems);
}

function fromFast(fast: FastWatchlistFile): RawFile {
  return {
    top: fast.top,
    entries: fast.entries,
    entryLine: (i) => fast.entryLines[i] ?? 1,
    locate: (p, options) => {
      if (p.length === 0) {
        const line = options?.keyOf === undefined ? 1 : fast.topLines.get(options.keyOf) ?? 1;
        return { line, column: 1 };
      }
      const [first, idx, key] = p;
      if (first !== 'entries' || typeof idx !== 'number') return { line: fast.topLines.get(String(first)) ?? 1, column: 1 };
      const start = fast.entryLines[idx] ?? fast.topLines.get('entries') ?? 1;
      const wanted = typeof key === 'string' ? key : options?.keyOf;
      if (wanted === undefined) return { line: start, column: fast.keyIndent - 1 };
      // Scan this entry's lines for the key (only runs when reporting a problem).
      const lines = fast.lines();
      const end = fast.entryLines[idx + 1] ?? lines.length + 1;
      for (let ln = start; ln < end; ln++) {
        const l = lines[ln - 1] ?? '';
        const body = l.slice(fast.keyIndent);
        if ((ln === start || countSpaces(l) === fast.keyIndent) && body.startsWith(`${wanted}:`)) return { line: ln, column: fast.keyIndent + 1 };
      }
      return { line: start, column: fast.keyIndent - 1 };
    },
  };
}

function countSpaces(l: string): number {
  let k = 0;
  while (l.charCodeAt(k) === 32) k++;
  return k;
}

function fromYaml(text: string, file: string, problems: ConfigProblem[]): RawFile | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const syntax = yamlSyntaxProblems(doc, file);
  if (syntax.length > 0) {
    problems.push(...syntax);
    return undefined;
  }
  const locate: Locate = (p, o) => locateYamlNode(doc, lineCounter, p, o);
  const contents = doc.contents;
  if (!isMap(contents)) {
    problems.push({ severity: 'error', file, line: 1, column: 1, field: '', code: 'invalid_type', message: 'a watchlist file must be a mapping with an `entries:` list' });
    return undefined;
  }
  const top = doc.toJS() as Record<string, unknown>;
  const entriesNode = contents.get('entries', true);
  const entries = Array.isArray(top['entries']) ? (top['entries'] as unknown[]) : [];
  if (isSeq(entriesNode)) {
    entriesNode.items.forEach((item, i) => {
      if (!isMap(item)) return;
      // YAML reads an unquoted 0x… address as a hex integer; keep the text as written.
      const addr = item.get('address', true);
      const entry = entries[i];
      if (isScalar(addr) && typeof addr.value === 'number' && typeof addr.source === 'string' && typeof entry === 'object' && entry !== null) {
        (entry as Record<string, unknown>)['address'] = addr.source;
      }
    });
  }
  return {
    top,
    entries,
    entryLine: (i) => {
      const item = isSeq(entriesNode) ? entriesNode.items[i] : undefined;
      const range = (item as { range?: [number, number, number] } | undefined)?.range;
      return range === undefined ? 1 : lineCounter.linePos(range[0]).line;
    },
    locate,
  };
}
