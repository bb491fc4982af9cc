import { Cluster, Redis } from 'ioredis';
import { RetryableError, redactUrl } from '../../core/errors.js';
import { parseRedisTarget, type RedisTarget } from '../../core/parse-redis-target.js';

export interface RedisConnectionOptions {
  /** How long the first connection may take before start fails (default 5000). */
  readonly connectTimeoutMs?: number;
}

/**
 * Opens the ioredis connection BullMQ queues and workers share.
 * `maxRetriesPerRequest: null` is what BullMQ workers require (a blocked
 * command must wait through a reconnect rather than fail), and
 * `enableReadyCheck` waits until Redis has loaded its dataset.
 * Start fails fast with a clear, redacted message if Redis is unreachable;
 * after that, ioredis reconnects on its own.
 */
export async function createRedisConnection(target: string | RedisTarget, options: RedisConnectionOptions = {}): Promise<Redis> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const resolved = typeof target === 'string' ? parseRedisTarget(target) : target;
  const common = { maxRetriesPerRequest: null, enableReadyCheck: true, connectTimeout: connectTimeoutMs } as const;
  const redis = openClient(resolved, common);
  const where = describeTarget(resolved);
  // Without a listener ioredis prints every reconnect error as unhandled.
  let lastError: unknown;
  const onError = (err: unknown): void => {
    lastError = err;
  };
  redis.on('error', onError);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const code = errorCode(err ?? lastError);
    throw new RetryableError(
      'REDIS_UNREACHABLE',
      `cannot connect to Redis at ${where}${code === undefined ? '' : ` (${code})`}; is it running and is redis.url right?`,
      { cause: err },
    );
  }
  return redis;
}

/**
 * A Cluster client has the same command interface as a single-server client,
 * and BullMQ takes either; the rest of chainwatch talks to the `Redis` type.
 * Keys stay on one slot through the hash-tagged prefix (effectiveRedisPrefix).
 */
function openClient(target: RedisTarget, common: { maxRetriesPerRequest: null; enableReadyCheck: true; connectTimeout: number }): Redis {
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, { ...common, lazyConnect: true });
    case 'sentinel':
      return new Redis({
        ...common,
        lazyConnect: true,
        sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
        name: target.masterName,
        ...(target.password !== undefined ? { password: target.password, sentinelPassword: target.password } : {}),
        ...(target.db !== undefined ? { db: target.db } : {}),
      });
    case 'cluster':
      return new Cluster(
        target.nodes.map((n) => ({ host: n.host, port: n.port })),
        { lazyConnect: true, enableReadyCheck: true, redisOptions: { ...common, ...(target.password !== undefined ? { password: target.password } : {}) } },
      ) as unknown as Redis;
  }
}

/** For messages: hosts only, never passwords. */
export function describeTarget(target: RedisTarget): string {
  switch (target.kind) {
    case 'single':
      return redactUrl(target.url);
    case 'sentinel':
      return `sentinel master "${target.masterName}" via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
    case 'cluster':
      return `cluster ${target.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
