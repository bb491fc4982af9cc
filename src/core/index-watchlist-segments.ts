import { createHash } from 'node:crypto';
import type { WatchlistRef } from './movement.js';
import type { WatchlistEntry, WatchlistIndex } from './watchlist.js';
import { bytesEqual, encodeMatchKey, hashEncodedKeyText, hashHexBytesAsText, hashKeyText, hashRawBytes, isHexKey, keySpellsHexOf, withChain, type WatchlistSegment } from './watchlist-segment.js';

/** Two entries of different files holding one address with different labels in the same incident. */
export interface LabelConflict {
  readonly segment: number;
  readonly entry: number;
  /** The latest earlier entry with the address. */
  readonly other: { readonly segment: number; readonly entry: number };
}

export interface IndexedWatchlist {
  readonly index: WatchlistIndex;
  readonly conflicts: readonly LabelConflict[];
}

/**
 * One O(1) index over the segments (one per watchlist file, in file order).
 * Holds no per-entry objects: an open-addressing table of (hash, latest entry)
 * pairs over (chain, key bytes), entries with the same key chained back to
 * the first through an Int32Array. A miss (nearly every address in a block) costs
 * a hash of the key and one or two reads in one table, whatever the list's
 * size. A hit materialises the refs of that key only (cached for hot keys).
 * Disabled and removed entries are in the table (cross-file checks see them)
 * but never returned. Pure: node:crypto hashing has no I/O.
 */
export function indexWatchlistSegments(segments: readonly WatchlistSegment[]): IndexedWatchlist {
  const chainIds = new Map<string, number>();
  const segChains = segments.map((seg) =>
    Uint16Array.from(seg.chains, (name) => {
      let id = chainIds.get(name);
      if (id === undefined) chainIds.set(name, (id = chainIds.size));
      return id;
    }),
  );
  const segStart = new Int32Array(segments.length + 1);
  for (let s = 0; s < segments.length; s++) segStart[s + 1] = segStart[s]! + segments[s]!.count;
  const total = segStart[segments.length]!;

  // 1.75 slots per key: a miss probes ~3 slots (one cache line, mostly), and a million-entry
  // table is 14 MB rather than the 16 MB of the next power of two (memory and matching speed
  // both measured in bench/watchlist-load.bench.ts).
  const cap = Math.max(16, Math.ceil(total * 1.75));
  // The three tables share one block. A big list's block is made larger than glibc's highest
  // mmap threshold (32 MB), so it is always its own mapping: when a reload replaces this index,
  // freeing it returns the memory to the system instead of leaving it in the malloc heap, where
  // RSS would keep it. The unused tail is never touched, so it costs no resident memory.
  const bytes = cap * 8 + total;
  const block = new ArrayBuffer(bytes >= BIG_INDEX_BYTES ? Math.max(bytes, MAPPED_BLOCK_BYTES) : bytes);
  const slots = new Int32Array(block, 0, cap * 2);
  const filter = new Int32Array(filterWordsFor(total));
  // Hex keys (output scripts, key hashes) by their raw bytes: lookupHex's first test, before any text hash.
  let hexKeys = 0;
  for (const seg of segments) for (let i = 0; i < seg.count; i++) if (isHexKey(seg.keyBytes, seg.keyStart[i]!)) hexKeys++;
  const hexFilter = new Int32Array(filterWordsFor(hexKeys));
  /**
   * Entries with the same key, latest first: prev(g) is the entry before g. Sparse: most
   * addresses are listed once, and an array of a million -1s would cost 4 MB for nothing.
   */
  const next = new Map<number, number>();
  /** Bit 1: watched; bit 2: the first watched entry of its key (keysFor iterates these). */
  const flags = new Uint8Array(block, cap * 8, total);
  // Build-only: per slot, whether an entry with the key is watched yet.
  const anyWatched = new Uint8Array(cap);
  const chainCount = chainIds.size;
  const watchedPerChain = new Float64Array(chainCount);
  const keysPerChain = new Float64Array(chainCount);
  const conflicts: LabelConflict[] = [];
  let size = 0;

  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const chains = segChains[s]!;
    const base = segStart[s]!;
    const textHashes = seg.textHashes();
    for (let i = 0; i < seg.count; i++) {
      const g = base + i;
      const chain = chains[seg.entryChain[i]!]!;
      const ks = seg.keyStart[i]!;
      const ke = seg.keyStart[i + 1]!;
      const h = withChain(textHashes[i]!, chain);
      const watched = (seg.watched[i]! & 1) === 1;
      addToFilter(filter, h);
      if (isHexKey(seg.keyBytes, ks)) addToFilter(hexFilter, hashRawBytes(seg.keyBytes, ks + 1, ke));
      let slot = slotOf(h, cap);
      for (;;) {
        const head = slots[2 * slot + 1]! - 1;
        if (head < 0) {
          slots[2 * slot] = h;
          slots[2 * slot + 1] = g + 1;
          break;
        }
        if (slots[2 * slot] === h) {
          const hs = segmentOf(segStart, head);
          const hi = head - segStart[hs]!;
          const hseg = segments[hs]!;
          if (segChains[hs]![hseg.entryChain[hi]!] === chain && bytesEqual(hseg.keyBytes, hseg.keyStart[hi]!, hseg.keyStart[hi + 1]!, seg.keyBytes, ks, ke)) {
            // The slot holds the latest entry with the key; the new one becomes the latest.
            const last = head;
            const ls = segmentOf(segStart, last);
            const li = last - segStart[ls]!;
            const lseg = segments[ls]!;
            // Different incidents legitimately name one address differently (OFAC's party name, an
            // incident's role for it); two labels within the same incident are a real conflict.
            if (ls !== s && lseg.incidentOf(li) === seg.incidentOf(i) && !seg.sameLabel(i, lseg, li)) conflicts.push({ segment: s, entry: i, other: { segment: ls, entry: li } });
            next.set(g, last);
            slots[2 * slot + 1] = g + 1;
            break;
          }
        }
        slot = slot + 1 === cap ? 0 : slot + 1;
      }
      if (watched) {
        size++;
        watchedPerChain[chain] = watchedPerChain[chain]! + 1;
        if (anyWatched[slot] === 0) {
          anyWatched[slot] = 1;
          keysPerChain[chain] = keysPerChain[chain]! + 1;
          flags[g] = 3;
        } else {
          flags[g] = 1;
        }
      }
    }
  }

  const digest = createHash('sha256');
  for (const seg of segments) if (seg.watchedCount > 0) digest.update(seg.digest);
  const version = size === 0 ? 'empty' : digest.digest('hex').slice(0, 32);
  return {
    index: new CompactWatchlistIndex({ segments, segStart, segChains, chainIds, slots, filter, hexFilter, next, flags, watchedPerChain, keysPerChain, size, version }),
    conflicts,
  };
}

/** Above this, the index's tables get a block of their own mapping (see indexWatchlistSegments). */
const BIG_INDEX_BYTES = 4 * 2 ** 20;
const MAPPED_BLOCK_BYTES = 33 * 2 ** 20;

/**
 * A one-hash bit filter in front of the slot table: 8 bits per key (1 MB for a million keys, ~12 %
 * false positives). Nearly every script or address a block shows is not watched, and with a big list
 * the 14 MB slot table costs a cache miss per lookup; the filter answers most misses from a table
 * that stays in cache (1M vs 10 entries measured in bench/btc-parse-match and evm-match).
 */
function filterWordsFor(keys: number): number {
  let bits = 1024;
  while (bits < keys * 8) bits *= 2;
  return bits / 32;
}

/** The filter bit of a hash: its low bits after the same finaliser as slotOf, which uses the high ones. */
function filterBitOf(h: number, words: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return x & (words * 32 - 1);
}

function addToFilter(filter: Int32Array, h: number): void {
  const bit = filterBitOf(h, filter.length);
  filter[bit >>> 5]! |= 1 << (bit & 31);
}

function mayHold(filter: Int32Array, h: number): boolean {
  const bit = filterBitOf(h, filter.length);
  return (filter[bit >>> 5]! & (1 << (bit & 31))) !== 0;
}

/** The home slot of a hash in a table of `cap` slots (multiply-shift, any size of table). */
function slotOf(h: number, cap: number): number {
  // Murmur3's finaliser first: the range reduction reads the high bits, which FNV mixes least.
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return Math.floor(((x >>> 0) * cap) / 4294967296);
}

function segmentOf(segStart: Int32Array, g: number): number {
  let lo = 0;
  let hi = segStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segStart[mid]! <= g) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface IndexParts {
  readonly segments: readonly WatchlistSegment[];
  readonly segStart: Int32Array;
  readonly segChains: readonly Uint16Array[];
  readonly chainIds: ReadonlyMap<string, number>;
  readonly slots: Int32Array;
  /** Bit filter over every key's hash (mayHold): a clear bit means no entry has the key. */
  readonly filter: Int32Array;
  /** The same over the raw bytes of hex keys (hashRawBytes): most of a block's scripts end here. */
  readonly hexFilter: Int32Array;
  readonly next: ReadonlyMap<number, number>;
  readonly flags: Uint8Array;
  readonly watchedPerChain: Float64Array;
  readonly keysPerChain: Float64Array;
  readonly size: number;
  readonly version: string;
}

/** Hot keys (an exchange's hot wallet in a list) are looked up every block: their refs are kept. */
const REF_CACHE_MAX = 4096;

/** The WatchlistIndex over segments; also enumerates entries (`watchlist ls`, diffs). */
export class CompactWatchlistIndex implements WatchlistIndex {
  readonly version: string;
  readonly size: number;
  readonly #p: IndexParts;
  readonly #refCache = new Map<number, readonly WatchlistRef[]>();
  readonly #keySets = new Map<number, ReadonlySet<string>>();
  #scratch = new Uint8Array(128);

  constructor(parts: IndexParts) {
    this.#p = parts;
    this.version = parts.version;
    this.size = parts.size;
  }

  get segments(): readonly WatchlistSegment[] {
    return this.#p.segments;
  }

  /** Watched entries on a chain. */
  watchedOn(chain: string): number {
    const id = this.#p.chainIds.get(chain);
    return id === undefined ? 0 : this.#p.watchedPerChain[id]!;
  }

  /** Chains with at least one entry (watched or not). */
  get chains(): readonly string[] {
    return [...this.#p.chainIds.keys()];
  }

  /** Latest entry (global number) holding the key on the chain, watched or not; -1 if none. */
  #find(chain: string, matchKey: string): number {
    const p = this.#p;
    const cid = p.chainIds.get(chain);
    if (cid === undefined) return -1;
    const h = hashKeyText(cid, matchKey);
    if (!mayHold(p.filter, h)) return -1;
    const slots = p.slots;
    const cap = slots.length / 2;
    let end = -1;
    for (let s = slotOf(h, cap); ; s = s + 1 === cap ? 0 : s + 1) {
      const head = slots[2 * s + 1]! - 1;
      if (head < 0) return -1;
      if (slots[2 * s] !== h) continue;
      // A hash match: encode the key once and compare bytes.
      if (end < 0) {
        if (this.#scratch.length < 1 + matchKey.length * 3) this.#scratch = new Uint8Array(2 + matchKey.length * 3);
        end = encodeMatchKey(matchKey, this.#scratch, 0);
      }
      const seg = segmentOf(p.segStart, head);
      const i = head - p.segStart[seg]!;
      const segment = p.segments[seg]!;
      if (p.segChains[seg]![segment.entryChain[i]!] === cid && bytesEqual(segment.keyBytes, segment.keyStart[i]!, segment.keyStart[i + 1]!, this.#scratch, 0, end)) return head;
    }
  }

  /**
   * Whether a watched entry here has the chain, key, incident and label of entry i of
   * `seg` (a segment of another index): what the reloader's added/removed counts ask,
   * answered without materialising anything.
   */
  holdsWatched(seg: WatchlistSegment, i: number): boolean {
    const p = this.#p;
    const cid = p.chainIds.get(seg.chainOf(i));
    if (cid === undefined) return false;
    const ks = seg.keyStart[i]!;
    const ke = seg.keyStart[i + 1]!;
    const h = hashEncodedKeyText(cid, seg.keyBytes, ks, ke);
    const slots = p.slots;
    const cap = slots.length / 2;
    for (let s = slotOf(h, cap); ; s = s + 1 === cap ? 0 : s + 1) {
      const head = slots[2 * s + 1]! - 1;
      if (head < 0) return false;
      if (slots[2 * s] !== h) continue;
      const hs = segmentOf(p.segStart, head);
      const hi = head - p.segStart[hs]!;
      const hseg = p.segments[hs]!;
      if (p.segChains[hs]![hseg.entryChain[hi]!] !== cid || !bytesEqual(hseg.keyBytes, hseg.keyStart[hi]!, hseg.keyStart[hi + 1]!, seg.keyBytes, ks, ke)) continue;
      const incident = seg.incidentOf(i);
      for (let g = head; g >= 0; g = p.next.get(g) ?? -1) {
        if ((p.flags[g]! & 1) === 0) continue;
        const gs = segmentOf(p.segStart, g);
        const gi = g - p.segStart[gs]!;
        const gseg = p.segments[gs]!;
        if (gseg.incidentOf(gi) === incident && gseg.sameLabel(gi, seg, i)) return true;
      }
      return false;
    }
  }

  lookup(chain: string, matchKey: string): readonly WatchlistRef[] | undefined {
    return this.#refsFrom(this.#find(chain, matchKey));
  }

  lookupHex(chain: string, bytes: Uint8Array, start: number, end: number): readonly WatchlistRef[] | undefined {
    // An empty script spells "", which is not a hex key: the string path decides it.
    if (end <= start) return this.lookup(chain, '');
    const p = this.#p;
    if (!mayHold(p.hexFilter, hashRawBytes(bytes, start, end))) return undefined;
    const cid = p.chainIds.get(chain);
    if (cid === undefined) return undefined;
    const h = hashHexBytesAsText(cid, bytes, start, end);
    if (!mayHold(p.filter, h)) return undefined;
    const slots = p.slots;
    const cap = slots.length / 2;
    for (let s = slotOf(h, cap); ; s = s + 1 === cap ? 0 : s + 1) {
      const head = slots[2 * s + 1]! - 1;
      if (head < 0) return undefined;
      if (slots[2 * s] !== h) continue;
      const seg = segmentOf(p.segStart, head);
      const i = head - p.segStart[seg]!;
      const segment = p.segments[seg]!;
      if (p.segChains[seg]![segment.entryChain[i]!] === cid && keySpellsHexOf(segment.keyBytes, segment.keyStart[i]!, segment.keyStart[i + 1]!, bytes, start, end)) return this.#refsFrom(head);
    }
  }

  /** The watched entries of the key whose latest entry is `head` (-1: none), in file order. */
  #refsFrom(head: number): readonly WatchlistRef[] | undefined {
    if (head < 0) return undefined;
    const cached = this.#refCache.get(head);
    if (cached !== undefined) return cached.length === 0 ? undefined : cached;
    const refs: WatchlistRef[] = [];
    for (let g = head; g >= 0; g = this.#p.next.get(g) ?? -1) if ((this.#p.flags[g]! & 1) === 1) refs.push(this.entryAt(g));
    refs.reverse(); // file order
    if (this.#refCache.size >= REF_CACHE_MAX) this.#refCache.clear();
    this.#refCache.set(head, refs);
    return refs.length === 0 ? undefined : refs;
  }

  /** Every entry (watched or not) holding the key on the chain, in file order. */
  entriesFor(chain: string, matchKey: string): WatchlistEntry[] {
    const out: WatchlistEntry[] = [];
    for (let g = this.#find(chain, matchKey); g >= 0; g = this.#p.next.get(g) ?? -1) out.push(this.entryAt(g));
    return out.reverse();
  }

  entryAt(g: number): WatchlistEntry {
    const s = segmentOf(this.#p.segStart, g);
    return this.#p.segments[s]!.entry(g - this.#p.segStart[s]!);
  }

  keysFor(chain: string): ReadonlySet<string> {
    const cid = this.#p.chainIds.get(chain);
    if (cid === undefined) return EMPTY_SET;
    let set = this.#keySets.get(cid);
    if (set === undefined) this.#keySets.set(cid, (set = new WatchedKeys(this, this.#p, cid, chain)));
    return set;
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/**
 * The watched keys of one chain, without a Set of a million strings: `size`
 * was counted at build, `has` is a lookup, iteration decodes keys in file
 * order (first watched entry of each key, the order a Map would keep).
 */
class WatchedKeys implements ReadonlySet<string> {
  readonly size: number;
  constructor(
    private readonly index: CompactWatchlistIndex,
    private readonly p: IndexParts,
    private readonly cid: number,
    private readonly chain: string,
  ) {
    this.size = p.keysPerChain[cid]!;
  }
  has(key: string): boolean {
    return this.index.lookup(this.chain, key) !== undefined;
  }
  *keys(): IterableIterator<string> {
    const { segments, segChains } = this.p;
    for (let s = 0; s < segments.length; s++) {
      const seg = segments[s]!;
      const base = this.p.segStart[s]!;
      const local = segChains[s]!.indexOf(this.cid);
      if (local < 0) continue;
      for (let i = 0; i < seg.count; i++) if (seg.entryChain[i] === local && (this.p.flags[base + i]! & 2) !== 0) yield seg.matchKeyOf(i);
    }
  }
  values(): IterableIterator<string> {
    return this.keys();
  }
  *entries(): IterableIterator<[string, string]> {
    for (const k of this.keys()) yield [k, k];
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this.keys();
  }
  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const k of this.keys()) callback.call(thisArg, k, k, this);
  }
}
