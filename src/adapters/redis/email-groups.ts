import type { Redis } from 'ioredis';

/**
 * Email groups in Redis (issue #8), Alertmanager style. Per group id:
 *   <p>:members:<gid>  SET   movement delivery keys ever added (a fan-out re-run adds nothing twice)
 *   <p>:pending:<gid>  LIST  movements waiting for the group's next email
 *   <p>:meta:<gid>     HASH  key, route, to, labels, seq (emails sent so far), lastFlushMs
 *   <p>:due            ZSET  gid -> when its next email is due
 *   <p>:sealed         HASH  "<gid>|<seq>" -> a sealed email's fixed content, until its job exists
 *   <p>:sent:<gid>     HASH  movement delivery key -> seq of the email it was sealed into (lifecycle
 *                            follow-ups reply to that email, issue #10)
 * Adding and sealing are Lua scripts, so they are atomic: every movement
 * lands in exactly one sealed batch, whatever the number of alerter replicas.
 * Every key a script touches is declared, and all share the prefix (a hash tag
 * under Redis Cluster keeps them on one slot).
 */
export interface EmailGroupMeta {
  readonly id: string;
  readonly key: string;
  readonly route: string;
  readonly to: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface SealedBatch {
  readonly group: EmailGroupMeta;
  readonly seq: number;
  /** The items as added (JSON strings), in arrival order. */
  readonly items: readonly string[];
}

export interface EmailGroupStore {
  /** Adds an item unless `memberKey` was added before; schedules the group's next email. True when added. */
  add(group: EmailGroupMeta, memberKey: string, item: string, nowMs: number, timing: { groupWaitMs: number; groupIntervalMs: number }): Promise<boolean>;
  /** Group ids whose email is due at `nowMs`. */
  due(nowMs: number, limit: number): Promise<readonly string[]>;
  /**
   * Atomically takes a due group's pending items into a new numbered batch; undefined if not due or empty.
   * `force` seals a group that is not due yet (a follow-up must not overtake the email it replies to).
   */
  seal(groupId: string, nowMs: number, options?: { readonly force?: boolean }): Promise<SealedBatch | undefined>;
  /** Whether the movement delivery key was ever added to the group (it was or will be emailed there). */
  isMember(groupId: string, memberKey: string): Promise<boolean>;
  /** The seq of the group email the member was sealed into; undefined while pending (or sealed before this was recorded). */
  sentIn(groupId: string, memberKey: string): Promise<number | undefined>;
  /** Batches sealed but not yet confirmed queued (after a crash). */
  unqueued(): Promise<readonly SealedBatch[]>;
  /** The batch's job exists: drop the copy. */
  confirmQueued(groupId: string, seq: number): Promise<void>;
}

const MEMBERS_TTL_MS = 30 * 24 * 3600_000;

const ADD = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[11])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], 'key', ARGV[7], 'route', ARGV[8], 'to', ARGV[9], 'labels', ARGV[10])
if redis.call('ZSCORE', KEYS[4], ARGV[6]) then return 1 end
local now = tonumber(ARGV[3])
local last = tonumber(redis.call('HGET', KEYS[3], 'lastFlushMs') or '-1')
local at = now + tonumber(ARGV[4])
if last >= 0 and now - last < tonumber(ARGV[5]) then at = last + tonumber(ARGV[5]) end
redis.call('ZADD', KEYS[4], at, ARGV[6])
return 1
`;

const SEAL = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return false end
if ARGV[3] ~= '1' and tonumber(score) > tonumber(ARGV[2]) then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
local items = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[2])
if #items == 0 then return false end
local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
redis.call('HSET', KEYS[3], 'lastFlushMs', ARGV[2])
for _, item in ipairs(items) do
  local ok, decoded = pcall(cjson.decode, item)
  if ok and type(decoded) == 'table' and type(decoded.movementJobId) == 'string' then
    redis.call('HSET', KEYS[5], decoded.movementJobId, seq)
  end
end
redis.call('PEXPIRE', KEYS[5], ARGV[4])
local meta = redis.call('HMGET', KEYS[3], 'key', 'route', 'to', 'labels')
local batch = cjson.encode({ id = ARGV[1], seq = seq, key = meta[1], route = meta[2], to = meta[3], labels = meta[4], items = items })
redis.call('HSET', KEYS[4], ARGV[1] .. '|' .. seq, batch)
return batch
`;

export function createEmailGroupStore(redis: Redis, prefix: string): EmailGroupStore {
  const p = `${prefix}:email-groups`;
  const k = {
    members: (g: string) => `${p}:members:${g}`,
    pending: (g: string) => `${p}:pending:${g}`,
    meta: (g: string) => `${p}:meta:${g}`,
    due: `${p}:due`,
    sealed: `${p}:sealed`,
    sent: (g: string) => `${p}:sent:${g}`,
  };
  const parseBatch = (json: string): SealedBatch => {
    const raw = JSON.parse(json) as { id: string; seq: number; key: string; route: string; to: string; labels: string; items: string[] | Record<string, never> };
    return {
      group: { id: raw.id, key: raw.key, route: raw.route, to: JSON.parse(raw.to) as string[], labels: JSON.parse(raw.labels) as Record<string, string> },
      seq: raw.seq,
      // cjson encodes an empty table as {}: never happens (empty groups are not sealed), but stay total.
      items: Array.isArray(raw.items) ? raw.items : [],
    };
  };
  return {
    async add(group, memberKey, item, nowMs, timing) {
      const added = await redis.eval(
        ADD,
        4,
        k.members(group.id),
        k.pending(group.id),
        k.meta(group.id),
        k.due,
        memberKey,
        item,
        String(nowMs),
        String(timing.groupWaitMs),
        String(timing.groupIntervalMs),
        group.id,
        group.key,
        group.route,
        JSON.stringify(group.to),
        JSON.stringify(group.labels),
        String(MEMBERS_TTL_MS),
      );
      return added === 1;
    },
    async due(nowMs, limit) {
      return redis.zrangebyscore(k.due, '-inf', String(nowMs), 'LIMIT', 0, limit);
    },
    async seal(groupId, nowMs, options) {
      const json = (await redis.eval(
        SEAL,
        5,
        k.due,
        k.pending(groupId),
        k.meta(groupId),
        k.sealed,
        k.sent(groupId),
        groupId,
        String(nowMs),
        options?.force === true ? '1' : '0',
        String(MEMBERS_TTL_MS),
      )) as string | null;
      return json === null ? undefined : parseBatch(json);
    },
    async isMember(groupId, memberKey) {
      return (await redis.sismember(k.members(groupId), memberKey)) === 1;
    },
    async sentIn(groupId, memberKey) {
      const seq = await redis.hget(k.sent(groupId), memberKey);
      return seq === null ? undefined : Number(seq);
    },
    async unqueued() {
      return Object.values(await redis.hgetall(k.sealed)).map(parseBatch);
    },
    async confirmQueued(groupId, seq) {
      await redis.hdel(k.sealed, `${groupId}|${seq}`);
    },
  };
}
