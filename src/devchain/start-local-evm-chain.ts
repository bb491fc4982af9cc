import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { findFreePort } from './find-free-port.js';

/**
 * Starts a hardhat@2 node as a child process on a free loopback port: the
 * offline demo chain and the real EVM node of the integration tests.
 * hardhat 2 offers neither eth_getBlockReceipts nor callTracer, so it also
 * exercises chainwatch's fallbacks.
 */
export interface LocalEvmChain {
  readonly rpcUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startLocalEvmChain(options: { port?: number; chainId?: number; timeoutMs?: number } = {}): Promise<LocalEvmChain> {
  const port = options.port ?? (await findFreePort());
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-hardhat-'));
  const configPath = join(dir, 'hardhat.config.cjs');
  writeFileSync(
    configPath,
    `module.exports = { networks: { hardhat: { chainId: ${options.chainId ?? 31337}, mining: { auto: true, interval: 0 } } } };\n`,
  );
  const cli = require.resolve('hardhat/internal/cli/cli.js');
  const child = spawn(process.execPath, [cli, 'node', '--hostname', '127.0.0.1', '--port', String(port), '--config', configPath], {
    // hardhat refuses to run unless the working directory's project has it installed locally.
    cwd: projectRootOf(cli),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with code ${child.exitCode}: ${output.trim()}`);
    if (await answers(rpcUrl)) return { rpcUrl, port, stop: () => stopChild(child) };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child);
  throw new Error(`hardhat node did not answer on ${rpcUrl} within the timeout: ${output.trim()}`);
}

function projectRootOf(hardhatCli: string): string {
  const marker = `${sep}node_modules${sep}`;
  return hardhatCli.slice(0, hardhatCli.lastIndexOf(marker));
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
