import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/devchain/find-free-port.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Issue #10: SIGTERM must end the process within shutdownTimeoutMs whatever its
 * peers do. Here the RPC node accepts connections and never answers, and the
 * process's private Redis is killed with SIGKILL before the signal.
 */
const SHUTDOWN_TIMEOUT_MS = 1500;

let hungRpc: Server;
const sockets = new Set<Socket>();
let redis: ChildProcess;
let redisDir: string;
let configDir: string;
let worker: ChildProcess;
let output = '';

beforeAll(async () => {
  hungRpc = createServer((socket) => {
    sockets.add(socket); // read the request, never answer
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hungRpc.listen(0, '127.0.0.1', resolve));
  const rpcPort = (hungRpc.address() as { port: number }).port;

  const redisPort = await findFreePort();
  redisDir = mkdtempSync(join(tmpdir(), 'chainwatch-shutdown-redis-'));
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], { stdio: 'ignore' });
  await waitFor(() => spawnSync('redis-cli', ['-p', String(redisPort), 'ping'], { encoding: 'utf8' }).stdout.includes('PONG'), { what: 'the private Redis to answer' });

  configDir = writeConfigDir(
    'shutdown',
    {
      chains: { ethereum: { kind: 'evm', rpcUrls: [`http://127.0.0.1:${rpcPort}`], rpcTimeoutMs: 60_000, pollIntervalMs: 100, startBlock: 'latest' } },
      webhooks: [{ id: 'soc', url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
      api: { port: 0, host: '127.0.0.1' },
      redis: { url: `redis://127.0.0.1:${redisPort}`, prefix: 'shutdown' },
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    },
    { 'list.yaml': [] },
  );
  worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', configDir], {
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => output.includes('chainwatch started'), { what: 'chainwatch to start', timeoutMs: 60_000 });
  // The poller is now stuck in a head request that never answers.
  await waitFor(() => sockets.size > 0, { what: 'the poller to call the hung RPC node' });
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  if (redis && redis.exitCode === null) redis.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await new Promise((r) => hungRpc?.close(r));
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
});

describe('graceful shutdown with a deadline', () => {
  it('exits after SIGTERM by shutdownTimeoutMs while the RPC node hangs and Redis is dead, and says why', async () => {
    const redisGone = new Promise((r) => redis.once('exit', r));
    redis.kill('SIGKILL');
    await redisGone;

    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    // Without the deadline this process stays up for minutes (a poll step retrying, Redis reconnecting);
    // the wait below is only the test's own give-up point, far above the configured deadline.
    const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 30_000))]);
    expect(code).toBe(1);
    expect(output).toContain('shutdown deadline passed');
    expect(output).toMatch(new RegExp(`"shutdown_timeout_ms":${SHUTDOWN_TIMEOUT_MS}`));
  }, 60_000);
});
