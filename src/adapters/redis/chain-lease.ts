import type { Redis } from 'ioredis';
import { RetryableError } from '../../core/errors.js';
import type { ChainLease } from '../../core/ports.js';

// Renew if we hold it, else take it only if free: one atomic step, so two replicas never both succeed.
const HOLD = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;
// Delete only our own lease, never one a standby has taken since ours expired.
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

/** Poller leases in Redis: `<prefix>:lease:<chain>` holds the owner id, with a TTL. */
export function createRedisChainLease(redis: Redis, prefix: string, options: { owner: string; ttlMs: (chain: string) => number }): ChainLease {
  const keyOf = (chain: string): string => `${prefix}:lease:${chain}`;
  return {
    async hold(chain) {
      try {
        return (await redis.eval(HOLD, 1, keyOf(chain), options.owner, String(options.ttlMs(chain)))) === 1;
      } catch (err) {
        throw new RetryableError('REDIS_UNAVAILABLE', `could not renew the poller lease of chain ${chain} in Redis`, { cause: err });
      }
    },
    async release(chain) {
      try {
        await redis.eval(RELEASE, 1, keyOf(chain), options.owner);
      } catch {
        // It expires on its own; a failed release only delays a standby by one TTL.
      }
    },
  };
}
