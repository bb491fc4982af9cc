import type { Redis } from 'ioredis';
import type { DashboardMovement } from '../../core/dashboard/dashboard-movement.js';

/**
 * The dashboard's movement history (issue #12): one Redis Stream,
 * `<prefix>:dashboard:movements`, field `m` = JSON DashboardMovement. Entry ids
 * are Redis time ids, so a time range is an id range and the id is the paging
 * cursor and the SSE event id. Bounded twice: MAXLEN (newest win) and MINID
 * (older than the retention). `<prefix>:dashboard:seen:<key>` (same lifetime)
 * makes appending idempotent: a movement job retried or re-checked is stored once.
 */
export interface MovementHistoryStore {
  readonly streamKey: string;
  /** Appends unless this movement key was stored before; returns the entry id or null. */
  append(movement: DashboardMovement): Promise<string | null>;
  /** Newest first, ids strictly below `before` (exclusive) and at or above `sinceMs`. */
  readBackwards(options: { readonly before?: string; readonly untilMs?: number; readonly sinceMs?: number; readonly count: number }): Promise<readonly HistoryEntry[]>;
  /** Oldest first, ids strictly after `after`. */
  readAfter(after: string, count: number): Promise<readonly HistoryEntry[]>;
}

export interface HistoryEntry {
  readonly id: string;
  readonly movement: DashboardMovement;
}

export interface MovementHistoryOptions {
  readonly retentionMs: number;
  readonly maxEntries: number;
  readonly now?: () => number;
}

export const DEFAULT_HISTORY_RETENTION_DAYS = 30;
export const DEFAULT_HISTORY_MAX_ENTRIES = 100_000;

// MAXLEN is approximate (whole stream nodes, cheap); MINID is exact: the entries past retention sit at the head, so few go per append.
const APPEND = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'm', ARGV[1])
  redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])
  return id
end
return false`;

export function movementHistoryKey(prefix: string): string {
  return `${prefix}:dashboard:movements`;
}

export function createMovementHistoryStore(redis: Redis, prefix: string, options: MovementHistoryOptions): MovementHistoryStore {
  const streamKey = movementHistoryKey(prefix);
  const now = options.now ?? Date.now;
  return {
    streamKey,
    async append(movement) {
      const id = (await redis.eval(APPEND, 2, streamKey, `${prefix}:dashboard:seen:${movement.key}`, JSON.stringify(movement), options.maxEntries, options.retentionMs, now() - options.retentionMs)) as string | null;
      return id ?? null;
    },
    async readBackwards({ before, untilMs, sinceMs, count }) {
      const end = before !== undefined ? `(${before}` : untilMs !== undefined ? String(untilMs) : '+';
      const start = sinceMs !== undefined ? String(sinceMs) : '-';
      return parseEntries(await redis.xrevrange(streamKey, end, start, 'COUNT', count));
    },
    async readAfter(after, count) {
      return parseEntries(await redis.xrange(streamKey, `(${after}`, '+', 'COUNT', count));
    },
  };
}

export function parseEntries(raw: readonly [string, string[]][]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const [id, fields] of raw) {
    const i = fields.indexOf('m');
    const json = i >= 0 ? fields[i + 1] : undefined;
    if (json === undefined) continue;
    try {
      out.push({ id, movement: JSON.parse(json) as DashboardMovement });
    } catch {
      // A foreign or damaged entry is skipped, never shown half-parsed.
    }
  }
  return out;
}

/** Stream ids compare by (milliseconds, sequence). */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const e = BigInt(as) - BigInt(bs);
  return e === 0n ? 0 : e < 0n ? -1 : 1;
}
