import { Redis } from 'ioredis';
import { RetryableError, redactUrl } from '../../core/errors.js';

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
export async function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Promise<Redis> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
  });
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
      `cannot connect to Redis at ${redactUrl(url)}${code === undefined ? '' : ` (${code})`}; is it running and is redis.url right?`,
      { cause: err },
    );
  }
  return redis;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
