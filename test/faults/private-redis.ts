import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/devchain/find-free-port.js';
import { startTcpGate } from './tcp-gate.js';

/**
 * The suite's own redis-server (never the shared one on 6379): AOF on, in a
 * temp dir, so it can be killed with SIGKILL and restarted from its AOF file.
 * chainwatch reaches it through a TCP gate that can cut every connection and
 * refuse new ones for a while ("Redis unreachable"), without touching Redis.
 */
export interface PrivateRedis {
  /** The gate's URL: what chainwatch is configured with. */
  readonly url: string;
  /** Redis itself, bypassing the gate (the suite's own checks). */
  readonly directUrl: string;
  /** SIGKILL, then start again on the same port from the same AOF. */
  killAndRestart(): Promise<void>;
  /** Cut every connection through the gate and refuse new ones until `reachable(true)`. */
  reachable(up: boolean): void;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-faults-redis-'));
  const port = await findFreePort();
  let child = await launch(dir, port);

  const gate = await startTcpGate(port);

  return {
    url: `redis://127.0.0.1:${gate.port}`,
    directUrl: `redis://127.0.0.1:${port}`,
    async killAndRestart() {
      await kill(child, 'SIGKILL');
      child = await launch(dir, port);
    },
    reachable(up) {
      gate.setOpen(up);
    },
    async close() {
      await gate.close();
      await kill(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output}`);
    // Ready = the AOF is loaded and it answers PING.
    if (await pings(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer: ${output}`);
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
