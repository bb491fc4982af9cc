import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Delivery records: one per (event, subscription), kept after the queue job is
 * gone, so tenants read their delivery log and replay from it.
 *   `<prefix>:dlv:<id>`                   JSON DeliveryRecord (with the exact body sent)
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
  /** The exact JSON body, signed anew on every attempt. */
  readonly body: string;
}

export type NewDelivery = Omit<DeliveryRecord, 'seq' | 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt' | 'latencyMs' | 'replays' | 'jobId'> & {
  /** The queue job that owns the new record (default: its own id, one job per delivery). */
  readonly jobId?: string;
  /** A batch job that owns it: the id joins the batch's member set in the same atomic step as the record. */
  readonly batchId?: string;
};

export type DeliveryPatch = Partial<Omit<DeliveryRecord, 'id' | 'subscriptionId' | 'tenantId' | 'seq' | 'body' | 'webhookId'>>;

export interface DeliveryStore {
  /** Creates the records that do not exist yet (idempotent by id); returns the ids created. Two round trips for any number. */
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

// KEYS[5] is the batch member set when ARGV[5] (its time to live, ms) is not 0: record and membership
// are written together, so a batch job never misses a record it owns.
const CREATE_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
  if ARGV[5] ~= '0' then
    redis.call('SADD', KEYS[5], ARGV[4])
    redis.call('PEXPIRE', KEYS[5], ARGV[5])
  end
  return 1
end
return 0`;

const UPDATE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1])
if KEYS[2] ~= KEYS[3] then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
end
return 1`;

/** A batch's member set outlives any sane batch job; the job deletes it when done. */
const BATCH_TTL_MS = 30 * 24 * 60 * 60_000;

export function createDeliveryStore(redis: Redis, prefix: string): DeliveryStore {
  const recKey = (id: string): string => `${prefix}:dlv:${id}`;
  const allKey = (sub: string): string => `${prefix}:sub-dlv:${sub}`;
  const statusKey = (sub: string, status: DeliveryStatus): string => `${prefix}:sub-dlv:${sub}:${status}`;
  const timeKey = (sub: string): string => `${prefix}:sub-dlv-t:${sub}`;
  const batchKey = (batchId: string): string => `${prefix}:dlv-batch:${batchId}`;
  const seqKey = `${prefix}:dlv-seq`;
  const parse = (raw: string | null | undefined): DeliveryRecord | undefined => (raw === null || raw === undefined ? undefined : (JSON.parse(raw) as DeliveryRecord));

  // EVALSHA in the fan-out pipeline: a thousand deliveries do not write the script text a thousand times.
  if (!('chainwatchCreateDeliveryV2' in redis)) redis.defineCommand('chainwatchCreateDeliveryV2', { numberOfKeys: 5, lua: CREATE_SCRIPT });
  const createScript = {
    chainwatchCreateDelivery: (pipe: ChainableCommander, ...args: (string | number)[]): void => {
      (pipe as ChainableCommander & { chainwatchCreateDeliveryV2(...a: (string | number)[]): ChainableCommander }).chainwatchCreateDeliveryV2(...args);
    },
  };

  if (!('chainwatchUpdateDelivery' in redis)) redis.defineCommand('chainwatchUpdateDelivery', { numberOfKeys: 3, lua: UPDATE_SCRIPT });
  const updateScript = {
    chainwatchUpdateDelivery: (pipe: ChainableCommander, ...args: (string | number)[]): void => {
      (pipe as ChainableCommander & { chainwatchUpdateDelivery(...a: (string | number)[]): ChainableCommander }).chainwatchUpdateDelivery(...args);
    },
  };

  const store: DeliveryStore = {
    async createMany(records) {
      if (records.length === 0) return new Set();
      const top = await redis.incrby(seqKey, records.length);
      const first = top - records.length + 1;
      const pipe = redis.pipeline();
      records.forEach(({ batchId, jobId, ...r }, i) => {
        const rec: DeliveryRecord = { ...r, seq: first + i, status: 'pending', attempts: 0, lastStatusCode: null, lastError: null, nextAttemptAt: null, latencyMs: null, replays: 0, jobId: jobId ?? r.id };
        const members = batchId === undefined ? recKey(r.id) : batchKey(batchId);
        createScript.chainwatchCreateDelivery(pipe, recKey(r.id), allKey(r.subscriptionId), statusKey(r.subscriptionId, 'pending'), timeKey(r.subscriptionId), members, JSON.stringify(rec), rec.seq, Date.parse(r.createdAt), r.id, batchId === undefined ? 0 : BATCH_TTL_MS);
      });
      const results = (await pipe.exec()) ?? [];
      const created = new Set<string>();
      records.forEach((r, i) => {
        const [err, value] = results[i] ?? [null, 0];
        if (err) throw err;
        if (value === 1) created.add(r.id);
      });
      return created;
    },
    async get(id) {
      return parse(await redis.get(recKey(id)));
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await redis.mget(ids.map(recKey))).map(parse);
    },
    async update(id, patch) {
      const before = await store.get(id);
      if (before === undefined) return undefined;
      return (await store.updateMany([{ before, patch }]))[0];
    },
    async updateMany(updates) {
      if (updates.length === 0) return [];
      // One script call per record (record and status index change together), all in one pipeline:
      // a third of the commands a MULTI of SET, ZREM and ZADD would queue, for a batch's thousand outcomes.
      const pipe = redis.pipeline();
      const written = updates.map(({ before, patch }) => {
        const after: DeliveryRecord = { ...before, ...patch };
        updateScript.chainwatchUpdateDelivery(pipe, recKey(before.id), statusKey(before.subscriptionId, before.status), statusKey(before.subscriptionId, after.status), JSON.stringify(after), before.seq, before.id);
        return after;
      });
      for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
      return written;
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
      const data = raws.map(parse).filter((r): r is DeliveryRecord => r !== undefined);
      const last = data[data.length - 1];
      return { data, nextCursor: ids.length > limit && last !== undefined ? last.seq : null };
    },
    async prune(subscriptionId, before, limit = 1000) {
      const ids = await redis.zrangebyscore(timeKey(subscriptionId), '-inf', `(${before.getTime()}`, 'LIMIT', 0, limit);
      if (ids.length === 0) return 0;
      const records = (await redis.mget(ids.map(recKey))).map(parse);
      // A record still being delivered (pending, or failed with a retry ahead) is kept until it settles.
      const gone = ids.filter((_, i) => records[i] === undefined || records[i].status === 'succeeded' || records[i].status === 'dead');
      if (gone.length === 0) return 0;
      const multi = redis.multi().del(...gone.map(recKey)).zrem(allKey(subscriptionId), ...gone).zrem(timeKey(subscriptionId), ...gone);
      for (const status of DELIVERY_STATUSES) multi.zrem(statusKey(subscriptionId, status), ...gone);
      await multi.exec();
      return gone.length;
    },
    async count(subscriptionId) {
      return redis.zcard(timeKey(subscriptionId));
    },
    async listSince(subscriptionId, since) {
      const ids = await redis.zrangebyscore(timeKey(subscriptionId), since.getTime(), '+inf');
      const out: DeliveryRecord[] = [];
      for (let i = 0; i < ids.length; i += 1000) {
        const raws = await redis.mget(ids.slice(i, i + 1000).map(recKey));
        for (const r of raws) {
          const rec = parse(r);
          if (rec !== undefined) out.push(rec);
        }
      }
      return out;
    },
  };
  return store;
}
