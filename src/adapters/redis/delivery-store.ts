import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Delivery records: one per (event, subscription), kept after the queue job is
 * gone, so tenants read their delivery log and replay from it.
 *   `<prefix>:dlv:<id>`                   JSON DeliveryRecord without its body (`bodyRef` names it);
 *                                         records written before bodies were shared hold `body` inline
 *   `<prefix>:dlv-body:<ref>`             hash {body, refs}: one signed body, stored once for every record
 *                                         of one (event, tenant) (ref = its SHA-256), and how many records
 *                                         refer to it; deleted with the last of them (retention)
 *   `<prefix>:sub-dlv:<sub>`              zset id by sequence (newest first listing)
 *   `<prefix>:sub-dlv:<sub>:<status>`     zset id by sequence, per status
 *   `<prefix>:sub-dlv-t:<sub>`            zset id by creation time (replay since)
 *   `<prefix>:dlv-batch:<batch>`          set of the ids one batch delivery job owns (fan-out)
 * Sequence numbers come from one counter, so a cursor (the last sequence seen)
 * never skips or repeats a record while new ones arrive.
 */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryRecord {
  readonly id: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  /** The `webhook-id` header: the same on every attempt and replay. */
  readonly webhookId: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly latencyMs: number | null;
  readonly seq: number;
  /** Times it was replayed (each replay is a new queue job for the same record). */
  readonly replays: number;
  /** The queue job that owns the record now; an older job (superseded by a replay) does nothing. */
  readonly jobId: string;
  /** The exact JSON body, signed anew on every attempt ('' if its stored copy is missing, which noeviction rules out). */
  readonly body: string;
  /** Where the body is stored (shared by the records of one event and tenant); absent for records of the older inline format. */
  readonly bodyRef?: string;
}

export type NewDelivery = Omit<DeliveryRecord, 'seq' | 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt' | 'latencyMs' | 'replays' | 'jobId' | 'bodyRef'> & {
  /** The queue job that owns the new record (default: its own id, one job per delivery). */
  readonly jobId?: string;
  /** A batch job that owns it: the id joins the batch's member set in the same atomic step as the record. */
  readonly batchId?: string;
};

export type DeliveryPatch = Partial<Omit<DeliveryRecord, 'id' | 'subscriptionId' | 'tenantId' | 'seq' | 'body' | 'bodyRef' | 'webhookId'>>;

export interface DeliveryStore {
  /**
   * Creates the records that do not exist yet (idempotent by id); returns the ids created. Two round trips
   * for any number; each distinct body is written once, and only when a record created refers to it.
   */
  createMany(records: readonly NewDelivery[]): Promise<ReadonlySet<string>>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  /** Records by id, in order (undefined where none); one round trip. */
  getMany(ids: readonly string[]): Promise<readonly (DeliveryRecord | undefined)[]>;
  update(id: string, patch: DeliveryPatch): Promise<DeliveryRecord | undefined>;
  /**
   * Applies patches to records the caller has just read (no read here): one atomic round trip for
   * the outcomes of a whole batch. Returns the records written.
   */
  updateMany(updates: readonly { readonly before: DeliveryRecord; readonly patch: DeliveryPatch }[]): Promise<readonly DeliveryRecord[]>;
  /** Ids a batch job owns (its member set, written with the records). */
  listBatch(batchId: string): Promise<readonly string[]>;
  /** Forgets a finished batch's member set (its records stay). */
  deleteBatch(batchId: string): Promise<void>;
  /** Newest first; `cursor` is the last `seq` of the previous page. */
  list(subscriptionId: string, options: { status?: DeliveryStatus; cursor?: number; limit: number }): Promise<{ readonly data: readonly DeliveryRecord[]; readonly nextCursor: number | null }>;
  /** Every record created at or after `since`, oldest first. */
  listSince(subscriptionId: string, since: Date): Promise<readonly DeliveryRecord[]>;
  /**
   * Deletes a subscription's settled records (succeeded, dead) created before `before` (retention),
   * with their index entries; at most `limit` per call. Returns how many were deleted.
   */
  prune(subscriptionId: string, before: Date, limit?: number): Promise<number>;
  /** How many records a subscription still has. */
  count(subscriptionId: string): Promise<number>;
}


/**
 * Creates up to CREATE_CHUNK records in one call, each only if its id is new: record, indexes, batch
 * membership and a reference to its body together, so a batch job never misses a record it owns and a
 * body is counted once per record that exists. A body is written by the first record that refers to it.
 * ARGV: records, distinct bodies, those bodies, then per record: JSON, seq, creation ms, id, batch set
 * time to live (ms; 0 = no batch), index of its body. KEYS per record: record, all, pending and time
 * indexes, batch set (the record key when none), body hash.
 */
const CREATE_SCRIPT = `
local n = tonumber(ARGV[1])
local bodies = tonumber(ARGV[2])
local created = {}
local refs = {}
local ttls = {}
for i = 0, n - 1 do
  local k = i * 6
  local a = 2 + bodies + i * 6
  if redis.call('SET', KEYS[k + 1], ARGV[a + 1], 'NX') then
    redis.call('ZADD', KEYS[k + 2], ARGV[a + 2], ARGV[a + 4])
    redis.call('ZADD', KEYS[k + 3], ARGV[a + 2], ARGV[a + 4])
    redis.call('ZADD', KEYS[k + 4], ARGV[a + 3], ARGV[a + 4])
    if ARGV[a + 5] ~= '0' then
      redis.call('SADD', KEYS[k + 5], ARGV[a + 4])
      ttls[KEYS[k + 5]] = ARGV[a + 5]
    end
    local body = KEYS[k + 6]
    if refs[body] == nil then refs[body] = { 0, ARGV[2 + tonumber(ARGV[a + 6])] } end
    refs[body][1] = refs[body][1] + 1
    created[i + 1] = 1
  else
    created[i + 1] = 0
  end
end
-- Once per batch set and per body, not per record.
for key, ttl in pairs(ttls) do redis.call('PEXPIRE', key, ttl) end
for key, ref in pairs(refs) do
  if redis.call('HINCRBY', key, 'refs', ref[1]) == ref[1] then redis.call('HSET', key, 'body', ref[2]) end
end
return created`;

/**
 * Writes records changed by the caller, each with its status index, in one call. XX: a record pruned
 * meanwhile is not brought back (without its indexes and body). KEYS per record: record, status index
 * before, after; ARGV per record: JSON, seq, id.
 */
const UPDATE_SCRIPT = `
for i = 0, #KEYS / 3 - 1 do
  local k = i * 3
  if redis.call('SET', KEYS[k + 1], ARGV[k + 1], 'XX') and KEYS[k + 2] ~= KEYS[k + 3] then
    redis.call('ZREM', KEYS[k + 2], ARGV[k + 3])
    redis.call('ZADD', KEYS[k + 3], ARGV[k + 2], ARGV[k + 3])
  end
end
return 1`;

/**
 * Deletes records with their index entries and drops their reference to the body, deleting the body
 * with its last record (a record already gone does not count twice). KEYS: all, time and the four status
 * indexes, then per record: record, body hash (the record key again when the body is inline). ARGV: ids.
 */
const PRUNE_SCRIPT = `
for i = 1, #ARGV do
  local rec = KEYS[5 + i * 2]
  local body = KEYS[6 + i * 2]
  if redis.call('DEL', rec) == 1 and body ~= rec then
    if redis.call('HINCRBY', body, 'refs', -1) <= 0 then redis.call('DEL', body) end
  end
  for s = 1, 6 do redis.call('ZREM', KEYS[s], ARGV[i]) end
end
return 1`;

/** Records per create or update call: bounds the arguments of one script call (and how long it holds Redis). */
const SCRIPT_CHUNK = 100;

/** A batch's member set outlives any sane batch job; the job deletes it when done. */
const BATCH_TTL_MS = 30 * 24 * 60 * 60_000;

/** As stored: new records name their body (`bodyRef`), older ones carry it inline. */
type StoredRecord = Omit<DeliveryRecord, 'body'> & { body?: string };

/**
 * A record with a patch applied, built as one object literal in a fixed field order: JSON.stringify
 * takes its fast path on such objects and is many times slower on objects built by spreading
 * (1,000 records: about 1-2 ms against 25-50 ms here). An undefined patch field keeps the old value;
 * `body` is the record's body, or undefined for the stored form of a record whose body is stored apart.
 */
function applyPatch<Body extends string | undefined>(r: DeliveryRecord, patch: DeliveryPatch, body: Body): Omit<DeliveryRecord, 'body'> & { body: Body } {
  return {
    id: r.id,
    subscriptionId: r.subscriptionId,
    tenantId: r.tenantId,
    webhookId: r.webhookId,
    type: r.type,
    status: patch.status ?? r.status,
    attempts: patch.attempts ?? r.attempts,
    lastStatusCode: patch.lastStatusCode !== undefined ? patch.lastStatusCode : r.lastStatusCode,
    lastError: patch.lastError !== undefined ? patch.lastError : r.lastError,
    nextAttemptAt: patch.nextAttemptAt !== undefined ? patch.nextAttemptAt : r.nextAttemptAt,
    createdAt: r.createdAt,
    latencyMs: patch.latencyMs !== undefined ? patch.latencyMs : r.latencyMs,
    seq: r.seq,
    replays: patch.replays ?? r.replays,
    jobId: patch.jobId ?? r.jobId,
    body,
    bodyRef: r.bodyRef,
  };
}

type ScriptCaller = (numKeys: number, ...args: (string | number)[]) => unknown;

export function createDeliveryStore(redis: Redis, prefix: string): DeliveryStore {
  const recKey = (id: string): string => `${prefix}:dlv:${id}`;
  const allKey = (sub: string): string => `${prefix}:sub-dlv:${sub}`;
  const statusKey = (sub: string, status: DeliveryStatus): string => `${prefix}:sub-dlv:${sub}:${status}`;
  const timeKey = (sub: string): string => `${prefix}:sub-dlv-t:${sub}`;
  const batchKey = (batchId: string): string => `${prefix}:dlv-batch:${batchId}`;
  const bodyKey = (ref: string): string => `${prefix}:dlv-body:${ref}`;
  const seqKey = `${prefix}:dlv-seq`;
  const parse = (raw: string | null | undefined): StoredRecord | undefined => (raw === null || raw === undefined ? undefined : (JSON.parse(raw) as StoredRecord));

  // EVALSHA (ioredis sends the script text again only after a NOSCRIPT); the key count varies per call.
  for (const [name, lua] of [['chainwatchCreateDeliveriesV3', CREATE_SCRIPT], ['chainwatchUpdateDeliveriesV3', UPDATE_SCRIPT], ['chainwatchPruneDeliveriesV3', PRUNE_SCRIPT]] as const) {
    if (!(name in redis)) redis.defineCommand(name, { lua });
  }
  const script = (target: Redis | ChainableCommander, name: string): ScriptCaller => {
    const fn = (target as unknown as Record<string, ScriptCaller>)[name]!;
    return fn.bind(target);
  };

  /** Fills in the bodies of records that name theirs: one read per distinct body. */
  const withBodies = async (stored: readonly (StoredRecord | undefined)[]): Promise<(DeliveryRecord | undefined)[]> => {
    const refs = [...new Set(stored.flatMap((r) => (r !== undefined && r.body === undefined && r.bodyRef !== undefined ? [r.bodyRef] : [])))];
    const bodies = new Map<string, string>();
    if (refs.length === 1) bodies.set(refs[0]!, (await redis.hget(bodyKey(refs[0]!), 'body')) ?? '');
    else if (refs.length > 1) {
      const pipe = redis.pipeline();
      for (const ref of refs) pipe.hget(bodyKey(ref), 'body');
      const results = (await pipe.exec()) ?? [];
      refs.forEach((ref, i) => {
        const [err, body] = results[i] ?? [null, null];
        if (err) throw err;
        bodies.set(ref, typeof body === 'string' ? body : '');
      });
    }
    // In place: the objects were just parsed here, and adding a field keeps them fast to serialise again.
    for (const r of stored) if (r !== undefined && r.body === undefined) (r as { body?: string }).body = bodies.get(r.bodyRef ?? '') ?? '';
    return stored as (DeliveryRecord | undefined)[];
  };
  const store: DeliveryStore = {
    async createMany(records) {
      if (records.length === 0) return new Set();
      const top = await redis.incrby(seqKey, records.length);
      const first = top - records.length + 1;
      // The same body (one event, one tenant) is hashed once, however many records carry it.
      const refOf = new Map<string, string>();
      // Each chunk is sent as soon as it is built (not one pipeline at the end), so Redis runs the first
      // while the next ones are serialised.
      const create = script(redis, 'chainwatchCreateDeliveriesV3');
      const calls: Promise<unknown>[] = [];
      for (let start = 0; start < records.length; start += SCRIPT_CHUNK) {
        const chunk = records.slice(start, start + SCRIPT_CHUNK);
        const bodies: string[] = [];
        const bodyIndex = new Map<string, number>();
        const keys: string[] = [];
        const args: (string | number)[] = [];
        chunk.forEach((r, i) => {
          const { body, batchId } = r;
          let ref = refOf.get(body);
          if (ref === undefined) refOf.set(body, (ref = createHash('sha256').update(body).digest('hex')));
          let index = bodyIndex.get(body);
          if (index === undefined) bodyIndex.set(body, (index = bodies.push(body)));
          const seq = first + start + i;
          const rec: StoredRecord = { id: r.id, subscriptionId: r.subscriptionId, tenantId: r.tenantId, webhookId: r.webhookId, type: r.type, status: 'pending', attempts: 0, lastStatusCode: null, lastError: null, nextAttemptAt: null, createdAt: r.createdAt, latencyMs: null, seq, replays: 0, jobId: r.jobId ?? r.id, body: undefined, bodyRef: ref };
          keys.push(recKey(r.id), allKey(r.subscriptionId), statusKey(r.subscriptionId, 'pending'), timeKey(r.subscriptionId), batchId === undefined ? recKey(r.id) : batchKey(batchId), bodyKey(ref));
          args.push(JSON.stringify(rec), seq, Date.parse(r.createdAt), r.id, batchId === undefined ? 0 : BATCH_TTL_MS, index);
        });
        calls.push(create(keys.length, ...keys, chunk.length, bodies.length, ...bodies, ...args) as Promise<unknown>);
      }
      const results = await Promise.all(calls);
      const created = new Set<string>();
      results.forEach((flags, c) => {
        (flags as number[]).forEach((flag, i) => {
          if (flag === 1) created.add(records[c * SCRIPT_CHUNK + i]!.id);
        });
      });
      return created;
    },
    async get(id) {
      return (await withBodies([parse(await redis.get(recKey(id)))]))[0];
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return withBodies((await redis.mget(ids.map(recKey))).map(parse));
    },
    async update(id, patch) {
      const before = await store.get(id);
      if (before === undefined) return undefined;
      return (await store.updateMany([{ before, patch }]))[0];
    },
    async updateMany(updates) {
      if (updates.length === 0) return [];
      // One script call per SCRIPT_CHUNK records (record and status index change together): a batch's
      // outcomes cost a command or two, not three per record.
      const written = updates.map(({ before, patch }) => ({ before, after: applyPatch(before, patch, before.body) }));
      const calls: (string | number)[][] = [];
      for (let start = 0; start < written.length; start += SCRIPT_CHUNK) {
        const keys: string[] = [];
        const args: (string | number)[] = [];
        for (const { before, after } of written.slice(start, start + SCRIPT_CHUNK)) {
          keys.push(recKey(before.id), statusKey(before.subscriptionId, before.status), statusKey(before.subscriptionId, after.status));
          args.push(JSON.stringify(after.bodyRef === undefined ? after : applyPatch(after, {}, undefined)), before.seq, before.id);
        }
        calls.push([keys.length, ...keys, ...args]);
      }
      // A pipeline only when there are several calls: building one costs more than the call itself.
      if (calls.length === 1) await script(redis, 'chainwatchUpdateDeliveriesV3')(...(calls[0] as [number, ...(string | number)[]]));
      else {
        const pipe = redis.pipeline();
        const update = script(pipe, 'chainwatchUpdateDeliveriesV3');
        for (const call of calls) update(...(call as [number, ...(string | number)[]]));
        for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
      }
      return written.map(({ after }) => after);
    },
    async listBatch(batchId) {
      return redis.smembers(batchKey(batchId));
    },
    async deleteBatch(batchId) {
      await redis.del(batchKey(batchId));
    },
    async list(subscriptionId, { status, cursor, limit }) {
      const key = status === undefined ? allKey(subscriptionId) : statusKey(subscriptionId, status);
      const max = cursor === undefined ? '+inf' : `(${cursor}`;
      const ids = await redis.zrevrangebyscore(key, max, '-inf', 'LIMIT', 0, limit + 1);
      const page = ids.slice(0, limit);
      const raws = page.length === 0 ? [] : await redis.mget(page.map(recKey));
      const data = (await withBodies(raws.map(parse))).filter((r): r is DeliveryRecord => r !== undefined);
      const last = data[data.length - 1];
      return { data, nextCursor: ids.length > limit && last !== undefined ? last.seq : null };
    },
    async prune(subscriptionId, before, limit = 1000) {
      const ids = await redis.zrangebyscore(timeKey(subscriptionId), '-inf', `(${before.getTime()}`, 'LIMIT', 0, limit);
      if (ids.length === 0) return 0;
      const records = (await redis.mget(ids.map(recKey))).map(parse);
      // A record still being delivered (pending, or failed with a retry ahead) is kept until it settles.
      const gone = ids.flatMap((id, i) => {
        const rec = records[i];
        return rec === undefined || rec.status === 'succeeded' || rec.status === 'dead' ? [{ id, bodyRef: rec?.body === undefined ? rec?.bodyRef : undefined }] : [];
      });
      if (gone.length === 0) return 0;
      const keys = [allKey(subscriptionId), timeKey(subscriptionId), ...DELIVERY_STATUSES.map((s) => statusKey(subscriptionId, s))];
      for (const { id, bodyRef } of gone) keys.push(recKey(id), bodyRef === undefined ? recKey(id) : bodyKey(bodyRef));
      await script(redis, 'chainwatchPruneDeliveriesV3')(keys.length, ...keys, ...gone.map((g) => g.id));
      return gone.length;
    },
    async count(subscriptionId) {
      return redis.zcard(timeKey(subscriptionId));
    },
    async listSince(subscriptionId, since) {
      const ids = await redis.zrangebyscore(timeKey(subscriptionId), since.getTime(), '+inf');
      const out: DeliveryRecord[] = [];
      for (let i = 0; i < ids.length; i += 1000) {
        const recs = await withBodies((await redis.mget(ids.slice(i, i + 1000).map(recKey))).map(parse));
        for (const rec of recs) if (rec !== undefined) out.push(rec);
      }
      return out;
    },
  };
  return store;
}
