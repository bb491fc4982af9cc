/**
 * A line scanner for the one shape nearly every watchlist file has (block
 * mapping with `entries:` as a block sequence of flat mappings, scalars plain or
 * simply quoted, tags as a flow or block list). The `yaml` package builds a full
 * CST and document per node, which costs minutes for a million entries; this
 * reads them in well under a second. It returns undefined on anything it does not
 * fully understand (anchors, multi-line scalars, escapes, odd indentation...), and
 * the caller then parses the file with `yaml`, so behaviour never differs, only
 * speed. Plain scalars that YAML's core schema would read as null, a boolean or a
 * number also make it give up, except `enabled` booleans and hex `address`es
 * (which the slow path also keeps as written).
 */
export interface FastWatchlistFile {
  readonly top: Record<string, unknown>;
  /** 1-based line of each top-level key. */
  readonly topLines: ReadonlyMap<string, number>;
  readonly entries: unknown[];
  /** 1-based line of each entry's `-`. */
  readonly entryLines: Int32Array;
  /** Indentation of the entries' keys, for locating a key on error. */
  readonly keyIndent: number;
  readonly lines: readonly string[];
}

const BAIL = Symbol('bail');
type Bail = typeof BAIL;

const CORE_NON_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?(?:\d+|0o[0-7]+|0x[0-9a-fA-F]+)|[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(.*))?$/;

export function parseWatchlistFast(text: string): FastWatchlistFile | undefined {
  const lines = text.split('\n');
  const top: Record<string, unknown> = {};
  const topLines = new Map<string, number>();
  const entries: unknown[] = [];
  const entryLineList: number[] = [];
  let dashIndent = -1;
  let keyIndent = -1;
  let inEntries = false;
  let current: Record<string, unknown> | undefined;
  let n = lines.length;
  if (n > 0 && lines[n - 1] === '') n -= 1;

  for (let i = 0; i < n; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const indent = countIndent(line);
    if (indent === line.length || line[indent] === '#') continue; // blank or comment
    if (line.includes('\t') && line.slice(0, indent + 1).includes('\t')) return undefined;
    if (i === 0 && line === '---') continue;

    if (indent === 0 && !(inEntries && dashIndent === 0 && line.startsWith('- '))) {
      inEntries = false;
      current = undefined;
      const m = KEY_LINE.exec(line);
      if (m === null) return undefined;
      const key = m[1]!;
      if (topLines.has(key)) return undefined;
      topLines.set(key, i + 1);
      const rest = m[2];
      if (key === 'entries') {
        if (rest === undefined || stripComment(rest) === '') {
          inEntries = true;
          top['entries'] = entries;
          continue;
        }
        if (stripComment(rest) === '[]') {
          top['entries'] = entries;
          continue;
        }
        return undefined;
      }
      const v = rest === undefined ? null : parseScalar(rest, key);
      if (v === BAIL) return undefined;
      top[key] = v;
      continue;
    }
    if (!inEntries) return undefined;

    if (line[indent] === '-' && line[indent + 1] === ' ') {
      if (dashIndent === -1) {
        dashIndent = indent;
        keyIndent = indent + 2 + countIndent(line.slice(indent + 2));
      }
      if (indent !== dashIndent) return undefined;
      const inner = line.slice(indent + 2);
      if (indent + 2 + countIndent(inner) !== keyIndent) return undefined;
      current = {};
      entries.push(current);
      entryLineList.push(i + 1);
      const next = parseKeyValue(line.slice(keyIndent), current, lines, i, keyIndent);
      if (next === BAIL) return undefined;
      i = next;
      continue;
    }
    if (current === undefined || indent !== keyIndent) return undefined;
    const next = parseKeyValue(line.slice(keyIndent), current, lines, i, keyIndent);
    if (next === BAIL) return undefined;
    i = next;
  }
  return { top, topLines, entries, entryLines: Int32Array.from(entryLineList), keyIndent, lines };
}

/** Parses `key: value` into target; returns the index of the last line consumed. */
function parseKeyValue(text: string, target: Record<string, unknown>, lines: readonly string[], i: number, keyIndent: number): number | Bail {
  const m = KEY_LINE.exec(text);
  if (m === null) return BAIL;
  const key = m[1]!;
  if (Object.prototype.hasOwnProperty.call(target, key)) return BAIL;
  const rest = m[2];
  if (rest !== undefined && stripComment(rest) !== '') {
    const v = rest.trimStart().startsWith('[') ? parseFlowSeq(rest, key) : parseScalar(rest, key);
    if (v === BAIL) return BAIL;
    target[key] = v;
    return i;
  }
  // `key:` alone: a block sequence of scalars below it, or null.
  const items: unknown[] = [];
  let j = i + 1;
  let itemIndent = -1;
  for (; j < lines.length; j++) {
    let l = lines[j]!;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    const ind = countIndent(l);
    if (ind === l.length || l[ind] === '#') continue;
    if (l[ind] !== '-' || l[ind + 1] !== ' ' || ind < keyIndent) break;
    if (itemIndent === -1) itemIndent = ind;
    if (ind !== itemIndent) return BAIL;
    const v = parseScalar(l.slice(ind + 2), key);
    if (v === BAIL || typeof v !== 'string') return BAIL;
    items.push(v);
  }
  // Lines skipped as blank/comment after the last item are re-read harmlessly by the caller.
  if (items.length === 0) {
    target[key] = null;
    return i;
  }
  target[key] = items;
  let last = j - 1;
  while (last > i && isBlankOrComment(lines[last]!)) last -= 1;
  return last;
}

function isBlankOrComment(l: string): boolean {
  const ind = countIndent(l);
  return ind === l.length || l[ind] === '#' || l.trim() === '';
}

function countIndent(line: string): number {
  let k = 0;
  while (k < line.length && line.charCodeAt(k) === 32) k++;
  return k;
}

function stripComment(rest: string): string {
  const t = rest.trim();
  if (t.startsWith('#')) return '';
  return t;
}

function parseScalar(raw: string, key: string): unknown {
  const t = raw.trim();
  if (t === '') return null;
  const c = t[0]!;
  if (c === '"') {
    const end = t.indexOf('"', 1);
    if (end === -1) return BAIL;
    const body = t.slice(1, end);
    if (body.includes('\\')) return BAIL;
    if (!isTrailingCommentOrEmpty(t.slice(end + 1))) return BAIL;
    return body;
  }
  if (c === "'") {
    let out = '';
    let k = 1;
    for (;;) {
      const q = t.indexOf("'", k);
      if (q === -1) return BAIL;
      out += t.slice(k, q);
      if (t[q + 1] === "'") {
        out += "'";
        k = q + 2;
        continue;
      }
      if (!isTrailingCommentOrEmpty(t.slice(q + 1))) return BAIL;
      return out;
    }
  }
  if ('-?:,[]{}#&*!|>%@`'.includes(c)) return BAIL;
  let value = t;
  const hash = value.indexOf(' #');
  if (hash !== -1) value = value.slice(0, hash).trimEnd();
  if (value.includes(': ') || value.endsWith(':') || value.includes('\t')) return BAIL;
  if (CORE_NON_STRING.test(value)) {
    if (key === 'enabled' && (value === 'true' || value === 'false')) return value === 'true';
    if (key === 'address' && /^0x[0-9a-fA-F]+$/.test(value)) return value;
    return BAIL;
  }
  return value;
}

function isTrailingCommentOrEmpty(s: string): boolean {
  const t = s.trim();
  return t === '' || (t.startsWith('#') && /^\s/.test(s));
}

function parseFlowSeq(raw: string, key: string): unknown[] | Bail {
  let t = raw.trim();
  const close = t.lastIndexOf(']');
  if (close === -1) return BAIL;
  if (!isTrailingCommentOrEmpty(t.slice(close + 1))) return BAIL;
  t = t.slice(1, close).trim();
  if (t === '') return [];
  if (/[[\]{}]/.test(t)) return BAIL;
  const out: unknown[] = [];
  for (const part of t.split(',')) {
    const p = part.trim();
    if (p === '') return BAIL;
    if ((p.startsWith('"') || p.startsWith("'")) && p.length < 2) return BAIL;
    const v = parseScalar(p, key);
    if (v === BAIL || typeof v !== 'string') return BAIL;
    // A quoted item containing a comma was split apart above; refuse rather than guess.
    if ((p.startsWith('"') && !p.endsWith('"')) || (p.startsWith("'") && !p.endsWith("'"))) return BAIL;
    out.push(v);
  }
  return out;
}
