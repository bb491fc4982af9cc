import type { Redis } from 'ioredis';
import { RetryableError } from '../../core/errors.js';
import type { OverlayChange, OverlayEntry } from '../../core/watchlist-overlay.js';

/**
 * The watchlist overlay in Redis, per chain:
 *   `<prefix>:overlay:<chain>:entries`  hash `<owner>|<matchKey>` -> JSON entry (the current set)
 *   `<prefix>:overlay:<chain>:log`      stream of changes (op, field, value), append-only
 * A process loads the set and the log's last id atomically (MULTI), then reads
 * only the log after that id once per poll step: one round trip for every chain.
 */
export interface OverlayCursor {
  readonly chain: string;
  readonly lastId: string;
}

export interface WatchlistOverlayStore {
  /** Writes changes (set and log) in one MULTI. */
  write(changes: readonly OverlayChange[]): Promise<void>;
  /** Full state of these chains plus where each log stands. */
  loadAll(chains: readonly string[]): Promise<{ readonly changes: readonly OverlayChange[]; readonly cursors: readonly OverlayCursor[] }>;
  /**
   * Changes logged after the cursors (one pipelined round trip). `reset` when the
   * log was trimmed past a cursor (a process far behind): the caller reloads with loadAll.
   */
  readSince(cursors: readonly OverlayCursor[]): Promise<{ readonly changes: readonly OverlayChange[]; readonly cursors: readonly OverlayCursor[]; readonly reset?: true }>;
}

/** The change log keeps this many entries per chain (the set itself is complete). */
export const DEFAULT_MAX_LOG_LENGTH = 1_000_000;

function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const e = BigInt(as) - BigInt(bs);
  return e === 0n ? 0 : e < 0n ? -1 : 1;
}

const READ_BATCH = 10_000;

export function createWatchlistOverlayStore(redis: Redis, prefix: string, options: { readonly maxLogLength?: number } = {}): WatchlistOverlayStore {
  const maxLogLength = options.maxLogLength ?? DEFAULT_MAX_LOG_LENGTH;
  const entriesKey = (chain: string): string => `${prefix}:overlay:${chain}:entries`;
  const logKey = (chain: string): string => `${prefix}:overlay:${chain}:log`;
  const fieldOf = (owner: string, matchKey: string): string => `${owner}|${matchKey}`;

  const parseEntry = (chain: string, value: string): OverlayEntry | undefined => {
    try {
      const e = JSON.parse(value) as OverlayEntry;
      return e.chain === chain && typeof e.matchKey === 'string' && typeof e.ref?.owner === 'string' ? e : undefined;
    } catch {
      return undefined;
    }
  };

  const fromLog = (chain: string, fields: string[]): OverlayChange | undefined => {
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i]!, fields[i + 1]!);
    const op = m.get('op');
    if (op === 'add') {
      const entry = parseEntry(chain, m.get('value') ?? '');
      return entry === undefined ? undefined : { op: 'add', entry };
    }
    if (op === 'remove') {
      const field = m.get('field') ?? '';
      const bar = field.lastIndexOf('|');
      return { op: 'remove', chain, owner: field.slice(0, bar), matchKey: field.slice(bar + 1) };
    }
    return undefined;
  };

  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new RetryableError('REDIS_UNAVAILABLE', `could not ${what} the watchlist overlay in Redis`, { cause: err });
    }
  };

  return {
    async write(changes) {
      if (changes.length === 0) return;
      await wrap('write', async () => {
        const multi = redis.multi();
        for (const c of changes) {
          if (c.op === 'add') {
            const value = JSON.stringify(c.entry);
            const field = fieldOf(c.entry.ref.owner, c.entry.matchKey);
            multi.hset(entriesKey(c.entry.chain), field, value);
            multi.xadd(logKey(c.entry.chain), 'MAXLEN', maxLogLength, '*', 'op', 'add', 'field', field, 'value', value);
          } else {
            const field = fieldOf(c.owner, c.matchKey);
            multi.hdel(entriesKey(c.chain), field);
            multi.xadd(logKey(c.chain), 'MAXLEN', maxLogLength, '*', 'op', 'remove', 'field', field);
          }
        }
        await multi.exec();
      });
    },
    async loadAll(chains) {
      return wrap('load', async () => {
        const changes: OverlayChange[] = [];
        const cursors: OverlayCursor[] = [];
        for (const chain of chains) {
          const res = await redis.multi().xrevrange(logKey(chain), '+', '-', 'COUNT', 1).hgetall(entriesKey(chain)).exec();
          const last = res?.[0]?.[1] as [string, string[]][] | undefined;
          const all = (res?.[1]?.[1] ?? {}) as Record<string, string>;
          for (const value of Object.values(all)) {
            const entry = parseEntry(chain, value);
            if (entry !== undefined) changes.push({ op: 'add', entry });
          }
          cursors.push({ chain, lastId: last?.[0]?.[0] ?? '0-0' });
        }
        return { changes, cursors };
      });
    },
    async readSince(cursors) {
      return wrap('read', async () => {
        const changes: OverlayChange[] = [];
        let pending = [...cursors];
        const done = new Map<string, string>();
        // Usually one pass; a burst above READ_BATCH per chain takes a few more.
        let reset = false;
        while (pending.length > 0) {
          const pipe = redis.pipeline();
          for (const c of pending) pipe.xrange(logKey(c.chain), '-', '+', 'COUNT', 1).xrange(logKey(c.chain), `(${c.lastId}`, '+', 'COUNT', READ_BATCH);
          const results = (await pipe.exec()) ?? [];
          const next: OverlayCursor[] = [];
          pending.forEach((c, i) => {
            const [firstErr, firstRows] = results[2 * i] ?? [null, []];
            const [err, rows] = results[2 * i + 1] ?? [null, []];
            if (err) throw err;
            if (firstErr) throw firstErr;
            // The oldest kept entry is newer than the cursor: the cursor's entry was trimmed, and
            // maybe entries after it too. Rare (a million changes behind): reload to be safe.
            const oldest = (firstRows as [string, string[]][])[0]?.[0];
            if (c.lastId !== '0-0' && oldest !== undefined && compareStreamIds(oldest, c.lastId) > 0) reset = true;
            const list = rows as [string, string[]][];
            let lastId = c.lastId;
            for (const [id, fields] of list) {
              const change = fromLog(c.chain, fields);
              if (change !== undefined) changes.push(change);
              lastId = id;
            }
            if (list.length === READ_BATCH) next.push({ chain: c.chain, lastId });
            else done.set(c.chain, lastId);
          });
          pending = reset ? [] : next;
        }
        if (reset) return { changes: [], cursors, reset: true };
        return { changes, cursors: cursors.map((c) => ({ chain: c.chain, lastId: done.get(c.chain) ?? c.lastId })) };
      });
    },
  };
}
