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
}

export function createDashboardSessionStore(redis: Redis, prefix: string): DashboardSessionStore {
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
  };
}
