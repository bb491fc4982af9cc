import type { Redis } from 'ioredis';
import type { OutpointStore, RememberedOutpoint } from '../../core/btc/outpoint-store.js';
import { RetryableError } from '../../core/errors.js';

/**
 * Bitcoin state in Redis, under the configured prefix:
 * - `<prefix>:btc:<chain>:outpoints`: hash `txid:vout` -> JSON {v: sats, k: script hex, a: address}.
 *   A whole block's inputs are looked up with one HMGET, so block cost does not
 *   grow with the watchlist. Entries are kept after being spent: an outpoint is
 *   spent at most once on the best chain, and keeping it lets a reorg that
 *   re-mines the spend find it again.
 * - `<prefix>:btc:<chain>:mempool-seen`: sorted set txid -> expiry (ms), so a
 *   mempool transaction is alerted once even across restarts. Only txids that
 *   matched (were alerted) and are still in the mempool are kept, at most
 *   `maxKept`: unrelated mempool traffic leaves nothing here.
 */
export function createRedisOutpointStore(redis: Redis, prefix: string, options: { now?: () => number } = {}): OutpointStore {
  const now = options.now ?? Date.now;
  const outpointsKey = (chain: string): string => `${prefix}:btc:${chain}:outpoints`;
  const seenKey = (chain: string): string => `${prefix}:btc:${chain}:mempool-seen`;
  const unavailable = (chain: string, what: string, err: unknown): RetryableError =>
    new RetryableError('REDIS_UNAVAILABLE', `could not ${what} for chain ${chain} in Redis`, { cause: err });

  return {
    async fetchMany(chain, keys) {
      const found = new Map<string, RememberedOutpoint>();
      if (keys.length === 0) return found;
      let values: (string | null)[];
      try {
        values = await redis.hmget(outpointsKey(chain), ...keys);
      } catch (err) {
        throw unavailable(chain, 'look up spent outpoints', err);
      }
      values.forEach((raw, i) => {
        if (raw === null) return;
        const key = keys[i]!;
        const sep = key.lastIndexOf(':');
        const v = JSON.parse(raw) as { v: string; k: string; a: string | null };
        found.set(key, { txid: key.slice(0, sep), vout: Number(key.slice(sep + 1)), value: BigInt(v.v), matchKey: v.k, address: v.a });
      });
      return found;
    },
    async saveMany(chain, outpoints) {
      if (outpoints.length === 0) return;
      const fields: string[] = [];
      for (const o of outpoints) fields.push(`${o.txid}:${o.vout}`, JSON.stringify({ v: o.value.toString(), k: o.matchKey, a: o.address }));
      try {
        await redis.hset(outpointsKey(chain), ...fields);
      } catch (err) {
        throw unavailable(chain, 'save watched outpoints', err);
      }
    },
    async filterUnseenMempoolTxids(chain, txids) {
      if (txids.length === 0) return [];
      let scores: (string | null)[];
      try {
        scores = await redis.zmscore(seenKey(chain), ...txids);
      } catch (err) {
        throw unavailable(chain, 'read alerted mempool txids', err);
      }
      const t = now();
      return txids.filter((_, i) => {
        const s = scores[i];
        return s === null || s === undefined || Number(s) <= t;
      });
    },
    async markMempoolTxidsSeen(chain, txids, ttlMs) {
      const t = now();
      const args: (string | number)[] = [];
      for (const txid of txids) args.push(t + ttlMs, txid);
      try {
        const pipeline = redis.multi().zremrangebyscore(seenKey(chain), '-inf', t);
        if (args.length > 0) pipeline.zadd(seenKey(chain), ...args);
        await pipeline.exec();
      } catch (err) {
        throw unavailable(chain, 'mark mempool txids as alerted', err);
      }
    },
    async pruneMempoolTxids(chain, inMempool, maxKept) {
      const key = seenKey(chain);
      try {
        // Expired ones, then the oldest beyond the cap (scores are expiries: the lowest ranks were alerted
        // first), so the read below is bounded even for a set grown by an older release.
        const [, , kept] = (await redis
          .multi()
          .zremrangebyscore(key, '-inf', now())
          .zremrangebyrank(key, 0, -(maxKept + 1))
          .zrange(key, 0, -1)
          .exec()) ?? [null, null, [null, []]];
        const members = Array.isArray(kept?.[1]) ? (kept[1] as string[]) : [];
        const current = new Set(inMempool);
        const gone = members.filter((t) => !current.has(t));
        if (gone.length > 0) {
          const tx = redis.multi();
          for (let i = 0; i < gone.length; i += 1000) tx.zrem(key, ...gone.slice(i, i + 1000));
          await tx.exec();
        }
        return members.length - gone.length;
      } catch (err) {
        throw unavailable(chain, 'forget mempool txids that left the mempool', err);
      }
    },
  };
}
