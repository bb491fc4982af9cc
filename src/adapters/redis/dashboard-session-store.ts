import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Dashboard login sessions (issue #12): the cookie carries a random opaque id;
 * Redis keeps only its SHA-256 (`<prefix>:dashboard:session:<hash>`) with an
 * expiry, so neither the operator token nor a usable id sits in Redis.
 */
export interface DashboardSessionStore {
  create(ttlMs: number): Promise<string>;
  isValid(sessionId: string): Promise<boolean>;
  remove(sessionId: string): Promise<void>;
  /** Failed logins from one client in the current minute (shared by every API replica), counting this one. */
  countLoginFailure(client: string, now: number): Promise<{ readonly failures: number; readonly retryAfterSeconds: number }>;
  /** Failed logins from one client in the current minute, without counting. */
  loginFailures(client: string, now: number): Promise<{ readonly failures: number; readonly retryAfterSeconds: number }>;
}

export function createDashboardSessionStore(redis: Redis, prefix: string): DashboardSessionStore {
  // A fixed one-minute window per client address, like the tenant API's rate limit.
  const failKey = (client: string, now: number): string => `${prefix}:dashboard:login-fail:${client}:${Math.floor(now / 60_000)}`;
  const secondsLeft = (now: number): number => Math.max(1, Math.ceil((Math.floor(now / 60_000) + 1) * 60 - now / 1000));
  const key = (id: string): string => `${prefix}:dashboard:session:${createHash('sha256').update(id).digest('hex')}`;
  return {
    async create(ttlMs) {
      const id = randomBytes(32).toString('base64url');
      await redis.set(key(id), '1', 'PX', ttlMs);
      return id;
    },
    async isValid(id) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return false;
      return (await redis.exists(key(id))) === 1;
    },
    async remove(id) {
      await redis.del(key(id));
    },
    async countLoginFailure(client, now) {
      const k = failKey(client, now);
      const res = await redis.multi().incr(k).pexpire(k, 120_000).exec();
      return { failures: Number(res?.[0]?.[1] ?? 0), retryAfterSeconds: secondsLeft(now) };
    },
    async loginFailures(client, now) {
      return { failures: Number((await redis.get(failKey(client, now))) ?? 0), retryAfterSeconds: secondsLeft(now) };
    },
  };
}
