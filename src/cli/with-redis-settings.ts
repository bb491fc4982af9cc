import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { ConfigError, formatConfigProblem } from '../config/load-config.js';
import { loadSettings } from '../config/load-settings.js';
import type { Settings } from '../config/schema.js';
import { resolveConfigDir } from './config-dir.js';

/**
 * Runs a Redis-backed CLI command (`tenants`, `follow`): loads chainwatch.yaml (config errors
 * printed as file:line, exit 2), connects to Redis, sets the exit code `run` returns, and turns
 * any failure into one `<name>: message` line with exit 1. Always disconnects.
 */
export async function withRedisSettings(name: string, command: Command, run: (redis: Redis, settings: Settings) => Promise<number>): Promise<void> {
  let settings: Settings;
  try {
    settings = await loadSettings(resolveConfigDir(command), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
    process.exitCode = 2;
    return;
  }
  const redis = new Redis(settings.redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined); // surfaced as the command's error below
  try {
    process.exitCode = await run(redis, settings);
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}
