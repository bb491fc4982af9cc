/**
 * Issue #10 "health that tells the truth": when the RPC node stops answering,
 * /readyz turns 503 naming the chain, chainwatch_chain_healthy drops to 0 and
 * the operator gets one watchdog email; when the node is back, /readyz is 200
 * again and a recovery email follows. Real hardhat node behind a switchable
 * HTTP proxy, real Redis, a real SMTP server.
 */
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { startLocalEvmChain, type LocalEvmChain } from '../../src/devchain/start-local-evm-chain.js';
import { writeConfigDir } from '../helpers/config-dir.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { waitFor } from '../helpers/wait-for.js';

let chain: LocalEvmChain;
let proxy: Server;
let nodeDown = false;
let smtp: SmtpCapture;
let prefix: string;
let configDir: string;
let running: RunningChainwatch;

beforeAll(async () => {
  chain = await startLocalEvmChain();
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (nodeDown) return void res.writeHead(503).end('down for maintenance');
      fetch(chain.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) }).then(
        async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const rpcUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  smtp = await startSmtpCapture();
  prefix = uniqueRedisPrefix('watchdog');
  configDir = writeConfigDir(
    'watchdog',
    {
      chains: { ethereum: { kind: 'evm', rpcUrls: [rpcUrl], pollIntervalMs: 100, rpcTimeoutMs: 500, stallAfterMs: 1500, maxLagBlocks: 5 } },
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'], operatorTo: ['ops@example.com'] },
      api: { host: '127.0.0.1' },
      redis: { url: TEST_REDIS_URL, prefix },
    },
    { 'list.yaml': [{ chain: 'ethereum', address: Wallet.createRandom().address, label: 'x', incident: 'watchdog-test', source: 'https://example.org/a' }] },
  );
  running = await runChainwatch({ configDir, roles: ['poller'], logger: createLogger({ level: 'silent' }), serveHttp: true, apiPort: 0, watchdogIntervalMs: 100 });
}, 120_000);

afterAll(async () => {
  await running?.close();
  await new Promise((r) => proxy?.close(r));
  await chain?.stop();
  await smtp?.close();
  if (prefix) await deleteRedisPrefix(prefix);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

const readyz = async (): Promise<{ status: number; body: { notReady: string[]; checks: Record<string, { ready: boolean; detail?: string; data?: { state?: string } }> } }> => {
  const res = await fetch(`${running.apiUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
};
const healthyMetric = async (): Promise<string | undefined> => /^chainwatch_chain_healthy\{chain="ethereum"\} (\d)$/m.exec(await (await fetch(`${running.apiUrl}/metrics`)).text())?.[1];

describe('chain watchdog', () => {
  it('a healthy chain is ready', async () => {
    await waitFor(async () => (await readyz()).body.checks['chain:ethereum']?.data?.state === 'ok', { what: 'the chain to be followed' });
    expect((await readyz()).status).toBe(200);
  });

  it('/readyz says how the node serves logs and traces (hardhat: per-block or range logs, no traces)', async () => {
    const node = await waitFor(async () => {
      const check = (await readyz()).body.checks['node:ethereum'] as { ready: boolean; detail?: string; data?: { logs?: string | null; traces?: string | null } } | undefined;
      return check?.data?.traces !== null && check?.data?.traces !== undefined && check.data.logs !== null ? check : undefined;
    }, { what: 'the node capabilities to be probed' });
    expect(node.ready).toBe(true);
    expect(node.data?.traces).toBe('none');
    expect(['rangeLogs', 'blockLogs', 'blockReceipts', 'txReceipts']).toContain(node.data?.logs);
    expect(node.detail).toContain('internal transfers are not detected');
  });

  it('a stalled node turns /readyz 503 and emails the operator once; recovery emails again', async () => {
    nodeDown = true;
    const down = await waitFor(async () => {
      const r = await readyz();
      return r.status === 503 ? r : undefined;
    }, { what: '/readyz to turn 503', timeoutMs: 30_000 });
    expect(down.body.notReady).toContain('chain:ethereum');
    expect(down.body.checks['chain:ethereum']).toMatchObject({ ready: false, data: { state: 'stalled' } });
    expect(down.body.checks['chain:ethereum']?.detail).toMatch(/no poll step has succeeded for \d+ s/);
    // The gauge is set by the watchdog's own periodic check, /readyz judges on request.
    await waitFor(async () => (await healthyMetric()) === '0', { what: 'chainwatch_chain_healthy to drop to 0' });
    const alarm = await waitFor(() => smtp.messages.find((m) => m.subject?.includes('[WATCHDOG] ethereum: STALLED')), { what: 'the watchdog email' });
    expect(alarm.to).toMatchObject({ text: 'ops@example.com' });
    expect(alarm.text).toContain('not keeping up with ethereum');

    nodeDown = false;
    await waitFor(async () => (await readyz()).status === 200, { what: '/readyz to recover', timeoutMs: 30_000 });
    const recovered = await waitFor(() => smtp.messages.find((m) => m.subject?.includes('[WATCHDOG] ethereum: RECOVERED')), { what: 'the recovery email' });
    expect(recovered.text).toContain('following ethereum again');
    await waitFor(async () => (await healthyMetric()) === '1', { what: 'chainwatch_chain_healthy back to 1' });
    // One email per transition, not one per check.
    expect(smtp.messages.filter((m) => m.subject?.includes('[WATCHDOG]'))).toHaveLength(2);
  }, 90_000);
});
