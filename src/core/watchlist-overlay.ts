import type { WatchlistRef } from './movement.js';
import type { WatchlistIndex } from './watchlist.js';

/**
 * Runtime watchlist entries beside the file-based index (issue #9): tenants'
 * own address lists today, derived entries (followed funds) later. Every entry
 * has an owner, so the same address may be held by several owners and each
 * removal takes away only its own entry. Changes are applied incrementally
 * (never rebuilt), and lookups stay O(1) whatever the size.
 */
export interface OverlayEntry {
  readonly chain: string;
  /** Same key as the file index: lowercase hex (EVM) or scriptPubKey hex (Bitcoin). */
  readonly matchKey: string;
  /** The ref carries `owner`. */
  readonly ref: WatchlistRef & { readonly owner: string };
}

export type OverlayChange =
  | { readonly op: 'add'; readonly entry: OverlayEntry }
  | { readonly op: 'remove'; readonly chain: string; readonly matchKey: string; readonly owner: string };

export interface WatchlistOverlay {
  /** Bumped by every apply that changed something. */
  readonly version: number;
  readonly size: number;
  apply(changes: readonly OverlayChange[]): boolean;
  /** Drops everything (before a full reload). */
  clear(): void;
  lookup(chain: string, matchKey: string): readonly WatchlistRef[] | undefined;
  keysFor(chain: string): ReadonlySet<string>;
}

export function createWatchlistOverlay(): WatchlistOverlay {
  // chain -> matchKey -> owner -> ref, plus a cached array per key for lookup.
  const byChain = new Map<string, Map<string, Map<string, WatchlistRef>>>();
  const arrays = new Map<string, Map<string, readonly WatchlistRef[]>>();
  let version = 0;
  let size = 0;

  const refresh = (chain: string, matchKey: string): void => {
    const owners = byChain.get(chain)?.get(matchKey);
    let chainArrays = arrays.get(chain);
    if (chainArrays === undefined) arrays.set(chain, (chainArrays = new Map<string, readonly WatchlistRef[]>()));
    if (owners === undefined || owners.size === 0) {
      byChain.get(chain)?.delete(matchKey);
      chainArrays.delete(matchKey);
    } else {
      chainArrays.set(matchKey, [...owners.values()]);
    }
  };

  return {
    get version() {
      return version;
    },
    get size() {
      return size;
    },
    apply(changes) {
      let changed = false;
      for (const c of changes) {
        if (c.op === 'add') {
          const { chain, matchKey, ref } = c.entry;
          let keys = byChain.get(chain);
          if (keys === undefined) byChain.set(chain, (keys = new Map<string, Map<string, WatchlistRef>>()));
          let owners = keys.get(matchKey);
          if (owners === undefined) keys.set(matchKey, (owners = new Map<string, WatchlistRef>()));
          if (!owners.has(ref.owner)) size += 1;
          owners.set(ref.owner, ref);
          refresh(chain, matchKey);
          changed = true;
        } else {
          const owners = byChain.get(c.chain)?.get(c.matchKey);
          if (owners?.delete(c.owner) === true) {
            size -= 1;
            refresh(c.chain, c.matchKey);
            changed = true;
          }
        }
      }
      if (changed) version += 1;
      return changed;
    },
    clear() {
      byChain.clear();
      arrays.clear();
      size = 0;
      version += 1;
    },
    lookup: (chain, matchKey) => arrays.get(chain)?.get(matchKey),
    keysFor: (chain) => new Set(arrays.get(chain)?.keys() ?? []),
  };
}

/**
 * One index over every watched address: the file index and the overlay. The
 * result is a new object only when either side changed (callers compare
 * indexes by identity to reuse per-step lookups).
 */
export function combineWatchlistIndex(base: WatchlistIndex, overlay: WatchlistOverlay): WatchlistIndex {
  const overlayVersion = overlay.version;
  const unions = new Map<string, { readonly version: number; readonly keys: ReadonlySet<string> }>();
  return {
    version: overlayVersion === 0 && overlay.size === 0 ? base.version : `${base.version}+o${overlayVersion}`,
    get size() {
      return base.size + overlay.size;
    },
    lookup(chain, matchKey) {
      const b = base.lookup(chain, matchKey);
      const o = overlay.lookup(chain, matchKey);
      if (o === undefined) return b;
      if (b === undefined) return o;
      return [...b, ...o];
    },
    lookupHex(chain, bytes, start, end) {
      if (overlay.size === 0 && base.lookupHex !== undefined) return base.lookupHex(chain, bytes, start, end);
      return this.lookup(chain, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex', start, end));
    },
    keysFor(chain) {
      const o = overlay.keysFor(chain);
      if (o.size === 0) return base.keysFor(chain);
      // The union copies every base key (a million with big lists): built once per chain and overlay version.
      const cached = unions.get(chain);
      if (cached !== undefined && cached.version === overlay.version) return cached.keys;
      const keys = new Set([...base.keysFor(chain), ...o]);
      unions.set(chain, { version: overlay.version, keys });
      return keys;
    },
  };
}
