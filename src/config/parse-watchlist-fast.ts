/**
 * A scanner for the one shape nearly every watchlist file has (block mapping
 * with `entries:` as a block sequence of flat mappings, scalars plain or simply
 * quoted, tags as a flow or block list of scalars). The `yaml` package builds a
 * full CST and document, which costs minutes for a million entries; this reads
 * the text once by index, allocating little more than the values it keeps. It
 * returns undefined on anything it does not fully understand (anchors, tags,
 * multi-line or escaped scalars, flow mappings, odd indentation, duplicate
 * keys...), and the caller then parses the file with `yaml`, so results never
 * differ, only speed. A plain scalar YAML's core schema reads as null, a boolean
 * or a number also makes it give up, except `enabled` booleans and hex
 * `address`es (which the slow path also keeps as written).
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
  /** The file's lines, split lazily (only when a problem is located). */
  readonly lines: () => readonly string[];
}

const BAIL = Symbol('bail');
type Bail = typeof BAIL;

const CORE_NON_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?(?:\d+|0o[0-7]+|0x[0-9a-fA-F]+)|[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const TAB = 9;
const CR = 13;

export function parseWatchlistFast(text: string): FastWatchlistFile | undefined {
  const len = text.length;
  const top: Record<string, unknown> = {};
  const topLines = new Map<string, number>();
  const entries: unknown[] = [];
  let entryLines = new Int32Array(1024);
  let dashIndent = -1;
  let keyIndent = -1;
  let inEntries = false;
  let current: Record<string, unknown> | undefined;
  // `key:` with nothing after it inside an entry: a block list of scalars may follow.
  let pendingKey: string | undefined;
  let pendingItems: string[] | undefined;
  let pendingIndent = -1;
  let lineNo = 0;
  let pos = 0;

  const closePending = (): void => {
    if (pendingKey !== undefined && current !== undefined) current[pendingKey] = pendingItems ?? null;
    pendingKey = undefined;
    pendingItems = undefined;
    pendingIndent = -1;
  };

  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = len;
    let end = eol;
    if (end > pos && text.charCodeAt(end - 1) === CR) end -= 1;
    lineNo += 1;
    const lineStart = pos;
    pos = eol + 1;

    let p = lineStart;
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    if (p === end) continue;
    const c0 = text.charCodeAt(p);
    if (c0 === HASH) continue;
    if (c0 === TAB) return undefined;
    const indent = p - lineStart;
    if (lineNo === 1 && end - lineStart === 3 && text.startsWith('---', lineStart)) continue;

    const isDash = c0 === DASH && p + 1 < end && text.charCodeAt(p + 1) === SPACE;

    if (indent === 0 && !(inEntries && dashIndent <= 0 && isDash)) {
      closePending();
      inEntries = false;
      current = undefined;
      const colon = keyEnd(text, p, end);
      if (colon === -1) return undefined;
      const key = text.slice(p, colon);
      if (topLines.has(key)) return undefined;
      topLines.set(key, lineNo);
      const vs = colon + 1;
      if (key === 'entries') {
        const rest = valueText(text, vs, end);
        if (rest === '') {
          inEntries = true;
          top['entries'] = entries;
          continue;
        }
        if (rest === '[]') {
          top['entries'] = entries;
          continue;
        }
        return undefined;
      }
      const v = parseScalar(text, vs, end, key);
      if (v === BAIL) return undefined;
      top[key] = v;
      continue;
    }
    if (!inEntries) return undefined;

    if (pendingKey !== undefined && isDash && indent >= pendingIndent && indent !== dashIndent) {
      // An item of a block list under `tags:`.
      const v = parseScalar(text, p + 2, end, pendingKey);
      if (v === BAIL || typeof v !== 'string') return undefined;
      (pendingItems ??= []).push(v);
      continue;
    }
    closePending();

    let k = p;
    if (isDash) {
      if (dashIndent === -1) {
        dashIndent = indent;
        k = p + 2;
        while (k < end && text.charCodeAt(k) === SPACE) k++;
        keyIndent = k - lineStart;
      }
      if (indent !== dashIndent) return undefined;
      k = p + 2;
      while (k < end && text.charCodeAt(k) === SPACE) k++;
      if (k - lineStart !== keyIndent) return undefined;
      current = {};
      if (entries.length === entryLines.length) {
        const grown = new Int32Array(entryLines.length * 2);
        grown.set(entryLines);
        entryLines = grown;
      }
      entryLines[entries.length] = lineNo;
      entries.push(current);
    } else if (current === undefined || indent !== keyIndent) {
      return undefined;
    }

    const colon = keyEnd(text, k, end);
    if (colon === -1) return undefined;
    const key = text.slice(k, colon);
    if (Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    const rest = skipSpaces(text, colon + 1, end);
    if (rest === end || text.charCodeAt(rest) === HASH) {
      pendingKey = key;
      pendingIndent = keyIndent;
      continue;
    }
    const v = text.charCodeAt(rest) === 91 /* [ */ ? parseFlowSeq(text, rest, end, key) : parseScalar(text, colon + 1, end, key);
    if (v === BAIL) return undefined;
    current[key] = v;
  }
  closePending();
  let lines: string[] | undefined;
  return {
    top,
    topLines,
    entries,
    entryLines: entryLines.subarray(0, entries.length),
    keyIndent,
    lines: () => (lines ??= text.split('\n')),
  };
}

/** Index of the ':' ending a simple key (letters, digits, _) at p, or -1. */
function keyEnd(text: string, p: number, end: number): number {
  let i = p;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === COLON) break;
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > p && c >= 48 && c <= 57);
    if (!ok) return -1;
    i++;
  }
  if (i === p || i === end) return -1;
  if (i + 1 < end && text.charCodeAt(i + 1) !== SPACE) return -1;
  return i;
}

function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  return p;
}

/** The value after `key:` with comments and surrounding spaces removed ('' if none). */
function valueText(text: string, p: number, end: number): string {
  const s = skipSpaces(text, p, end);
  if (s === end || text.charCodeAt(s) === HASH) return '';
  return text.slice(s, end).replace(/\s+#.*$/, '').trimEnd();
}

function parseScalar(text: string, start: number, end: number, key: string): unknown {
  const p = skipSpaces(text, start, end);
  if (p === end) return null;
  const c = text.charCodeAt(p);
  if (c === 34 /* " */) {
    const close = text.indexOf('"', p + 1);
    if (close === -1 || close >= end) return BAIL;
    const body = text.slice(p + 1, close);
    if (body.includes('\\')) return BAIL;
    if (!trailingOk(text, close + 1, end)) return BAIL;
    return body;
  }
  if (c === 39 /* ' */) {
    let out = '';
    let k = p + 1;
    for (;;) {
      const q = text.indexOf("'", k);
      if (q === -1 || q >= end) return BAIL;
      out += text.slice(k, q);
      if (q + 1 < end && text.charCodeAt(q + 1) === 39) {
        out += "'";
        k = q + 2;
        continue;
      }
      if (!trailingOk(text, q + 1, end)) return BAIL;
      return out;
    }
  }
  if ('-?:,[]{}#&*!|>%@`'.includes(text[p]!)) return BAIL;
  // Plain scalar: ends at ` #` (a comment) or the line end; `: ` inside is not plain.
  let e = end;
  for (let i = p; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === TAB) return BAIL;
    if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
      e = i;
      break;
    }
    if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return BAIL;
  }
  while (e > p && text.charCodeAt(e - 1) === SPACE) e--;
  const value = text.slice(p, e);
  // Only values starting like a number, null or boolean can resolve to a non-string.
  if ((c >= 48 && c <= 57) || c === 43 || c === 46 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70) {
    if (CORE_NON_STRING.test(value)) {
      if (key === 'enabled' && (value === 'true' || value === 'false')) return value === 'true';
      if (key === 'address' && /^0x[0-9a-fA-F]+$/.test(value)) return value;
      return BAIL;
    }
  }
  return value;
}

function trailingOk(text: string, p: number, end: number): boolean {
  if (p === end) return true;
  if (text.charCodeAt(p) !== SPACE) return false;
  const s = skipSpaces(text, p, end);
  return s === end || text.charCodeAt(s) === HASH;
}

function parseFlowSeq(text: string, p: number, end: number, key: string): unknown[] | Bail {
  const close = text.indexOf(']', p);
  if (close === -1 || close >= end || !trailingOk(text, close + 1, end)) return BAIL;
  const out: string[] = [];
  let i = p + 1;
  for (;;) {
    i = skipSpaces(text, i, close);
    if (i === close) return out.length === 0 ? out : BAIL;
    let comma = text.indexOf(',', i);
    if (comma === -1 || comma > close) comma = close;
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      // Quoted item: must close before the comma (no commas inside quotes here).
      const q = text.indexOf(String.fromCharCode(c), i + 1);
      if (q === -1 || q >= comma) return BAIL;
    }
    let e = comma;
    while (e > i && text.charCodeAt(e - 1) === SPACE) e--;
    if (e === i) return BAIL;
    for (let j = i; j < e; j++) {
      const ch = text.charCodeAt(j);
      if (ch === 123 || ch === 125 || ch === 91 || ch === HASH) return BAIL;
    }
    const v = parseScalar(text, i, e, key);
    if (v === BAIL || typeof v !== 'string') return BAIL;
    out.push(v);
    if (comma === close) return out;
    i = comma + 1;
  }
}

/** A flow list of scalars (`[a, b]`) as a whole text, as the scanner reads `tags:`; undefined when it would give up. */
export function parseFlowList(text: string, key: string): string[] | undefined {
  const v = parseFlowSeq(text, 0, text.length, key);
  return v === BAIL ? undefined : (v as string[]);
}

/** True when YAML's core schema reads this plain scalar as something other than a string. */
export function isCoreNonString(plain: string): boolean {
  return CORE_NON_STRING.test(plain);
}
