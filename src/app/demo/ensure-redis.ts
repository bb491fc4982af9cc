import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { redactUrl } from '../../core/errors.js';
import { findFreePort } from '../../devchain/find-free-port.js';

export interface DemoRedis {
  readonly url: string;
  /** True when the demo started its own redis-server (stopped by `stop`). */
  readonly private: boolean;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Uses the Redis at `url` when it answers; otherwise starts a private,
 * non-persistent redis-server on a free port if one is installed; otherwise
 * explains exactly how to get one.
 */
export async function ensureRedis(url: string): Promise<DemoRedis> {
  if (await pings(url)) return { url, private: false, stop: () => Promise.resolve() };
  const binary = findOnPath('redis-server');
  if (binary === undefined) {
    throw new RedisUnavailableError(
      [
        `No Redis answers at ${redactUrl(url)} and redis-server is not installed.`,
        'Get one with any of:',
        '  sudo apt-get install redis-server && redis-server --daemonize yes --save "" --appendonly no',
        '  docker run -d -p 6379:6379 redis:7',
        'or point REDIS_URL at a Redis you have (e.g. REDIS_URL=redis://host:6379).',
      ].join('\n'),
    );
  }
  const port = await findFreePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const privateUrl = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await pings(privateUrl)) {
      return {
        url: privateUrl,
        private: true,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`started redis-server on port ${port} but it did not answer within 10 s`);
}

async function pings(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
