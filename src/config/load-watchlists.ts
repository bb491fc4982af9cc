import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { AddressError } from '../core/address/address-error.js';
import { normalizeUtxoAddress } from '../core/address/normalize-utxo-address.js';
import { isUtxoKind } from '../core/btc/utxo-chain.js';
import { isUncheckedEvmAddress, normalizeEvmAddress } from '../core/address/normalize-evm-address.js';
import { isHarmonyBech32Address, normalizeHarmonyAddress } from '../core/address/normalize-harmony-address.js';
import { normalizeTronAddress } from '../core/address/normalize-tron-address.js';
import { buildWatchlistIndex } from '../core/build-watchlist-index.js';
import type { WatchlistEntry, WatchlistIndex } from '../core/watchlist.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import type { KnownChain } from './load-settings.js';
import { formatFieldPath, locateYamlNode } from './locate-yaml-node.js';
import { parseWatchlistFast, type FastWatchlistFile } from './parse-watchlist-fast.js';
import { watchlistEntrySchema, watchlistFileSchema, type Settings } from './schema.js';
import { WELL_KNOWN_CHAINS } from './well-known-chains.js';
import { displayFile, yamlSyntaxProblems } from './yaml-problems.js';
import { zodIssuesToProblems, type Locate } from './zod-issues-to-problems.js';

export const WATCHLISTS_DIR = 'watchlists';

export interface LoadedWatchlists {
  /** Every entry in file order, disabled and removed ones included (not watched). */
  readonly entries: readonly WatchlistEntry[];
  readonly index: WatchlistIndex;
  readonly warnings: readonly ConfigProblem[];
  /** Watchlist files read, as displayed in problems. */
  readonly files: readonly string[];
}

export interface WatchlistsCheck {
  readonly entries: readonly WatchlistEntry[];
  readonly files: readonly string[];
  readonly problems: readonly ConfigProblem[];
}

/** Reads every `<dir>/watchlists/*.yaml`; throws ConfigError (all problems) on any error. */
export async function loadWatchlists(dir: string, settings: Settings): Promise<LoadedWatchlists> {
  const chainIds = new Map<string, KnownChain>();
  for (const [id, c] of settings.chains) chainIds.set(id, c.kind === 'evm' || c.kind === 'tron' ? { kind: c.kind } : { kind: c.kind, network: c.network });
  const check = await checkWatchlists(dir, chainIds);
  if (check.problems.some((p) => p.severity === 'error')) throw new ConfigError(check.problems);
  return { entries: check.entries, index: buildWatchlistIndex(check.entries), warnings: check.problems, files: check.files };
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

/**
 * Validates every watchlist file against the configured chains, collecting all
 * problems. `chainIds` may be partial (settings had errors); ids present but
 * undefined are configured chains whose kind could not be read.
 */
export async function checkWatchlists(dir: string, chainIds: ReadonlyMap<string, KnownChain | undefined>, options: { chainsKnown?: boolean } = {}): Promise<WatchlistsCheck> {
  const chainsKnown = options.chainsKnown ?? true;
  const names = await listWatchlistFiles(dir);
  const problems: ConfigProblem[] = [];
  const entries: WatchlistEntry[] = [];
  const files: string[] = [];
  if (names === undefined || names.length === 0) {
    const file = displayFile(path.join(dir, WATCHLISTS_DIR));
    problems.push({ severity: 'warning', file, line: 0, field: '', code: 'file_missing', message: 'no watchlist files (watchlists/*.yaml): nothing will be watched' });
    return { entries, files, problems };
  }
  const state: CrossFileState = { seen: new Map() };
  for (const name of names) {
    const full = path.join(dir, WATCHLISTS_DIR, name);
    const file = displayFile(full);
    files.push(file);
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch (err) {
      problems.push({ severity: 'error', file, line: 1, field: '', code: 'file_unreadable', message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    checkWatchlistText(text, file, chainIds, chainsKnown, state, entries, problems);
  }
  return { entries, files, problems };
}

interface CrossFileState {
  /** chain -> matchKey -> the latest entry with it (one map for in-file duplicates and cross-file labels). */
  readonly seen: Map<string, Map<string, WatchlistEntry>>;
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

function checkWatchlistText(
  text: string,
  file: string,
  chainIds: ReadonlyMap<string, KnownChain | undefined>,
  chainsKnown: boolean,
  state: CrossFileState,
  out: WatchlistEntry[],
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
    let matchKey: string;
    let display: string | undefined;
    try {
      if (known?.kind === 'evm') {
        if (e.chain === 'harmony' && isHarmonyBech32Address(e.address)) {
          // Harmony's one1… bech32 names the same 20 bytes as 0x…; matched and shown in the 0x form.
          const norm = normalizeHarmonyAddress(e.address);
          matchKey = norm.matchKey;
          display = norm.checksummed;
        } else if (isUncheckedEvmAddress(e.address)) {
          matchKey = e.address.toLowerCase();
          // EIP-55 display costs a keccak per address; LoadedEntry computes it on first read.
          display = undefined;
        } else {
          const norm = normalizeEvmAddress(e.address);
          matchKey = norm.matchKey;
          display = norm.checksummed;
        }
      } else if (known !== undefined && isUtxoKind(known.kind)) {
        // Bitcoin and the UTXO families: per-chain formats, matched by scriptPubKey.
        const norm = normalizeUtxoAddress(e.address, known.kind, known.network ?? 'mainnet');
        matchKey = norm.matchKey;
        display = norm.display;
      } else if (known?.kind === 'tron') {
        const norm = normalizeTronAddress(e.address);
        matchKey = norm.matchKey;
        display = norm.display;
      } else {
        // Chain of unknown format (disabled file, e.g. monero): kept verbatim, never watched.
        matchKey = e.address;
        display = e.address;
      }
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      problems.push({ severity: 'error', ...at('address'), code: err.code, message: err.message });
      continue;
    }

    let seenOnChain = state.seen.get(e.chain);
    if (seenOnChain === undefined) {
      seenOnChain = new Map();
      state.seen.set(e.chain, seenOnChain);
    }
    const other = seenOnChain.get(matchKey);
    if (other !== undefined && other.file === file) {
      problems.push({ severity: 'error', ...at('address'), code: 'duplicate_address', message: `duplicate address on ${e.chain}, first listed in the entry at line ${other.line}` });
      continue;
    }
    // Different incidents legitimately name one address differently (OFAC's party name, an
    // incident's role for it); two labels within the same incident are a real conflict.
    if (other !== undefined && other.label !== e.label && other.incident === e.incident) {
      problems.push({ severity: 'warning', ...at('label'), code: 'conflicting_label', message: `same ${e.chain} address is labelled "${other.label}" in ${other.file}:${other.line}` });
    }
    const entry = makeEntry(e, matchKey, display, fileEnabled && e.enabled, file, line);
    seenOnChain.set(matchKey, entry);
    out.push(entry);
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

/**
 * A loaded entry. A class rather than a literal so a million of them share one
 * shape and one getter: the EIP-55 display form of a single-case EVM address
 * costs a keccak, so it is computed on first read only. Read fields by name
 * (spreading an instance drops the `address` getter); toJSON includes it.
 */
class LoadedEntry implements WatchlistEntry {
  #address: string | undefined;
  constructor(
    readonly chain: string,
    address: string | undefined,
    readonly matchKey: string,
    readonly label: string,
    readonly incident: string,
    readonly source: string,
    readonly tags: readonly string[],
    readonly removed: string | undefined,
    readonly enabled: boolean,
    readonly file: string,
    readonly line: number,
  ) {
    this.#address = address;
  }

  get address(): string {
    return (this.#address ??= normalizeEvmAddress(this.matchKey).checksummed);
  }

  toJSON(): Record<string, unknown> {
    const { chain, address, matchKey, label, incident, source, tags, removed, enabled, file, line } = this;
    return { chain, address, matchKey, label, incident, source, tags, removed, enabled, file, line };
  }
}

const tagCache = new Map<string, readonly string[]>();
/** Most entries share a handful of tag lists; one frozen array each saves a million allocations. */
function internTags(tags: readonly string[]): readonly string[] {
  if (tags.length === 0) return EMPTY_TAGS;
  const key = tags.join('\0');
  let cached = tagCache.get(key);
  if (cached === undefined) {
    cached = Object.freeze([...tags]);
    if (tagCache.size < 10_000) tagCache.set(key, cached);
  }
  return cached;
}
const EMPTY_TAGS: readonly string[] = Object.freeze([]);

function makeEntry(e: EntryFields, matchKey: string, display: string | undefined, enabled: boolean, file: string, line: number): WatchlistEntry {
  return new LoadedEntry(e.chain, display, matchKey, e.label, e.incident, e.source, internTags(e.tags), e.removed, enabled, file, line);
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
