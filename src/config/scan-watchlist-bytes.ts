import { AddressError } from '../core/address/address-error.js';
import { keccak256Bytes } from '../core/hash/keccak256.js';
import type { WatchlistSegment } from '../core/watchlist-segment.js';
import { WatchlistSegmentBuilder } from '../core/watchlist-segment.js';
import type { KnownChain } from './load-settings.js';
import { normalizeWatchlistAddress } from './normalize-watchlist-address.js';
import { isCoreNonString, parseFlowList } from './parse-watchlist-fast.js';
import { WELL_KNOWN_CHAINS } from './well-known-chains.js';

export interface ScanContext {
  readonly file: string;
  readonly chainIds: ReadonlyMap<string, KnownChain | undefined>;
  readonly chainsKnown: boolean;
}

/**
 * The loader's fast path: reads a watchlist file's bytes straight into a
 * compact segment, with no object, and no string but the few it keeps, per
 * entry. It accepts only files that are valid and in the shape nearly every
 * watchlist has (parseWatchlistFast's shape, tags as a flow list, scalars
 * without escapes) and returns undefined on anything else: a problem to
 * report or a construct it does not read. The loader then takes the exact
 * path (text scanner or `yaml`, zod, file:line problems), so what is loaded
 * and what is reported never differ, only how fast. Every check of the exact
 * path is made here too (keys, types, slug, URL, date, chain, address with its
 * EIP-55 checksum, in-file duplicate), so "undefined" is the only way out for
 * a file with a problem.
 */
export function scanWatchlistBytes(buf: Uint8Array, ctx: ScanContext): WatchlistSegment | undefined {
  try {
    return new Scanner(buf, ctx).run();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

const GIVE_UP = Symbol('give up');
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const TAB = 9;
const CR = 13;
const LF = 10;
const DQUOTE = 34;
const SQUOTE = 39;

// Entry keys, by bit.
const K_CHAIN = 1;
const K_ADDRESS = 2;
const K_LABEL = 4;
const K_INCIDENT = 8;
const K_SOURCE = 16;
const K_TAGS = 32;
const K_REMOVED = 64;
const K_ENABLED = 128;
const K_NOTE = 256;
/** Value slot for top-level scalars. */
const TOP = 9;
const RESERVE_AFTER = 1024;
const KEY_BITS: ReadonlyMap<string, number> = new Map([
  ['chain', K_CHAIN],
  ['address', K_ADDRESS],
  ['label', K_LABEL],
  ['incident', K_INCIDENT],
  ['source', K_SOURCE],
  ['tags', K_TAGS],
  ['removed', K_REMOVED],
  ['enabled', K_ENABLED],
  ['note', K_NOTE],
]);
const KEY_BYTES_BY_BIT = new Map([...KEY_BITS].map(([name, bit]) => [bit, Buffer.from(`${name}:`)]));
/** The entry keys start with nine different letters. */
const FIRST_BYTE_KEY: number[] = [];
for (const [name, bit] of KEY_BITS) FIRST_BYTE_KEY[name.charCodeAt(0)] = bit;
const INCIDENT = /^[a-z0-9][a-z0-9-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** First bytes of plain scalars YAML's core schema might read as null, a boolean or a number. */
const MAYBE_NON_STRING = new Uint8Array(128);
for (const c of '0123456789+.~nNtTfF') MAYBE_NON_STRING[c.charCodeAt(0)] = 1;
const INDICATORS = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>%@`') INDICATORS[c.charCodeAt(0)] = 1;
const fromUtf8 = new TextDecoder();
const HEX_CLASS = new Uint8Array(256);
const HEX_VALUE = new Uint8Array(256);
for (let c = 48; c <= 57; c++) [HEX_CLASS[c], HEX_VALUE[c]] = [1, c - 48];
for (let c = 97; c <= 102; c++) [HEX_CLASS[c], HEX_VALUE[c]] = [2, c - 87];
for (let c = 65; c <= 70; c++) [HEX_CLASS[c], HEX_VALUE[c]] = [4, c - 55];

function giveUp(): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- a private sentinel, caught in scanWatchlistBytes
  throw GIVE_UP;
}

interface ChainInfo {
  readonly id: number;
  readonly name: string;
  readonly known: KnownChain | undefined;
}

class Scanner {
  readonly #b: WatchlistSegmentBuilder = new WatchlistSegmentBuilder();
  readonly #fileId: number;
  // Value ranges of the current entry (start, end; quoted flag), indexed by key bit position.
  readonly #vs = new Int32Array(10);
  readonly #ve = new Int32Array(10);
  readonly #plain = new Uint8Array(10);
  #have = 0;
  /** Where the line being read ends (entries so far / bytes so far sizes the columns). */
  #lineEndPos = 1;
  #entryLine = 0;
  #fileEnabled = true;
  readonly #chains = new Map<string, ChainInfo>();
  #lastChain: ChainInfo | undefined;
  readonly #small = new Map<string, number>();
  readonly #tags = new Map<string, number>();
  readonly #hex = new Uint8Array(41);
  readonly #lower = new Uint8Array(40);

  constructor(
    private readonly buf: Uint8Array,
    private readonly ctx: ScanContext,
  ) {
    this.#fileId = this.#b.fileId(ctx.file);
  }

  run(): WatchlistSegment {
    const buf = this.buf;
    const len = buf.length;
    let pos = 0;
    let lineNo = 0;
    let inEntries = false;
    let sawEntries = false;
    let dashIndent = -1;
    let keyIndent = -1;
    const topSeen = new Set<string>();
    while (pos < len) {
      let eol = buf.indexOf(LF, pos);
      if (eol === -1) eol = len;
      let end = eol;
      if (end > pos && buf[end - 1] === CR) end--;
      lineNo++;
      const lineStart = pos;
      pos = eol + 1;
      this.#lineEndPos = pos;
      let p = lineStart;
      while (p < end && buf[p] === SPACE) p++;
      if (p === end) continue;
      const c0 = buf[p]!;
      if (c0 === HASH) continue;
      if (c0 === TAB) giveUp();
      const indent = p - lineStart;
      if (lineNo === 1 && end - lineStart === 3 && buf[p] === DASH && buf[p + 1] === DASH && buf[p + 2] === DASH) continue;
      const isDash = c0 === DASH && p + 1 < end && buf[p + 1] === SPACE;

      if (indent === 0 && !(inEntries && dashIndent <= 0 && isDash)) {
        if (inEntries) this.#finishEntry();
        inEntries = false;
        const colon = keyEnd(buf, p, end);
        const key = latin1(buf, p, colon);
        if (topSeen.has(key)) giveUp();
        topSeen.add(key);
        if (key === 'entries') {
          const s = skipSpaces(buf, colon + 1, end);
          if (s !== end && buf[s] !== HASH) giveUp();
          inEntries = true;
          sawEntries = true;
          continue;
        }
        this.#scalar(colon + 1, end, TOP);
        const s = this.#vs[TOP]!;
        const plain = this.#plain[TOP] === 1;
        const text = this.#text(TOP);
        if (key === 'enabled') {
          // After the entries it would change them: the exact path handles that order.
          if (!plain || sawEntries || (text !== 'true' && text !== 'false')) giveUp();
          this.#fileEnabled = text === 'true';
        } else if (key === 'description' || key === 'note') {
          if (plain && MAYBE_NON_STRING[buf[s] ?? 0] === 1 && isCoreNonString(text)) giveUp();
        } else {
          giveUp();
        }
        continue;
      }
      if (!inEntries) giveUp();

      let k = p;
      if (isDash) {
        if (dashIndent === -1) {
          dashIndent = indent;
          k = skipSpaces(buf, p + 2, end);
          keyIndent = k - lineStart;
        }
        if (indent !== dashIndent) giveUp();
        k = skipSpaces(buf, p + 2, end);
        if (k - lineStart !== keyIndent) giveUp();
        if (this.#entryLine !== 0) this.#finishEntry();
        this.#entryLine = lineNo;
      } else if (this.#entryLine === 0 || indent !== keyIndent) {
        giveUp();
      }
      this.#field(k, end);
    }
    if (inEntries && this.#entryLine !== 0) this.#finishEntry();
    if (!sawEntries) giveUp();
    return this.#b.finish();
  }

  /** One `key: value` of an entry. */
  #field(k: number, end: number): void {
    const buf = this.buf;
    const bit = FIRST_BYTE_KEY[buf[k]!] ?? 0;
    const bytes = bit === 0 ? undefined : KEY_BYTES_BY_BIT.get(bit)!;
    if (bytes !== undefined) {
      for (let j = 1; j < bytes.length; j++) {
        if (buf[k + j] !== bytes[j]) {
          giveUp();
        }
      }
    }
    const after = k + (bytes?.length ?? 0);
    if (bit === 0 || (after < end && buf[after] !== SPACE) || (this.#have & bit) !== 0) giveUp();
    this.#have |= bit;
    const slot = 31 - Math.clz32(bit);
    if (bit === K_TAGS) {
      const s = skipSpaces(buf, after, end);
      if (buf[s] !== 91 /* [ */) giveUp();
      let e = end;
      while (e > s && buf[e - 1] === SPACE) e--;
      this.#vs[slot] = s;
      this.#ve[slot] = e;
      return;
    }
    this.#scalar(after, end, slot);
  }

  /** A scalar value on one line into #vs/#ve/#plain[slot]. Quoted ones without escapes only. */
  #scalar(from: number, end: number, slot: number): void {
    const buf = this.buf;
    const p = skipSpaces(buf, from, end);
    if (p === end || buf[p] === HASH) giveUp(); // null, or a block below: the exact path
    const c = buf[p]!;
    if (c === DQUOTE || c === SQUOTE) {
      let q = p + 1;
      while (q < end && buf[q] !== c) {
        if (c === DQUOTE && buf[q] === 92 /* \ */) giveUp();
        q++;
      }
      if (q === end || (c === SQUOTE && buf[q + 1] === SQUOTE)) giveUp();
      const t = skipSpaces(buf, q + 1, end);
      if (t !== end && (t === q + 1 || buf[t] !== HASH)) giveUp();
      this.#vs[slot] = p + 1;
      this.#ve[slot] = q;
      this.#plain[slot] = 0;
      return;
    }
    if (c < 128 && INDICATORS[c] === 1) giveUp();
    let e = end;
    for (let i = p; i < end; i++) {
      const ch = buf[i];
      if (ch === TAB) giveUp();
      if (ch === HASH && buf[i - 1] === SPACE) {
        e = i;
        break;
      }
      if (ch === COLON && (i + 1 === end || buf[i + 1] === SPACE)) giveUp();
    }
    while (e > p && buf[e - 1] === SPACE) e--;
    this.#vs[slot] = p;
    this.#ve[slot] = e;
    this.#plain[slot] = 1;
  }

  #text(slot: number): string {
    return fromUtf8.decode(this.buf.subarray(this.#vs[slot], this.#ve[slot]));
  }

  /** A plain scalar the core schema reads as a non-string is not a valid string field. */
  #stringOk(slot: number): boolean {
    if (this.#plain[slot] === 0) return true;
    const first = this.buf[this.#vs[slot]!] ?? 0;
    return first >= 128 || MAYBE_NON_STRING[first] === 0 || !isCoreNonString(this.#text(slot));
  }

  // The previous entry's value range and id per slot: consecutive entries mostly share chain, incident, source, tags.
  readonly #lastS = new Int32Array(9).fill(-1);
  readonly #lastE = new Int32Array(9);
  readonly #lastId = new Int32Array(9);
  #sameAsLast(slot: number): boolean {
    const s = this.#vs[slot]!;
    const e = this.#ve[slot]!;
    const ls = this.#lastS[slot]!;
    if (ls < 0 || this.#lastE[slot]! - ls !== e - s || this.#plain[slot] !== this.#lastPlain[slot]) return false;
    const buf = this.buf;
    for (let i = 0; i < e - s; i++) if (buf[s + i] !== buf[ls + i]) return false;
    return true;
  }
  readonly #lastPlain = new Uint8Array(9);
  #remember(slot: number, id: number): number {
    this.#lastS[slot] = this.#vs[slot]!;
    this.#lastE[slot] = this.#ve[slot]!;
    this.#lastPlain[slot] = this.#plain[slot]!;
    this.#lastId[slot] = id;
    return id;
  }

  /** Interned validated short value (incident, source, removed date), keyed by its text; -1 = invalid. */
  #smallId(slot: number, kind: string, valid: (s: string) => boolean, id: (s: string) => number): number {
    if (this.#sameAsLast(slot)) return this.#lastId[slot]!;
    const text = this.#text(slot);
    const key = `${kind}\0${text}`;
    let v = this.#small.get(key);
    if (v === undefined) {
      v = this.#stringOk(slot) && valid(text) ? id(text) : -1;
      this.#small.set(key, v);
    }
    // A plain value that is fine once is fine every time (same bytes).
    return this.#remember(slot, v);
  }

  #finishEntry(): void {
    const have = this.#have;
    this.#have = 0;
    const required = K_CHAIN | K_ADDRESS | K_LABEL | K_INCIDENT | K_SOURCE;
    if ((have & required) !== required) giveUp();
    const b = this.#b;
    let chain = this.#sameAsLast(0) ? this.#lastChain : undefined;
    const chainText = chain === undefined ? this.#text(0) : '';
    if (chain === undefined) chain = this.#chains.get(chainText);
    if (chain === undefined) {
      if (chainText === '' || !this.#stringOk(0)) giveUp();
      // When chainwatch.yaml itself is unreadable, every chain would look unknown: the exact path says nothing then either.
      if (this.#fileEnabled && this.ctx.chainsKnown && !this.ctx.chainIds.has(chainText)) giveUp();
      const known = this.ctx.chainIds.has(chainText) ? this.ctx.chainIds.get(chainText) : WELL_KNOWN_CHAINS.get(chainText);
      chain = { id: b.chainId(chainText), name: chainText, known };
      this.#chains.set(chainText, chain);
    }
    this.#lastChain = chain;
    this.#remember(0, chain.id);
    // Label: non-empty string, usually unique, kept as bytes.
    if (this.#ve[2] === this.#vs[2] || !this.#stringOk(2)) giveUp();
    const label = b.labelFromBytes(this.buf, this.#vs[2]!, this.#ve[2]!);
    const incident = this.#smallId(3, 'i', (s) => INCIDENT.test(s), (s) => b.incidentId(s));
    const source = this.#smallId(4, 's', isHttpUrl, (s) => b.sourceId(s));
    if (incident < 0 || source < 0) giveUp();
    let tags = 0;
    if ((have & K_TAGS) !== 0 && this.#sameAsLast(5)) {
      tags = this.#lastId[5]!;
    } else if ((have & K_TAGS) !== 0) {
      const text = this.#text(5);
      let id = this.#tags.get(text);
      if (id === undefined) {
        const list = parseFlowList(text, 'tags');
        if (list === undefined || list.some((t) => t === '')) giveUp();
        id = b.tagsId(list);
        this.#tags.set(text, id);
      }
      tags = this.#remember(5, id);
    }
    let removed = 0;
    if ((have & K_REMOVED) !== 0) {
      removed = this.#smallId(6, 'r', (s) => DATE.test(s), (s) => b.removedId(s));
      if (removed < 0) giveUp();
    }
    let enabled = true;
    if ((have & K_ENABLED) !== 0) {
      const text = this.#text(7);
      if (this.#plain[7] === 0 || (text !== 'true' && text !== 'false')) giveUp();
      enabled = text === 'true';
    }
    if ((have & K_NOTE) !== 0 && !this.#stringOk(8)) giveUp();

    const display = this.#address(chain);
    if (b.pendingDuplicateOf() >= 0) giveUp();
    b.commit(display, label, incident, source, tags, removed, this.#fileEnabled && enabled, this.#fileId, this.#entryLine);
    // Size every column once from the first entries' bytes per entry (a little over, trimmed at the end).
    if (b.count === RESERVE_AFTER) b.reserve(Math.ceil((this.buf.length / this.#lineEndPos) * RESERVE_AFTER * 1.05) + 64);
  }

  /** Pushes the entry's key; returns its display id (-1: EVM, derived from the key). */
  #address(chain: ChainInfo): number {
    const buf = this.buf;
    const s = this.#vs[1]!;
    const e = this.#ve[1]!;
    if (e === s) giveUp();
    if (chain.known?.kind === 'evm') {
      if (e - s !== 42 || buf[s] !== 48 || buf[s + 1] !== 120) giveUp();
      const out = this.#hex;
      out[0] = 1; // encodeMatchKey's tag for 0x-prefixed hex
      // HEX_CLASS: 1 digit, 2 a-f, 4 A-F, 0 not hex. Two digits per byte, no branches per digit.
      let seen = 0;
      for (let i = 0; i < 20; i++) {
        const hi = buf[s + 2 + 2 * i]!;
        const lo = buf[s + 3 + 2 * i]!;
        const ch = HEX_CLASS[hi]!;
        const cl = HEX_CLASS[lo]!;
        if (ch === 0 || cl === 0) giveUp();
        seen |= ch | cl;
        out[1 + i] = (HEX_VALUE[hi]! << 4) | HEX_VALUE[lo]!;
      }
      const upper = (seen & 4) !== 0;
      const lower = (seen & 2) !== 0;
      // EIP-55: a mixed-case address is a checksum and must be right.
      if (upper && lower) {
        for (let i = 0; i < 40; i++) {
          const c = buf[s + 2 + i]!;
          this.#lower[i] = c >= 65 && c <= 70 ? c + 32 : c;
        }
        const hash = keccak256Bytes(this.#lower);
        for (let i = 0; i < 40; i++) {
          const c = buf[s + 2 + i]!;
          if (c < 65) continue; // digit
          const nibble = (i & 1) === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 15;
          if ((nibble >= 8) !== (c <= 70)) giveUp();
        }
      }
      this.#b.pushKeyBytes(chain.id, out, 0, 21);
      return -1;
    }
    let norm: { matchKey: string; display: string | undefined };
    try {
      if (!this.#stringOk(1)) giveUp();
      norm = normalizeWatchlistAddress(this.#text(1), chain.known, chain.name);
    } catch (err) {
      if (err instanceof AddressError) giveUp();
      throw err;
    }
    this.#b.pushKeyString(chain.id, norm.matchKey);
    return this.#b.displayId(norm.display);
  }
}

function skipSpaces(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] === SPACE) p++;
  return p;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]!);
  return out;
}

/** Index of the ':' ending a simple key (letters, digits, _) at p; gives up otherwise. */
function keyEnd(buf: Uint8Array, p: number, end: number): number {
  let i = p;
  while (i < end) {
    const c = buf[i]!;
    if (c === COLON) break;
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > p && c >= 48 && c <= 57);
    if (!ok) giveUp();
    i++;
  }
  if (i === p || i === end) giveUp();
  if (i + 1 < end && buf[i + 1] !== SPACE) giveUp();
  return i;
}

function isHttpUrl(s: string): boolean {
  return /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s);
}
