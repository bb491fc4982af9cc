import type { Redis } from 'ioredis';
import { RetryableError } from '../../core/errors.js';
import type { AddressLabel } from '../../core/labels/address-label.js';
import type { DerivedEntry, DerivedEntryStatus, FollowReadModel, IncidentTotals, IncidentTrail } from '../../core/follow/derived-entry.js';
import type { SinkEdge } from '../../core/follow/sink-edge.js';
import { buildIncidentTotals } from '../../core/follow/build-incident-totals.js';
import { buildIncidentTrail } from '../../core/follow/build-incident-trail.js';

/**
 * Derived entries (issue #11) in Redis, shared by every replica and kept across restarts:
 *   `<p>:follow:entries:<chain>`     hash matchKey -> JSON DerivedEntry (every status: expired and stopped are kept for the record)
 *   `<p>:follow:chains`              set of chains with entries
 *   `<p>:follow:incidents`           set of incidents with entries or sinks
 *   `<p>:follow:incident:<incident>` set `<chain>|<matchKey>` of its entries
 *   `<p>:follow:active:<incident>`   set `<chain>|<matchKey>` of its active entries (follow.maxPerIncident)
 *   `<p>:follow:sinks:<incident>`    hash `<movementId>|<leg>` -> JSON SinkEdge
 *   `<p>:follow:labels:<chain>`      hash matchKey -> JSON AddressLabel (runtime labels: deposit addresses found)
 *   `<p>:follow:labels:version`      counter bumped by every runtime label write
 *   `<p>:follow:applied:<id>`        movement ids already counted in an entry's balance (30 days), so a re-processed block counts once
 *   `<p>:follow:byblock:<chain>:<blockHash>` set of match keys with an evidence leg in that block (30 days): a reorg reads only the entries its orphaned blocks touch
 * Only a chain's lease holder writes that chain's entries; `follow stop` (the operator) writes too, so the
 * reorg retraction and corroborating evidence are compare-and-set in one Lua script (all or nothing), and
 * creating or restoring an entry writes it and its set memberships in one script.
 */
export interface DerivedEntryStore extends FollowReadModel {
  getMany(chain: string, matchKeys: readonly string[]): Promise<Map<string, DerivedEntry>>;
  /** Writes new entries unless one exists for the key already (a `retracted` one is overwritten: restored); returns those written. */
  create(entries: readonly DerivedEntry[]): Promise<readonly DerivedEntry[]>;
  /**
   * Read-decide-write of a chain's entries (`matchKeys`, or all), atomic: `decide` gets the entries
   * as stored and returns those to change; they are written only if none changed meanwhile (else
   * read and decided again). Returns the changes written.
   */
  update(chain: string, matchKeys: readonly string[] | undefined, decide: (entries: readonly DerivedEntry[]) => readonly DerivedEntry[]): Promise<readonly DerivedEntry[]>;
  /** Match keys of the entries with an evidence leg in one of these blocks (entries written before evidence was recorded are not indexed). */
  keysWithEvidenceIn(chain: string, blockHashes: readonly string[]): Promise<readonly string[]>;
  /** Overwrites entries (balance, lastSeen, status); keeps the active sets in step with status. */
  save(entries: readonly DerivedEntry[]): Promise<void>;
  /**
   * Writes balance and lastSeen of entries that are still active in Redis: an operator's
   * `follow stop` between the poller's read and this write is never undone.
   */
  saveBalances(entries: readonly DerivedEntry[]): Promise<void>;
  activeCount(incident: string): Promise<number>;
  recordSinks(edges: readonly SinkEdge[]): Promise<void>;
  sinks(incident: string): Promise<readonly SinkEdge[]>;
  /** Of these movement ids, those not counted before (and now marked counted). */
  claimMovements(ids: readonly string[]): Promise<ReadonlySet<string>>;
  allEntries(chain?: string): Promise<readonly DerivedEntry[]>;
  saveRuntimeLabels(labels: readonly { readonly matchKey: string; readonly label: AddressLabel }[]): Promise<void>;
  runtimeLabelsVersion(): Promise<number>;
  loadRuntimeLabels(): Promise<ReadonlyMap<string, AddressLabel>>;
}

const APPLIED_TTL_SECONDS = 30 * 86_400;

/** HSET only when the stored entry is still active (status is a fixed JSON field written by JSON.stringify). */
const SET_IF_ACTIVE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur or not string.find(cur, '"status":"active"', 1, true) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Creates an entry, or restores a retracted one, with its set memberships and evidence index, atomically.
 * KEYS: entries hash, chains, incidents, incident set, active set, then one `byblock` set per evidence block.
 * ARGV: matchKey, json, chain, incident, member, active ("1"/"0"), index ttl seconds.
 */
const CREATE_OR_RESTORE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and not string.find(cur, '"status":"retracted"', 1, true) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[5])
if ARGV[6] == '1' then redis.call('SADD', KEYS[5], ARGV[5]) else redis.call('SREM', KEYS[5], ARGV[5]) end
for i = 6, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[1])
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[7]))
end
return 1`;

/**
 * Compare-and-set of several entries of one chain: every field must still hold the JSON it was read
 * with, else nothing is written and the 1-based index of the first changed one is returned.
 * KEYS: entries hash, then each entry's active set, then the `byblock` sets of every entry's evidence, in order.
 * ARGV: n, index ttl seconds, then per entry: matchKey, expected, new, member, active ("1"/"0"), number of index keys.
 */
const COMPARE_AND_SET = `
local n = tonumber(ARGV[1])
for i = 0, n - 1 do
  local b = 3 + i * 6
  if redis.call('HGET', KEYS[1], ARGV[b]) ~= ARGV[b + 1] then return i + 1 end
end
local k = 2 + n
for i = 0, n - 1 do
  local b = 3 + i * 6
  redis.call('HSET', KEYS[1], ARGV[b], ARGV[b + 2])
  if ARGV[b + 4] == '1' then redis.call('SADD', KEYS[2 + i], ARGV[b + 3]) else redis.call('SREM', KEYS[2 + i], ARGV[b + 3]) end
  for j = 1, tonumber(ARGV[b + 5]) do
    redis.call('SADD', KEYS[k], ARGV[b])
    redis.call('EXPIRE', KEYS[k], tonumber(ARGV[2]))
    k = k + 1
  end
end
return 0`;

/** How long an evidence block stays indexed: far longer than any reorg the follower can see (128 blocks). */
const EVIDENCE_INDEX_TTL_SECONDS = 30 * 86_400;

const UPDATE_ATTEMPTS = 5;

export function createDerivedEntryStore(redis: Redis, prefix: string): DerivedEntryStore {
  const k = {
    entries: (chain: string) => `${prefix}:follow:entries:${chain}`,
    chains: `${prefix}:follow:chains`,
    incidents: `${prefix}:follow:incidents`,
    incident: (incident: string) => `${prefix}:follow:incident:${incident}`,
    active: (incident: string) => `${prefix}:follow:active:${incident}`,
    sinks: (incident: string) => `${prefix}:follow:sinks:${incident}`,
    labels: (chain: string) => `${prefix}:follow:labels:${chain}`,
    labelChains: `${prefix}:follow:labels:chains`,
    labelsVersion: `${prefix}:follow:labels:version`,
    applied: (id: string) => `${prefix}:follow:applied:${id}`,
    byBlock: (chain: string, blockHash: string) => `${prefix}:follow:byblock:${chain}:${blockHash.toLowerCase()}`,
  };
  /** The index keys of an entry's evidence blocks (recorded evidence only). */
  const indexKeysOf = (e: DerivedEntry): string[] => [...new Set((e.evidence ?? []).map((ev) => ev.blockHash).filter((h) => h !== ''))].map((h) => k.byBlock(e.chain, h));
  const member = (e: Pick<DerivedEntry, 'chain' | 'matchKey'>): string => `${e.chain}|${e.matchKey}`;

  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new RetryableError('REDIS_UNAVAILABLE', `could not ${what} derived entries in Redis`, { cause: err });
    }
  };
  const parse = (value: string | null | undefined): DerivedEntry | undefined => {
    if (value === null || value === undefined) return undefined;
    try {
      const e = JSON.parse(value) as DerivedEntry;
      return typeof e.matchKey === 'string' && typeof e.incident === 'string' ? e : undefined;
    } catch {
      return undefined;
    }
  };

  const getMany = (chain: string, matchKeys: readonly string[]): Promise<Map<string, DerivedEntry>> =>
    wrap('read', async () => {
      const out = new Map<string, DerivedEntry>();
      if (matchKeys.length === 0) return out;
      const values = await redis.hmget(k.entries(chain), ...matchKeys);
      matchKeys.forEach((key, i) => {
        const e = parse(values[i]);
        if (e !== undefined) out.set(key, e);
      });
      return out;
    });

  const entriesOf = async (incident: string): Promise<DerivedEntry[]> => {
    const members = await redis.smembers(k.incident(incident));
    const byChain = new Map<string, string[]>();
    for (const m of members) {
      const bar = m.indexOf('|');
      const list = byChain.get(m.slice(0, bar)) ?? [];
      list.push(m.slice(bar + 1));
      byChain.set(m.slice(0, bar), list);
    }
    const out: DerivedEntry[] = [];
    for (const [chain, keys] of byChain) out.push(...(await getMany(chain, keys)).values());
    return out;
  };

  const allEntries = (chain?: string): Promise<DerivedEntry[]> =>
    wrap('read', async () => {
      const chains = chain !== undefined ? [chain] : await redis.smembers(k.chains);
      const out: DerivedEntry[] = [];
      for (const c of chains) for (const v of Object.values(await redis.hgetall(k.entries(c)))) {
        const e = parse(v);
        if (e !== undefined) out.push(e);
      }
      return out;
    });

  const sinks = (incident: string): Promise<SinkEdge[]> =>
    wrap('read', async () => Object.values(await redis.hgetall(k.sinks(incident))).flatMap((v) => {
      try {
        return [JSON.parse(v) as SinkEdge];
      } catch {
        return [];
      }
    }));

  const order = (a: DerivedEntry, b: DerivedEntry): number => a.incident.localeCompare(b.incident) || a.hop - b.hop || a.firstSeen.localeCompare(b.firstSeen) || a.address.localeCompare(b.address);

  return {
    getMany,
    async getEntry(chain, matchKey) {
      return (await getMany(chain, [matchKey])).get(matchKey);
    },
    create: (entries) =>
      wrap('write', async () => {
        if (entries.length === 0) return [];
        const pipe = redis.pipeline();
        for (const e of entries) {
          const index = indexKeysOf(e);
          pipe.eval(CREATE_OR_RESTORE, 5 + index.length, k.entries(e.chain), k.chains, k.incidents, k.incident(e.incident), k.active(e.incident), ...index, e.matchKey, JSON.stringify(e), e.chain, e.incident, member(e), e.status === 'active' ? '1' : '0', String(EVIDENCE_INDEX_TTL_SECONDS));
        }
        const results = (await pipe.exec()) ?? [];
        results.forEach(([err]) => {
          if (err) throw err;
        });
        return entries.filter((_, i) => results[i]?.[1] === 1);
      }),
    update: (chain, matchKeys, decide) =>
      wrap('write', async () => {
        for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
          const raw = new Map<string, string>();
          if (matchKeys === undefined) for (const [key, value] of Object.entries(await redis.hgetall(k.entries(chain)))) raw.set(key, value);
          else if (matchKeys.length > 0) {
            const values = await redis.hmget(k.entries(chain), ...matchKeys);
            matchKeys.forEach((key, i) => {
              const v = values[i];
              if (v !== null && v !== undefined) raw.set(key, v);
            });
          }
          const entries = [...raw.values()].map(parse).filter((e): e is DerivedEntry => e !== undefined);
          const changed = decide(entries).filter((e) => e.chain === chain && raw.has(e.matchKey));
          if (changed.length === 0) return [];
          const indexes = changed.map(indexKeysOf);
          const keys = [k.entries(chain), ...changed.map((e) => k.active(e.incident)), ...indexes.flat()];
          const args = changed.flatMap((e, i) => [e.matchKey, raw.get(e.matchKey)!, JSON.stringify(e), member(e), e.status === 'active' ? '1' : '0', String(indexes[i]!.length)]);
          const conflict = await redis.eval(COMPARE_AND_SET, keys.length, ...keys, String(changed.length), String(EVIDENCE_INDEX_TTL_SECONDS), ...args);
          if (conflict === 0) return changed;
        }
        throw new Error(`derived entries of chain ${chain} kept changing during ${UPDATE_ATTEMPTS} attempts to update them`);
      }),
    save: (entries) =>
      wrap('write', async () => {
        if (entries.length === 0) return;
        const multi = redis.multi();
        for (const e of entries) {
          multi.hset(k.entries(e.chain), e.matchKey, JSON.stringify(e)).sadd(k.chains, e.chain).sadd(k.incidents, e.incident).sadd(k.incident(e.incident), member(e));
          if (e.status === 'active') multi.sadd(k.active(e.incident), member(e));
          else multi.srem(k.active(e.incident), member(e));
        }
        await multi.exec();
      }),
    saveBalances: (entries) =>
      wrap('write', async () => {
        if (entries.length === 0) return;
        const pipe = redis.pipeline();
        for (const e of entries) pipe.eval(SET_IF_ACTIVE, 1, k.entries(e.chain), e.matchKey, JSON.stringify(e));
        await pipe.exec();
      }),
    keysWithEvidenceIn: (chain, blockHashes) =>
      wrap('read', async () => (blockHashes.length === 0 ? [] : (await redis.sunion(...blockHashes.map((h) => k.byBlock(chain, h)))).sort())),
    activeCount: (incident) => wrap('read', () => redis.scard(k.active(incident))),
    recordSinks: (edges) =>
      wrap('write', async () => {
        if (edges.length === 0) return;
        const multi = redis.multi();
        for (const e of edges) multi.sadd(k.incidents, e.incident).hsetnx(k.sinks(e.incident), `${e.movementId}|${e.leg}`, JSON.stringify(e));
        await multi.exec();
      }),
    sinks,
    claimMovements: (ids) =>
      wrap('write', async () => {
        if (ids.length === 0) return new Set<string>();
        const pipe = redis.pipeline();
        for (const id of ids) pipe.set(k.applied(id), '1', 'EX', APPLIED_TTL_SECONDS, 'NX');
        const results = (await pipe.exec()) ?? [];
        return new Set(ids.filter((_, i) => results[i]?.[1] === 'OK'));
      }),
    allEntries,
    saveRuntimeLabels: (labels) =>
      wrap('write', async () => {
        if (labels.length === 0) return;
        const multi = redis.multi();
        for (const { matchKey, label } of labels) multi.hset(k.labels(label.chain), matchKey, JSON.stringify(label)).sadd(k.labelChains, label.chain);
        multi.incr(k.labelsVersion);
        await multi.exec();
      }),
    runtimeLabelsVersion: () => wrap('read', async () => Number((await redis.get(k.labelsVersion)) ?? '0')),
    loadRuntimeLabels: () =>
      wrap('read', async () => {
        const out = new Map<string, AddressLabel>();
        for (const chain of await redis.smembers(k.labelChains)) {
          for (const [key, value] of Object.entries(await redis.hgetall(k.labels(chain)))) {
            try {
              out.set(`${chain}|${key}`, JSON.parse(value) as AddressLabel);
            } catch {
              // A damaged runtime label is only a lost guess: skip it.
            }
          }
        }
        return out;
      }),
    incidents: () => wrap('read', async () => (await redis.smembers(k.incidents)).sort()),
    async listEntries(filter) {
      const all = await wrap('read', () => (filter.incident !== undefined ? entriesOf(filter.incident) : allEntries(filter.chain)));
      const matching = all
        .filter((e) => (filter.chain === undefined || e.chain === filter.chain) && (filter.incident === undefined || e.incident === filter.incident) && (filter.status === undefined || e.status === filter.status))
        .sort(order);
      const offset = filter.cursor !== undefined && /^\d+$/.test(filter.cursor) ? Number(filter.cursor) : 0;
      const limit = filter.limit ?? matching.length;
      const page = matching.slice(offset, offset + limit);
      return { entries: page, nextCursor: offset + limit < matching.length ? String(offset + limit) : null };
    },
    async incidentTotals(incident): Promise<IncidentTotals> {
      const [entries, edges] = await Promise.all([wrap('read', () => entriesOf(incident)), sinks(incident)]);
      return buildIncidentTotals(incident, entries, edges);
    },
    async incidentTrail(incident): Promise<IncidentTrail> {
      const [entries, edges] = await Promise.all([wrap('read', () => entriesOf(incident)), sinks(incident)]);
      return buildIncidentTrail(incident, entries, edges);
    },
  };
}

export type { DerivedEntryStatus };
