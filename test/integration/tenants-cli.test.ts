/** `chainwatch tenants add|ls|revoke` as an operator runs it, checked through the real API over the real Redis. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildApiServer } from '../../src/app/api-server.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { startTenantServices } from '../../src/app/tenant-services.js';
import { loadSettings } from '../../src/config/load-settings.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const prefix = uniqueRedisPrefix('tenants-cli');
let dir: string;

function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), '--config', dir, ...args], { cwd: root, timeout: 60_000, env: { ...process.env, REDIS_URL: TEST_REDIS_URL } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainwatch-tenants-'));
  mkdirSync(join(dir, 'watchlists'));
  writeFileSync(join(dir, 'chainwatch.yaml'), stringify({ chains: { ethereum: { kind: 'evm', rpcUrls: ['http://127.0.0.1:1'] } }, redis: { prefix }, subscriptions: {} }));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteRedisPrefix(prefix);
});

describe('chainwatch tenants', () => {
  it('adds a tenant printing its key once on a line of its own, lists it, and revokes it at once', async () => {
    const added = await runCli(['tenants', 'add', 'exchange-a']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^cwk_[A-Za-z0-9_-]{43}\n$/);
    const key = added.stdout.trim();
    expect(added.stderr).toContain('shown only now');

    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const settings = await loadSettings(dir, { REDIS_URL: TEST_REDIS_URL });
    const services = startTenantServices({ settings, redis, logger: createLogger({ level: 'silent' }) });
    const app = buildApiServer({ metrics: createMetrics(), health: () => Promise.resolve({ ok: true, checks: {} }), plugins: [services.plugin] });
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/subscriptions', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
      // Only the hash is stored.
      const stored = JSON.stringify(await redis.hgetall(`${prefix}:tenant-keys`)) + JSON.stringify(await redis.hgetall(`${prefix}:tenants`));
      expect(stored).not.toContain(key);

      const again = await runCli(['tenants', 'add', 'exchange-a']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');

      const ls = await runCli(['tenants', 'ls']);
      expect(ls.code).toBe(0);
      expect(ls.stdout).toMatch(/^exchange-a\tten_[0-9a-f]{16}\t\S+\tactive\n$/);
      expect(ls.stdout).not.toContain(key);

      const revoked = await runCli(['tenants', 'revoke', 'exchange-a']);
      expect(revoked.code).toBe(0);
      expect((await app.inject({ method: 'GET', url: '/v1/subscriptions', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
      expect((await runCli(['tenants', 'ls'])).stdout).toContain('revoked');
      expect((await runCli(['tenants', 'revoke', 'nobody'])).code).toBe(1);
    } finally {
      await app.close();
      await services.close();
      redis.disconnect();
    }
  });
});
