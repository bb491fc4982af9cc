import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { AddressError } from '../core/address/address-error.js';
import type { AddressLabel, LabelBook } from '../core/labels/address-label.js';
import { buildLabelBook } from '../core/labels/build-label-book.js';
import { normalizeLabelAddress } from '../core/labels/normalize-label-address.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { labelEntrySchema, labelFileSchema } from './label-file-schema.js';
import { knownChainOf, type KnownChain } from './load-settings.js';
import { formatFieldPath, locateYamlNode } from './locate-yaml-node.js';
import type { Settings } from './schema.js';
import { WELL_KNOWN_CHAINS } from './well-known-chains.js';
import { displayFile, yamlSyntaxProblems } from './yaml-problems.js';
import { zodIssuesToProblems, type Locate } from './zod-issues-to-problems.js';

export const LABELS_DIR = 'labels';

/** A label as loaded: where it was written, and the match key its address normalises to. */
export interface LoadedLabel extends AddressLabel {
  readonly matchKey: string;
  readonly file: string;
  readonly line: number;
}

export interface LabelsCheck {
  /** The labels in force: one per (chain, address), after precedence; disabled files left out. */
  readonly labels: readonly LoadedLabel[];
  /** Label files read, as displayed in problems. */
  readonly files: readonly string[];
  readonly problems: readonly ConfigProblem[];
}

export interface LoadedLabels {
  readonly book: LabelBook;
  readonly labels: readonly LoadedLabel[];
  readonly files: readonly string[];
  readonly warnings: readonly ConfigProblem[];
}

/** Reads every `<dir>/labels/*.yaml`; throws ConfigError (all problems) on any error. No directory = no labels. */
export async function loadLabels(dir: string, settings: Settings): Promise<LoadedLabels> {
  const chainIds = new Map<string, KnownChain>();
  for (const [id, c] of settings.chains) chainIds.set(id, knownChainOf(c));
  const check = await checkLabels(dir, chainIds);
  if (check.problems.some((p) => p.severity === 'error')) throw new ConfigError(check.problems);
  return { book: buildLabelBook(check.labels.map((l) => ({ matchKey: l.matchKey, label: l }))), labels: check.labels, files: check.files, warnings: check.problems };
}

/** Names of the label files, sorted: the order they are read in, which decides precedence. */
export async function listLabelFiles(dir: string): Promise<string[] | undefined> {
  try {
    const names = await readdir(path.join(dir, LABELS_DIR));
    return names.filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Validates every label file, collecting all problems. Precedence: within one
 * file an address may appear once (a second time is an error); across files,
 * the file later in name order wins, with a warning when the two disagree on
 * label or category (so an operator's `zz-local.yaml` overrides a shipped
 * label). `chainIds` as for checkWatchlists: chains that are not configured
 * but well known (ethereum, bitcoin, tron...) are checked and kept, unused.
 */
export async function checkLabels(dir: string, chainIds: ReadonlyMap<string, KnownChain | undefined>, options: { chainsKnown?: boolean } = {}): Promise<LabelsCheck> {
  const chainsKnown = options.chainsKnown ?? true;
  const names = (await listLabelFiles(dir)) ?? [];
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  const inForce = new Map<string, LoadedLabel>();
  for (const name of names) {
    const full = path.join(dir, LABELS_DIR, name);
    const file = displayFile(full);
    files.push(file);
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch (err) {
      problems.push({ severity: 'error', file, line: 1, field: '', code: 'file_unreadable', message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    checkLabelText(text, file, chainIds, chainsKnown, inForce, problems);
  }
  return { labels: [...inForce.values()], files, problems };
}

function checkLabelText(
  text: string,
  file: string,
  chainIds: ReadonlyMap<string, KnownChain | undefined>,
  chainsKnown: boolean,
  inForce: Map<string, LoadedLabel>,
  problems: ConfigProblem[],
): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const syntax = yamlSyntaxProblems(doc, file);
  if (syntax.length > 0) {
    problems.push(...syntax);
    return;
  }
  const locate: Locate = (p, o) => locateYamlNode(doc, lineCounter, p, o);
  if (!isMap(doc.contents)) {
    problems.push({ severity: 'error', file, line: 1, column: 1, field: '', code: 'invalid_type', message: 'a label file must be a mapping with a `labels:` list' });
    return;
  }
  const top = doc.toJS() as Record<string, unknown>;
  const parsedTop = labelFileSchema.safeParse(top);
  if (!parsedTop.success) {
    problems.push(...zodIssuesToProblems(parsedTop.error.issues, [], file, locate));
    return;
  }
  if (!parsedTop.data.enabled) return;
  const seq = doc.contents.get('labels', true);
  const items = isSeq(seq) ? seq.items : [];
  const inFile = new Map<string, number>();
  const configured = [...chainIds.keys()].sort().join(', ');
  parsedTop.data.labels.forEach((raw, i) => {
    const item = items[i];
    // YAML reads an unquoted 0x… address as a hex integer; keep the text as written.
    if (isMap(item) && typeof raw === 'object' && raw !== null) {
      const addr = item.get('address', true);
      if (isScalar(addr) && typeof addr.value === 'number' && typeof addr.source === 'string') (raw as Record<string, unknown>)['address'] = addr.source;
    }
    const parsed = labelEntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodIssuesToProblems(parsed.error.issues, ['labels', i], file, locate));
      return;
    }
    const e = parsed.data;
    const at = (key: string): Pick<ConfigProblem, 'file' | 'line' | 'column' | 'field'> => {
      const pos = locate(['labels', i, key]);
      return { file, line: pos.line, column: pos.column, field: formatFieldPath(['labels', i, key]) };
    };
    const known = chainIds.has(e.chain) ? chainIds.get(e.chain) : WELL_KNOWN_CHAINS.get(e.chain);
    if (known === undefined) {
      // A typo in a chain id would silently label nothing; when chainwatch.yaml is unreadable, stay quiet.
      if (chainsKnown && !chainIds.has(e.chain)) {
        problems.push({ severity: 'error', ...at('chain'), code: 'unknown_chain', message: `unknown chain "${e.chain}" (configured: ${configured === '' ? 'none' : configured}; well-known ids such as ethereum, bitcoin, tron are accepted too)` });
      }
      return;
    }
    let matchKey: string;
    let display: string;
    try {
      ({ matchKey, display } = normalizeLabelAddress(known, e.address));
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      problems.push({ severity: 'error', ...at('address'), code: err.code, message: err.message });
      return;
    }
    const key = `${e.chain}\0${matchKey}`;
    const line = at('address').line;
    const firstLine = inFile.get(key);
    if (firstLine !== undefined) {
      problems.push({ severity: 'error', ...at('address'), code: 'duplicate_address', message: `duplicate address on ${e.chain}, first labelled in the entry at line ${firstLine}` });
      return;
    }
    inFile.set(key, line);
    const other = inForce.get(key);
    if (other !== undefined && (other.label !== e.label || other.category !== e.category)) {
      problems.push({
        severity: 'warning',
        ...at('label'),
        code: 'conflicting_label',
        message: `same ${e.chain} address is labelled "${other.label}" (${other.category}) in ${other.file}:${other.line}; this file sorts later and wins`,
      });
    }
    inForce.set(key, Object.freeze({ chain: e.chain, address: display, label: e.label, category: e.category, source: e.source, matchKey, file, line }));
  });
}
