/**
 * Issue #13 target 2: block mined -> signed webhook received on a local
 * receiver, through the whole pipeline (poller -> Redis/BullMQ -> alerter ->
 * webhook queue -> HTTP), against a real hardhat node and the real Redis.
 * Run: node --import tsx --expose-gc bench/alert-latency.bench.ts
 * (BENCH_WS_BLOCKS, BENCH_POLL_BLOCKS override the defaults 100, 40.)
 *
 * Each block holds one transfer to the watched address, mined by evm_mine
 * (automine off) after a random pause; latency = webhook arrival - the moment
 * evm_mine was sent. Two runs of `runChainwatch` (roles poller + alerter),
 * `confirmations: 1`:
 * 1) chains.<id>.wsUrl set (eth_subscribe newHeads wakes the poller),
 *    pollIntervalMs 1000 as the safety net; targets p50 <= 150 ms, p99 <= 500 ms.
 *    Side by side: the same blocks' newHeads notification on a bare WebSocket
 *    client (the floor: what the node itself takes to announce a block).
 * 2) polling only, pollIntervalMs 500: target p50 <= pollIntervalMs/2 + 100 ms.
 */
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import { createLogger } from '../src/app/logger.js';
import { runChainwatch } from '../src/app/run-chainwatch.js';
import { startLocalEvmChain } from '../src/devchain/start-local-evm-chain.js';
import { deleteKeysMatching } from '../src/adapters/redis/delete-keys-matching.js';

const WS_BLOCKS = Number(process.env['BENCH_WS_BLOCKS'] ?? 100);
const POLL_BLOCKS = Number(process.env['BENCH_POLL_BLOCKS'] ?? 40);
const POLL_INTERVAL_MS = 500;
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const quantile = (xs: readonly number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

const node = await startLocalEvmChain();
const arrivals = new Map<string, number>();
let onArrival: (() => void) | undefined;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.now();
    res.writeHead(200).end('ok');
    if (typeof req.headers['webhook-signature'] !== 'string') return;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { txHash?: string } };
    if (body.data.txHash !== undefined && !arrivals.has(body.data.txHash)) arrivals.set(body.data.txHash, at);
    onArrival?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const dirs: string[] = [];
const prefixes: string[] = [];

let nextId = 1;
async function rpc(method: string, params: readonly unknown[] = []): Promise<unknown> {
  const res = await fetch(node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }) });
  const reply = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result;
}

try {
  const watched = Wallet.createRandom().address;
  const [sender] = (await rpc('eth_accounts')) as string[];

  async function run(name: string, chainKeys: Record<string, unknown>, blocks: number, maxPauseMs: number, onBlock?: (number: number, minedAt: number) => void): Promise<number[]> {
    const dir = mkdtempSync(join(tmpdir(), 'chainwatch-latency-'));
    dirs.push(dir);
    const prefix = `cwbench-latency-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    mkdirSync(join(dir, 'watchlists'));
    const head = Number(await rpc('eth_blockNumber'));
    writeFileSync(join(dir, 'chainwatch.yaml'), stringify({
      chains: { devchain: { kind: 'evm', rpcUrls: [node.rpcUrl], confirmations: 1, startBlock: head + 1, ...chainKeys } },
      webhooks: [{ id: 'receiver', url: hookUrl, secret: SECRET }],
      redis: { url: REDIS_URL, prefix },
    }));
    writeFileSync(join(dir, 'watchlists', 'bench.yaml'), stringify({ entries: [{ chain: 'devchain', address: watched, label: 'bench wallet', incident: 'bench-2026', source: 'https://example.org/bench' }] }));
    const running = await runChainwatch({ configDir: dir, roles: ['poller', 'alerter'], logger: createLogger({ level: 'silent' }) });
    const latencies: number[] = [];
    try {
      await rpc('evm_setAutomine', [false]);
      // Warm-up: the first block's alert also starts every queue and connection.
      for (let i = -3; i < blocks; i++) {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * maxPauseMs));
        const txHash = (await rpc('eth_sendTransaction', [{ from: sender, to: watched, value: '0x1', gas: '0x5208' }])) as string;
        const arrived = new Promise<number>((resolve) => {
          onArrival = () => {
            const at = arrivals.get(txHash);
            if (at !== undefined) resolve(at);
          };
        });
        const minedAt = performance.now();
        await rpc('evm_mine');
        onBlock?.(Number(await rpc('eth_blockNumber')), minedAt);
        const at = await Promise.race([arrived, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name}: no webhook for ${txHash} within 30 s`)), 30_000))]);
        if (i >= 0) latencies.push(at - minedAt);
      }
    } finally {
      await rpc('evm_setAutomine', [true]);
      await running.close();
    }
    return latencies;
  }

  // The floor: a bare WebSocket client's newHeads notification for the same blocks.
  const announced = new Map<number, number>();
  const minedAtOf = new Map<number, number>();
  const bare = new WebSocket(node.rpcUrl.replace('http', 'ws'));
  await new Promise<void>((resolve, reject) => bare.once('open', () => resolve()).once('error', reject));
  bare.on('message', (data: WebSocket.RawData) => {
    const at = performance.now();
    const m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as { method?: string; params?: { result?: { number?: string } } };
    if (m.method === 'eth_subscription' && m.params?.result?.number !== undefined) announced.set(Number(m.params.result.number), at);
  });
  bare.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));

  const ws = await run('newHeads', { wsUrl: node.rpcUrl.replace('http', 'ws'), pollIntervalMs: 1000 }, WS_BLOCKS, 200, (n, t) => minedAtOf.set(n, t));
  bare.close();
  const floor = [...minedAtOf].filter(([n]) => announced.has(n)).map(([n, t]) => announced.get(n)! - t);
  const polled = await run('polling', { pollIntervalMs: POLL_INTERVAL_MS }, POLL_BLOCKS, 2 * POLL_INTERVAL_MS, undefined);

  const row = (kase: string, xs: readonly number[], target: string) => ({ case: kase, blocks: xs.length, p10_ms: quantile(xs, 0.1).toFixed(0), p50_ms: quantile(xs, 0.5).toFixed(0), p90_ms: quantile(xs, 0.9).toFixed(0), p99_ms: quantile(xs, 0.99).toFixed(0), max_ms: Math.max(...xs).toFixed(0), target });
  console.log('block mined (evm_mine sent) -> signed webhook received on a local receiver, confirmations: 1');
  console.table([
    row('bare WebSocket client: newHeads notification (the floor, same blocks)', floor, '-'),
    row('chainwatch, wsUrl set (newHeads), pollIntervalMs 1000', ws, 'p50 <= 150, p99 <= 500'),
    row(`chainwatch, polling only, pollIntervalMs ${POLL_INTERVAL_MS}`, polled, `p50 <= ${POLL_INTERVAL_MS / 2 + 100}`),
  ]);
} finally {
  receiver.closeAllConnections();
  receiver.close();
  await node.stop();
  for (const prefix of prefixes) await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
