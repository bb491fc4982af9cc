import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Which `chainwatch start` this member runs: one role, or everything in one process. */
export type FleetRole = 'poller' | 'alerter' | 'all';

export interface FleetMember {
  readonly role: FleetRole;
  /** Runs (and restarts) so far. */
  readonly starts: number;
  /** Everything every incarnation wrote. */
  output(): string;
  /** What the current incarnation wrote. */
  currentOutput(): string;
  isRunning(): boolean;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
  start(): void;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
}

/** Real `chainwatch start` processes (from the TypeScript sources, as spawn-chainwatch.ts does). */
export function createFleetMember(role: FleetRole, configDir: string, env: NodeJS.ProcessEnv = {}): FleetMember {
  let child: ChildProcess | undefined;
  let out = '';
  let startOffset = 0;
  let starts = 0;
  const exited = (c: ChildProcess): boolean => c.exitCode !== null || c.signalCode !== null;
  const waitExit = (c: ChildProcess): Promise<number | null> =>
    exited(c) ? Promise.resolve(c.exitCode) : new Promise((resolve) => c.once('exit', (code) => resolve(code)));
  return {
    role,
    get starts() {
      return starts;
    },
    output: () => out,
    currentOutput: () => out.slice(startOffset),
    isRunning: () => child !== undefined && !exited(child),
    start() {
      starts++;
      const roleArgs = role === 'all' ? [] : ['--role', role];
      const c = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'start', ...roleArgs, '--port', '0', '--config', configDir], {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const tag = `--- ${role} #${starts} pid ${c.pid ?? '?'}\n`;
      startOffset = out.length;
      out += tag;
      c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      child = c;
    },
    async kill9() {
      const c = child;
      if (c === undefined || exited(c)) return;
      const done = waitExit(c);
      c.kill('SIGKILL');
      await done;
    },
    async stop() {
      const c = child;
      if (c === undefined) return null;
      if (exited(c)) return c.exitCode;
      const done = waitExit(c);
      c.kill('SIGTERM');
      return done;
    },
  };
}
