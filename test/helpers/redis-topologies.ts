import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/devchain/find-free-port.js';
import { waitFor } from './wait-for.js';

/** Private redis-server processes for tests of Sentinel and Cluster (never the shared Redis). */
export interface RedisProcesses {
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout;
}

async function startServers(name: string, count: number, extraArgs: (port: number, dir: string) => string[]): Promise<{ ports: number[]; procs: ChildProcess[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `chainwatch-${name}-`));
  const ports: number[] = [];
  const procs: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const port = await findFreePort();
    ports.push(port);
    procs.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs(port, dir)], { stdio: 'ignore' }));
  }
  for (const port of ports) await waitFor(() => cli(port, 'ping').includes('PONG'), { what: `redis-server on ${port}` });
  return { ports, procs, dir };
}

async function stopAll(procs: readonly ChildProcess[], dir: string): Promise<void> {
  await Promise.all(
    procs.map((p) =>
      p.exitCode !== null || p.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            p.once('exit', () => resolve());
            p.kill('SIGKILL');
          }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

/** A real 3-master Redis Cluster (`redis-server --cluster-enabled yes` + `redis-cli --cluster create`). */
export async function startRedisCluster(): Promise<RedisProcesses> {
  const { ports, procs, dir } = await startServers('cluster', 3, (port) => ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000']);
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (const port of ports) await waitFor(() => cli(port, 'cluster', 'info').includes('cluster_state:ok'), { what: `cluster state ok on ${port}` });
  return { ports, stop: () => stopAll(procs, dir) };
}

/** A master plus one Sentinel watching it as `masterName`; ports = [master, sentinel]. */
export async function startRedisSentinel(masterName: string): Promise<RedisProcesses> {
  const master = await startServers('sentinel-master', 1, () => []);
  const sentinelPort = await findFreePort();
  const conf = join(master.dir, 'sentinel.conf');
  writeFileSync(conf, `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor ${masterName} 127.0.0.1 ${master.ports[0]} 1\nsentinel down-after-milliseconds ${masterName} 5000\n`);
  const sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  await waitFor(() => cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', masterName).includes(String(master.ports[0])), { what: 'the Sentinel to know the master' });
  return { ports: [master.ports[0]!, sentinelPort], stop: () => stopAll([...master.procs, sentinel], master.dir) };
}

/** Keys on one node (KEYS is per node in a cluster). */
export function keysOnNode(port: number, pattern: string): string[] {
  return cli(port, '--raw', 'keys', pattern).split('\n').filter((k) => k !== '');
}
