import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedChainwatch {
  readonly child: ChildProcess;
  /** Everything the process wrote (pino JSON lines on stdout, anything on stderr). */
  output(): string;
  /** The /healthz, /readyz, /metrics base URL it logged. */
  readonly httpUrl: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `chainwatch start <args>` as a real child process (from the TypeScript
 * sources, like the bin does from dist/), waiting until it logs the URL of
 * its operator HTTP server. Pass `--port 0` so parallel tests never collide.
 */
export async function spawnChainwatch(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<SpawnedChainwatch> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'start', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  };
  try {
    const httpUrl = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`chainwatch exited with ${child.exitCode}:\n${out}`);
        for (const line of out.split('\n')) {
          if (!line.includes('HTTP listening')) continue;
          const url = (JSON.parse(line) as { url?: unknown }).url;
          if (typeof url === 'string') return url;
        }
        return undefined;
      },
      { what: `chainwatch start ${args.join(' ')} to serve HTTP`, timeoutMs: options.timeoutMs ?? 90_000 },
    );
    return { child, output: () => out, httpUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
