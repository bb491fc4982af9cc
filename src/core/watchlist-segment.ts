import { createHash } from 'node:crypto';
import { checksumEvmAddress } from './address/checksum-evm-address.js';
import type { WatchlistEntry } from './watchlist.js';

/**
 * The entries of one watchlist file (or of any list handed to
 * buildWatchlistIndex), stored column-wise: a million entries cost a few
 * typed arrays and byte arenas instead of a million objects (issue #13: a
 * running monitor holding 1M entries within 300 MB). Match keys are bytes
 * (20 for an EVM address instead of a 42-character string), labels are UTF-8
 * in one arena, and what entries share (chain, incident, source, tags, file,
 * removal date) is interned once per segment. `entry(i)` materialises one
 * entry on demand (lookups, `watchlist ls`). Immutable once built.
 */
export interface WatchlistSegment {
  readonly count: number;
  /** Local chain id (entryChain values) -> chain name. */
  readonly chains: readonly string[];
  readonly entryChain: Uint8Array | Uint16Array | Uint32Array;
  /** Encoded match keys (see encodeMatchKey): entry i is keyBytes[keyStart[i] .. keyStart[i + 1]). */
  readonly keyBytes: Uint8Array;
  readonly keyStart: Uint32Array;
  /** Bit 1: watched (entry and file enabled, not removed); bit 2: enabled. */
  readonly watched: Uint8Array;
  /** 1-based line of each entry's `-`. */
  readonly line: Int32Array;
  /** sha256 over the watched entries' matching and alert fields: changes exactly when what they would alert changes. */
  readonly digest: string;
  /** Number of watched entries. */
  readonly watchedCount: number;
  chainOf(i: number): string;
  labelOf(i: number): string;
  incidentOf(i: number): string;
  fileOf(i: number): string;
  /** Decoded match key (lowercase hex for EVM, scriptPubKey hex for Bitcoin). */
  matchKeyOf(i: number): string;
  entry(i: number): WatchlistEntry;
  /**
   * Each key's text hash (hashKeyText before the chain is mixed in), computed on
   * first use and kept, so re-indexing after an edit of another file rehashes nothing.
   */
  textHashes(): Int32Array;
  /** Same label bytes (cheaper than comparing labelOf strings). */
  sameLabel(i: number, other: WatchlistSegment, j: number): boolean;
}

/** What a builder is given per entry (the slow, general path; the file scanner has its own byte path). */
export interface SegmentEntryFields {
  readonly chain: string;
  readonly matchKey: string;
  /** Display form; undefined for an EVM address whose EIP-55 form is derived from matchKey on read. */
  readonly display: string | undefined;
  readonly label: string;
  readonly incident: string;
  readonly source: string;
  readonly tags: readonly string[];
  readonly removed: string | undefined;
  readonly enabled: boolean;
  readonly file: string;
  readonly line: number;
}

const KEY_HEX_0X = 1;
const KEY_HEX = 2;
const KEY_TEXT = 3;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Lowercase hex digit value by char code, -1 otherwise. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) NIBBLE[c] = c - 48;
for (let c = 97; c <= 102; c++) NIBBLE[c] = c - 87;
function hexNibble(c: number): number {
  return c < 128 ? NIBBLE[c]! : -1;
}

/**
 * Writes a match key's compact form at out[pos] and returns the end. Lowercase
 * hex (with or without 0x, even length) becomes a tag byte plus the bytes it
 * spells; anything else (verbatim keys of chains of unknown format) a tag byte
 * plus its UTF-8. `out` must have room for 1 + 3 × key.length bytes.
 */
export function encodeMatchKey(key: string, out: Uint8Array, pos: number): number {
  const len = key.length;
  let start = 0;
  let tag = KEY_HEX;
  if (len >= 2 && key.charCodeAt(0) === 48 && key.charCodeAt(1) === 120) {
    start = 2;
    tag = KEY_HEX_0X;
  }
  if ((len - start) % 2 === 0 && len > start) {
    let p = pos + 1;
    let ok = true;
    for (let i = start; i < len; i += 2) {
      const hi = hexNibble(key.charCodeAt(i));
      const lo = hexNibble(key.charCodeAt(i + 1));
      if (hi < 0 || lo < 0) {
        ok = false;
        break;
      }
      out[p++] = (hi << 4) | lo;
    }
    if (ok) {
      out[pos] = tag;
      return p;
    }
  }
  out[pos] = KEY_TEXT;
  return pos + 1 + utf8.encodeInto(key, out.subarray(pos + 1)).written;
}

const HEX = '0123456789abcdef';
export function decodeMatchKey(bytes: Uint8Array, start: number, end: number): string {
  const tag = bytes[start];
  if (tag === KEY_TEXT) return fromUtf8.decode(bytes.subarray(start + 1, end));
  let s = tag === KEY_HEX_0X ? '0x' : '';
  for (let i = start + 1; i < end; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/** FNV-1a over key bytes. */
export function hashKeyBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 2166136261;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h | 0;
}

/** A key's hash on one chain (equal keys on two chains are different keys). */
export function withChain(keyHash: number, chain: number): number {
  return (keyHash ^ Math.imul(chain + 1, 0x9e3779b1)) | 0;
}

export function hashKey(chain: number, bytes: Uint8Array, start: number, end: number): number {
  return withChain(hashKeyBytes(bytes, start, end), chain);
}

/**
 * The index's hash of a match key as text (FNV-1a over its characters), so a
 * lookup hashes the string it is given and, on a miss (nearly every address
 * in a block), never encodes it. hashEncodedKeyText gives the same value from
 * the encoded bytes.
 */
export function hashKeyText(chain: number, key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return withChain(h | 0, chain);
}

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
export function hashEncodedKeyText(chain: number, bytes: Uint8Array, start: number, end: number): number {
  return withChain(textHashOfEncoded(bytes, start, end), chain);
}

/** hashKeyText before the chain is mixed in. */
function textHashOfEncoded(bytes: Uint8Array, start: number, end: number): number {
  const tag = bytes[start];
  if (tag === KEY_TEXT) {
    const key = fromUtf8.decode(bytes.subarray(start + 1, end));
    let t = 2166136261;
    for (let i = 0; i < key.length; i++) t = Math.imul(t ^ key.charCodeAt(i), 16777619);
    return t | 0;
  }
  let h = 2166136261;
  if (tag === KEY_HEX_0X) h = Math.imul(Math.imul(h ^ 48, 16777619) ^ 120, 16777619);
  for (let i = start + 1; i < end; i++) {
    const b = bytes[i]!;
    h = Math.imul(h ^ HEX_CODES[b >> 4]!, 16777619);
    h = Math.imul(h ^ HEX_CODES[b & 15]!, 16777619);
  }
  return h | 0;
}

/**
 * hashKeyText of the lowercase hex (no 0x) spelling bytes[start, end), without building it:
 * output scripts are looked up straight from a block's bytes.
 */
export function hashHexBytesAsText(chain: number, bytes: Uint8Array, start: number, end: number): number {
  let h = 2166136261;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    h = Math.imul(h ^ HEX_CODES[b >> 4]!, 16777619);
    h = Math.imul(h ^ HEX_CODES[b & 15]!, 16777619);
  }
  return withChain(h | 0, chain);
}

/**
 * A cheap hash of raw bytes, four at a time (what lookupHex tests first against the index's filter of
 * hex keys). Not the index's text hash: it only has to spread keys, and a block has thousands of scripts.
 */
export function hashRawBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = (end - start) | 0;
  let i = start;
  for (; i + 4 <= end; i += 4) h = Math.imul(h ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)), 0x9e3779b1);
  for (; i < end; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h | 0;
}

/** Whether the encoded key starting at key[ks] is lowercase hex without 0x (what lookupHex can find); its raw bytes start at ks + 1. */
export function isHexKey(key: Uint8Array, ks: number): boolean {
  return key[ks] === KEY_HEX;
}

/** Whether the encoded key at key[ks, ke) is the lowercase hex (no 0x) spelling of bytes[start, end). */
export function keySpellsHexOf(key: Uint8Array, ks: number, ke: number, bytes: Uint8Array, start: number, end: number): boolean {
  return key[ks] === KEY_HEX && bytesEqual(key, ks + 1, ke, bytes, start, end);
}

export function bytesEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** A growable typed column. */
class Column<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length++] = v;
  }
  grow(n: number): void {
    if (n <= this.data.length) return;
    const next = this.make(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** A view when little is unused (no copy, no garbage), else a copy of the used part. */
  trimmed(): T {
    return (this.data.length - this.length <= this.data.length >> 3 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length)) as T;
  }
}

/** Ids into a small pool: one byte each until the pool outgrows it. */
class IdColumn {
  data: Uint8Array | Uint16Array | Uint32Array = new Uint8Array(1024);
  length = 0;
  #max = 0xff;
  push(v: number): void {
    if (v > this.#max) this.#widen(v);
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length++] = v;
  }
  grow(n: number): void {
    if (n <= this.data.length) return;
    const next = new (this.data.constructor as Uint32ArrayConstructor)(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  #widen(v: number): void {
    const next = v > 0xffff ? new Uint32Array(this.data.length) : new Uint16Array(this.data.length);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
    this.#max = v > 0xffff ? 0xffffffff : 0xffff;
  }
  trimmed(): Uint8Array | Uint16Array | Uint32Array {
    return this.data.length - this.length <= this.data.length >> 3 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

/** Bytes appended end to end. */
class Arena {
  data = new Uint8Array(64 * 1024);
  length = 0;
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    let size = Math.max(this.data.length * 2, 1024);
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** Grows to exactly `length + n` (an estimate made once), not to the next power of two. */
  reserveExact(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Uint8Array(this.length + n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  appendBytes(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    // A loop: short ranges (keys, labels) cost less than a subarray view and a native copy.
    const data = this.data;
    let n = this.length;
    for (let i = start; i < end; i++) data[n++] = src[i]!;
    this.length = n;
  }
  appendString(s: string): void {
    this.reserve(s.length * 3);
    this.length += utf8.encodeInto(s, this.data.subarray(this.length)).written;
  }
}

function trimBytes(a: Arena): Uint8Array {
  return a.data.length - a.length <= a.data.length >> 3 ? a.data.subarray(0, a.length) : a.data.slice(0, a.length);
}

/** Interned short strings (chains, incidents, sources, files, dates): each stored once. */
class StringPool {
  readonly values: string[] = [];
  readonly #ids = new Map<string, number>();
  id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }
}

/** An open-addressing table of byte strings in an arena (labels, and the builder's keys). */
class ByteTable {
  slots = new Int32Array(2048);
  used = 0;
  constructor(readonly lookupBytes: (id: number) => readonly [Uint8Array, number, number]) {}
  find(h: number, bytes: Uint8Array, start: number, end: number): number {
    const mask = this.slots.length / 2 - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[2 * s + 1]!;
      if (id === 0) return -1;
      if (this.slots[2 * s] === h) {
        const [b, bs, be] = this.lookupBytes(id - 1);
        if (bytesEqual(b, bs, be, bytes, start, end)) return id - 1;
      }
    }
  }
  insert(h: number, id: number): void {
    if ((this.used + 1) * 2 > this.slots.length / 2) this.rehash();
    this.place(h, id);
    this.used++;
  }
  private place(h: number, id: number): void {
    const mask = this.slots.length / 2 - 1;
    let s = h & mask;
    while (this.slots[2 * s + 1] !== 0) s = (s + 1) & mask;
    this.slots[2 * s] = h;
    this.slots[2 * s + 1] = id + 1;
  }
  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let s = 0; s < old.length; s += 2) if (old[s + 1] !== 0) this.place(old[s]!, old[s + 1]! - 1);
  }
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 2166136261;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h | 0;
}

const EMPTY_TAGS: readonly string[] = Object.freeze([]);

/**
 * Builds one segment. The general `add` takes strings; the file scanner uses
 * the byte-level calls (keyScratch + pushKey, labelFromBytes) to skip them.
 */
export class WatchlistSegmentBuilder {
  readonly #chains = new StringPool();
  readonly #incidents = new StringPool();
  readonly #sources = new StringPool();
  readonly #removed = new StringPool();
  readonly #files = new StringPool();
  readonly #tagLists: (readonly string[])[] = [EMPTY_TAGS];
  readonly #tagIds = new Map<string, number>([['', 0]]);
  readonly #displays: string[] = [];

  readonly #entryChain = new IdColumn();
  readonly #keyStart = new Column((n) => new Uint32Array(n));
  readonly #keys = new Arena();
  /** Created at the first entry with its own display form (never for EVM-only files). */
  #entryDisplay: Column<Int32Array> | undefined;
  /** Entry -> label id; undefined while every entry has its own label in order (id = entry). */
  #entryLabel: Column<Uint32Array> | undefined;
  readonly #labelStart = new Column((n) => new Uint32Array(n));
  readonly #labels = new Arena();
  readonly #labelTable = new ByteTable((id) => [this.#labels.data, this.#labelStart.data[id]!, this.#labelStart.data[id + 1]!]);
  readonly #entryIncident = new IdColumn();
  readonly #entrySource = new IdColumn();
  readonly #entryTags = new IdColumn();
  readonly #entryRemoved = new IdColumn();
  readonly #entryFile = new IdColumn();
  readonly #watched = new Column((n) => new Uint8Array(n));
  readonly #line = new Column((n) => new Int32Array(n));
  /** Chain id of the key being added (the key table's hashes include it). */
  #pendingChain = 0;

  constructor() {
    this.#keyStart.push(0);
    this.#labelStart.push(0);
    this.#removed.id('');
  }

  get count(): number {
    return this.#line.length;
  }

  /** Room for `entries` entries in all, so the columns grow once (no garbage of doubling). */
  reserve(entries: number): void {
    const n = this.count;
    if (entries <= n) return;
    for (const c of [this.#entryChain, this.#entryIncident, this.#entrySource, this.#entryTags, this.#entryRemoved, this.#entryFile]) c.grow(entries);
    for (const c of [this.#watched, this.#line]) c.grow(entries);
    this.#entryLabel?.grow(entries);
    this.#entryDisplay?.grow(entries);
    this.#keyStart.grow(entries + 1);
    this.#labelStart.grow(entries + 1);
    if (n > 0) {
      this.#keys.reserveExact(Math.ceil((this.#keys.length / n) * (entries - n) * 1.02) + 64);
      this.#labels.reserveExact(Math.ceil((this.#labels.length / n) * (entries - n) * 1.05) + 64);
    }
  }

  chainId(name: string): number {
    return this.#chains.id(name);
  }
  incidentId(s: string): number {
    return this.#incidents.id(s);
  }
  sourceId(s: string): number {
    return this.#sources.id(s);
  }
  removedId(s: string | undefined): number {
    return s === undefined ? 0 : this.#removed.id(s);
  }
  fileId(s: string): number {
    return this.#files.id(s);
  }
  tagsId(tags: readonly string[]): number {
    if (tags.length === 0) return 0;
    const k = tags.join('\0');
    let id = this.#tagIds.get(k);
    if (id === undefined) {
      id = this.#tagLists.length;
      this.#tagLists.push(Object.freeze([...tags]));
      this.#tagIds.set(k, id);
    }
    return id;
  }
  displayId(display: string | undefined): number {
    if (display === undefined) return -1;
    this.#displays.push(display);
    return this.#displays.length - 1;
  }

  labelFromBytes(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    const found = this.#labelTable.find(h, bytes, start, end);
    if (found >= 0) return found;
    this.#labels.appendBytes(bytes, start, end);
    const id = this.#labelStart.length - 1;
    this.#labelStart.push(this.#labels.length);
    this.#labelTable.insert(h, id);
    return id;
  }
  labelFromString(s: string): number {
    const scratch = this.#scratch(s.length * 3);
    const end = utf8.encodeInto(s, scratch).written;
    return this.labelFromBytes(scratch, 0, end);
  }

  #scratchBuf = new Uint8Array(256);
  #scratch(n: number): Uint8Array {
    if (this.#scratchBuf.length < n) this.#scratchBuf = new Uint8Array(n * 2);
    return this.#scratchBuf;
  }

  /** Appends the next entry's encoded key (tag + bytes) as given. */
  pushKeyBytes(chain: number, bytes: Uint8Array, start: number, end: number): void {
    this.#pendingChain = chain;
    this.#probe = -2;
    this.#keys.appendBytes(bytes, start, end);
  }
  pushKeyString(chain: number, matchKey: string): void {
    this.#pendingChain = chain;
    this.#probe = -2;
    this.#keys.reserve(1 + matchKey.length * 3);
    this.#keys.length = encodeMatchKey(matchKey, this.#keys.data, this.#keys.length);
  }
  /** Index of an earlier entry with the pending key on the same chain, or -1. */
  pendingDuplicateOf(): number {
    const keys = this.#keys.data;
    const start = this.#keyStart.data[this.#keyStart.length - 1]!;
    const end = this.#keys.length;
    const h = hashKey(this.#pendingChain, keys, start, end);
    const slots = this.#keySlots;
    const mask = slots.length / 2 - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = slots[2 * s + 1]!;
      if (id === 0) {
        // commit() places the key here unless the table grows first.
        this.#probe = s;
        this.#probeHash = h;
        return -1;
      }
      if (slots[2 * s] === h && this.#entryChain.data[id - 1] === this.#pendingChain && bytesEqual(keys, this.#keyStart.data[id - 1]!, this.#keyStart.data[id]!, keys, start, end)) {
        this.#probe = -1;
        return id - 1;
      }
    }
  }
  /** Forgets the pending key (the entry was rejected). */
  dropPendingKey(): void {
    this.#keys.length = this.#keyStart.data[this.#keyStart.length - 1]!;
    this.#probe = -2;
  }

  #keySlots = new Int32Array(2048);
  /** Result of the last pendingDuplicateOf for the pending key: empty slot, -1 duplicate, -2 not probed. */
  #probe = -2;
  #probeHash = 0;
  #placeKey(slots: Int32Array, h: number, id: number): void {
    const mask = slots.length / 2 - 1;
    let s = h & mask;
    while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
    slots[2 * s] = h;
    slots[2 * s + 1] = id + 1;
  }

  /**
   * Completes the entry whose key was pushed last. `watched` bits: 1 = watched
   * (enabled, file enabled, not removed), 2 = enabled (kept for removed entries).
   */
  commit(display: number, label: number, incident: number, source: number, tags: number, removed: number, enabled: boolean, file: number, line: number): void {
    const id = this.#line.length;
    // Only the first entry of a key goes in the table (pendingDuplicateOf finds it).
    if (this.#probe === -2) this.pendingDuplicateOf();
    if (this.#probe >= 0) {
      if ((this.#keyCount + 1) * 4 > this.#keySlots.length) {
        const old = this.#keySlots;
        this.#keySlots = new Int32Array(old.length * 2);
        for (let s = 0; s < old.length; s += 2) if (old[s + 1] !== 0) this.#placeKey(this.#keySlots, old[s]!, old[s + 1]! - 1);
        this.#placeKey(this.#keySlots, this.#probeHash, id);
      } else {
        this.#keySlots[2 * this.#probe] = this.#probeHash;
        this.#keySlots[2 * this.#probe + 1] = id + 1;
      }
      this.#keyCount++;
    }
    this.#probe = -2;
    this.#keyStart.push(this.#keys.length);
    this.#entryChain.push(this.#pendingChain);
    if (display >= 0 && this.#entryDisplay === undefined) {
      this.#entryDisplay = new Column((n) => new Int32Array(n));
      this.#entryDisplay.grow(this.#line.data.length);
      for (let k = 0; k < id; k++) this.#entryDisplay.push(-1);
    }
    this.#entryDisplay?.push(display);
    if (this.#entryLabel === undefined && label !== id) {
      this.#entryLabel = new Column((n) => new Uint32Array(n));
      this.#entryLabel.grow(this.#line.data.length);
      for (let k = 0; k < id; k++) this.#entryLabel.push(k);
    }
    this.#entryLabel?.push(label);
    this.#entryIncident.push(incident);
    this.#entrySource.push(source);
    this.#entryTags.push(tags);
    this.#entryRemoved.push(removed);
    this.#entryFile.push(file);
    this.#watched.push((enabled && removed === 0 ? 1 : 0) | (enabled ? 2 : 0));
    this.#line.push(line);
  }
  #keyCount = 0;

  add(e: SegmentEntryFields): void {
    const chain = this.chainId(e.chain);
    this.pushKeyString(chain, e.matchKey);
    this.commit(
      this.displayId(e.display),
      this.labelFromString(e.label),
      this.incidentId(e.incident),
      this.sourceId(e.source),
      this.tagsId(e.tags),
      this.removedId(e.removed),
      e.enabled,
      this.fileId(e.file),
      e.line,
    );
  }

  finish(): WatchlistSegment {
    return new PackedSegment({
      chains: this.#chains.values,
      incidents: this.#incidents.values,
      sources: this.#sources.values,
      removed: this.#removed.values,
      files: this.#files.values,
      tagLists: this.#tagLists,
      displays: this.#displays,
      entryChain: this.#entryChain.trimmed(),
      keyStart: this.#keyStart.trimmed(),
      keyBytes: trimBytes(this.#keys),
      entryDisplay: this.#entryDisplay?.trimmed(),
      entryLabel: this.#entryLabel?.trimmed(),
      labelStart: this.#labelStart.trimmed(),
      labelBytes: trimBytes(this.#labels),
      entryIncident: this.#entryIncident.trimmed(),
      entrySource: this.#entrySource.trimmed(),
      entryTags: this.#entryTags.trimmed(),
      entryRemoved: this.#entryRemoved.trimmed(),
      entryFile: this.#entryFile.trimmed(),
      watched: this.#watched.trimmed(),
      line: this.#line.trimmed(),
    });
  }
}

interface Packed {
  readonly chains: readonly string[];
  readonly incidents: readonly string[];
  readonly sources: readonly string[];
  readonly removed: readonly string[];
  readonly files: readonly string[];
  readonly tagLists: readonly (readonly string[])[];
  readonly displays: readonly string[];
  readonly entryChain: Uint8Array | Uint16Array | Uint32Array;
  readonly keyStart: Uint32Array;
  readonly keyBytes: Uint8Array;
  readonly entryDisplay: Int32Array | undefined;
  readonly entryLabel: Uint32Array | undefined;
  readonly labelStart: Uint32Array;
  readonly labelBytes: Uint8Array;
  readonly entryIncident: Uint8Array | Uint16Array | Uint32Array;
  readonly entrySource: Uint8Array | Uint16Array | Uint32Array;
  readonly entryTags: Uint8Array | Uint16Array | Uint32Array;
  readonly entryRemoved: Uint8Array | Uint16Array | Uint32Array;
  readonly entryFile: Uint8Array | Uint16Array | Uint32Array;
  readonly watched: Uint8Array;
  readonly line: Int32Array;
}

class PackedSegment implements WatchlistSegment {
  readonly count: number;
  readonly chains: readonly string[];
  readonly entryChain: Uint8Array | Uint16Array | Uint32Array;
  readonly keyBytes: Uint8Array;
  readonly keyStart: Uint32Array;
  readonly watched: Uint8Array;
  readonly line: Int32Array;
  readonly digest: string;
  readonly watchedCount: number;
  readonly #p: Omit<Packed, 'entryChain' | 'entryIncident' | 'entrySource' | 'entryTags' | 'entryRemoved' | 'entryFile'>;
  readonly #incident: Uint8Array | Uint16Array | Uint32Array;
  readonly #source: Uint8Array | Uint16Array | Uint32Array;
  readonly #tags: Uint8Array | Uint16Array | Uint32Array;
  readonly #removed: Uint8Array | Uint16Array | Uint32Array;
  readonly #file: Uint8Array | Uint16Array | Uint32Array;

  constructor(p: Packed) {
    this.#p = p;
    this.count = p.line.length;
    this.chains = p.chains;
    this.entryChain = p.entryChain;
    this.keyBytes = p.keyBytes;
    this.keyStart = p.keyStart;
    this.watched = p.watched;
    this.line = p.line;
    this.#incident = p.entryIncident;
    this.#source = p.entrySource;
    this.#tags = p.entryTags;
    this.#removed = p.entryRemoved;
    this.#file = p.entryFile;
    let watchedCount = 0;
    for (let i = 0; i < this.count; i++) watchedCount += p.watched[i]! & 1;
    this.watchedCount = watchedCount;
    this.digest = this.#computeDigest();
  }

  chainOf(i: number): string {
    return this.chains[this.entryChain[i]!]!;
  }
  #textHashes: Int32Array | undefined;
  textHashes(): Int32Array {
    if (this.#textHashes === undefined) {
      const out = new Int32Array(this.count);
      for (let i = 0; i < this.count; i++) out[i] = textHashOfEncoded(this.keyBytes, this.keyStart[i]!, this.keyStart[i + 1]!);
      this.#textHashes = out;
    }
    return this.#textHashes;
  }
  labelOf(i: number): string {
    const id = this.#p.entryLabel?.[i] ?? i;
    return fromUtf8.decode(this.#p.labelBytes.subarray(this.#p.labelStart[id], this.#p.labelStart[id + 1]));
  }
  incidentOf(i: number): string {
    return this.#p.incidents[this.#incident[i]!]!;
  }
  fileOf(i: number): string {
    return this.#p.files[this.#file[i]!]!;
  }
  matchKeyOf(i: number): string {
    return decodeMatchKey(this.keyBytes, this.keyStart[i]!, this.keyStart[i + 1]!);
  }
  sameLabel(i: number, other: WatchlistSegment, j: number): boolean {
    if (!(other instanceof PackedSegment)) return this.labelOf(i) === other.labelOf(j);
    const a = this.#p;
    const b = other.#p;
    const la = a.entryLabel?.[i] ?? i;
    const lb = b.entryLabel?.[j] ?? j;
    return bytesEqual(a.labelBytes, a.labelStart[la]!, a.labelStart[la + 1]!, b.labelBytes, b.labelStart[lb]!, b.labelStart[lb + 1]!);
  }

  entry(i: number): WatchlistEntry {
    const p = this.#p;
    const display = p.entryDisplay?.[i] ?? -1;
    const removed = this.#removed[i]!;
    return new LoadedEntry(
      this.chainOf(i),
      display < 0 ? undefined : p.displays[display],
      this.matchKeyOf(i),
      this.labelOf(i),
      this.incidentOf(i),
      p.sources[this.#source[i]!]!,
      p.tagLists[this.#tags[i]!]!,
      removed === 0 ? undefined : p.removed[removed],
      (this.watched[i]! & 2) !== 0,
      this.fileOf(i),
      this.line[i]!,
    );
  }

  /**
   * Hash of every watched entry's chain, key, label, incident, source and tags, fed
   * to sha256 in 64 KB chunks (one native call per entry would cost more than the hashing).
   */
  #computeDigest(): string {
    const p = this.#p;
    const hash = createHash('sha256');
    if (this.watchedCount === this.count) {
      // Every entry watched (the common case): the columns and pools are then a function of the
      // watched content alone (pools are filled in entry order), so hashing them is hashing it.
      const parts = [p.chains, p.incidents, p.sources, p.tagLists.map((t) => t.join('\x1e'))].map((pool) => pool.join('\x1d'));
      hash.update(`all\x1c${parts.join('\x1c')}\x1c`);
      // No entryLabel column means label id = entry number (every label its own).
      for (const column of [this.entryChain, this.keyStart, this.keyBytes, p.entryLabel ?? new Uint8Array(0), p.labelStart, p.labelBytes, this.#incident, this.#source, this.#tags]) {
        hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
        hash.update('\x1c');
      }
      return hash.digest('hex');
    }
    // Some entries not watched: the digest of the watched ones alone, so adding, removing or
    // editing an unwatched entry never changes it (the display form is not hashed).
    const watchedOnly = new WatchlistSegmentBuilder();
    for (let i = 0; i < this.count; i++) {
      if ((this.watched[i]! & 1) === 0) continue;
      const e = this.entry(i);
      watchedOnly.add({ chain: e.chain, matchKey: e.matchKey, display: undefined, label: e.label, incident: e.incident, source: e.source, tags: e.tags, removed: undefined, enabled: true, file: '', line: 0 });
    }
    return watchedOnly.count === 0 ? 'none' : watchedOnly.finish().digest;
  }
}

/**
 * A materialised entry. A class rather than a literal so entries share one
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
    return (this.#address ??= checksumEvmAddress(this.matchKey));
  }

  toJSON(): Record<string, unknown> {
    const { chain, address, matchKey, label, incident, source, tags, removed, enabled, file, line } = this;
    return { chain, address, matchKey, label, incident, source, tags, removed, enabled, file, line };
  }
}
