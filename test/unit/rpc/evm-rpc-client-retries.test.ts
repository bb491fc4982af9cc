/**
 * The EVM JSON-RPC client's retry behaviour, driven by a scripted fetch (a pure unit: no network).
 * The same behaviour against a real node behind a real faulty proxy: test/integration/evm-rpc-faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createEvmRpcClient, type RpcAttemptFailure } from '../../../src/adapters/evm-rpc/create-evm-rpc-client.js';
import { RetryableError } from '../../../src/core/errors.js';

interface SentCall { readonly id: number; readonly method: string; readonly params: unknown[] }
type Answer = (call: SentCall) => unknown;

/** A fetch that answers each HTTP request with `script(n, calls)` (n from 1): a Response, or per-call answers. */
function scriptedFetch(script: (n: number, calls: readonly SentCall[]) => Response | Answer): { fetch: typeof globalThis.fetch; requests: SentCall[][] } {
  const requests: SentCall[][] = [];
  const fetch = (async (_url: unknown, init?: { body?: unknown }) => {
    const calls = JSON.parse(String(init?.body)) as SentCall[];
    requests.push(calls);
    const reply = script(requests.length, calls);
    if (reply instanceof Response) return reply;
    return new Response(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, ...(reply(c) as object) }))), { status: 200 });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

const ok = (c: SentCall): unknown => ({ result: `${c.method}:${String(c.params[0])}` });

function client(fetch: typeof globalThis.fetch, more: { urls?: string[]; maxAttempts?: number; failures?: RpcAttemptFailure[]; slept?: number[] } = {}) {
  return createEvmRpcClient({
    chain: 'test', urls: more.urls ?? ['http://node-a.example/key'], timeoutMs: 1000, fetch,
    sleep: async (ms) => void more.slept?.push(ms), random: () => 0,
    ...(more.maxAttempts !== undefined ? { maxAttempts: more.maxAttempts } : {}),
    onAttemptFailed: (f) => void more.failures?.push(f),
  });
}

const blocks = (n: number) => Array.from({ length: n }, (_, i) => ({ method: 'eth_getBlockByNumber', params: [`0x${i.toString(16)}`, true] }));

describe('EVM RPC client: retry the failing call, not the batch', () => {
  it('a transient JSON-RPC error on one call of a batch re-sends that call alone', async () => {
    const { fetch, requests } = scriptedFetch((n) => (c) => (n === 1 && c.params[0] === '0x2' ? { error: { code: -32603, message: 'internal error' } } : ok(c)));
    const failures: RpcAttemptFailure[] = [];
    const outcomes = await client(fetch, { failures }).batch(blocks(5));

    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(requests.map((r) => r.length)).toEqual([5, 1]);
    expect(requests[1]![0]!.params[0]).toBe('0x2');
    expect(failures).toMatchObject([{ kind: 'call_failed', failedCalls: { call_failed: 1 }, retriedCalls: 1 }]);
  });

  it('calls left out of the answer (or garbled) are re-sent; the answered ones are not', async () => {
    const { fetch, requests } = scriptedFetch((n, calls) => {
      if (n > 1) return ok;
      const body = calls.filter((c) => c.params[0] !== '0x1').map((c) => (c.params[0] === '0x3' ? { garbage: true } : { jsonrpc: '2.0', id: c.id, ...(ok(c) as object) }));
      return new Response(JSON.stringify(body), { status: 200 });
    });
    const outcomes = await client(fetch).batch(blocks(4));

    expect(outcomes.map((o) => (o.ok ? o.result : null))).toEqual(['eth_getBlockByNumber:0x0', 'eth_getBlockByNumber:0x1', 'eth_getBlockByNumber:0x2', 'eth_getBlockByNumber:0x3']);
    expect(requests.map((r) => r.map((c) => c.params[0]))).toEqual([['0x0', '0x1', '0x2', '0x3'], ['0x1', '0x3']]);
  });

  it('a result refused by its check (logs of another fork) is asked again and never returned', async () => {
    let served = 0;
    const { fetch, requests } = scriptedFetch(() => () => ({ result: [{ blockHash: served++ === 0 ? '0xstale' : '0xgood' }] }));
    const [outcome] = await client(fetch).batch([{ method: 'eth_getLogs', params: [{ blockHash: '0xgood' }], check: (r) => ((r as { blockHash: string }[])[0]!.blockHash === '0xgood' ? undefined : 'another fork') }]);

    expect(outcome).toEqual({ ok: true, result: [{ blockHash: '0xgood' }] });
    expect(requests).toHaveLength(2);
  });

  it('a result refused every time fails the batch as RPC_INCONSISTENT: never used, never skipped', async () => {
    const { fetch } = scriptedFetch(() => () => ({ result: [{ blockHash: '0xstale' }] }));
    const err = await client(fetch, { maxAttempts: 3 }).batch([{ method: 'eth_getLogs', params: [{ blockHash: '0xgood' }], check: () => 'another fork' }]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ code: 'RPC_INCONSISTENT' });
  });

  it('a permanent JSON-RPC error (method unavailable) is returned at once, not retried', async () => {
    const { fetch, requests } = scriptedFetch(() => () => ({ error: { code: -32601, message: 'the method eth_getBlockReceipts does not exist' } }));
    const [outcome] = await client(fetch).batch([{ method: 'eth_getBlockReceipts', params: ['0x1'] }]);

    expect(outcome).toMatchObject({ ok: false, error: { code: -32601 } });
    expect(requests).toHaveLength(1);
  });

  it('a transient JSON-RPC error that persists is returned after the retries (the caller decides)', async () => {
    const { fetch, requests } = scriptedFetch(() => () => ({ error: { code: -32603, message: 'internal error' } }));
    const [outcome] = await client(fetch, { maxAttempts: 4 }).batch([{ method: 'eth_call', params: [{}, 'latest'] }]);

    expect(outcome).toMatchObject({ ok: false, error: { code: -32603 } });
    expect(requests).toHaveLength(4);
  });

  it('a transport failure re-sends the request, failing over to the next URL at once and backing off once all failed', async () => {
    const urls: string[] = [];
    const { fetch: inner } = scriptedFetch((n) => (n <= 2 ? new Response('bad gateway', { status: 502 }) : ok));
    const fetch = (async (url: unknown, init?: unknown) => {
      urls.push(String(url));
      return inner(url as string, init as RequestInit);
    }) as typeof globalThis.fetch;
    const slept: number[] = [];
    await client(fetch, { urls: ['http://a.example/k', 'http://b.example/k'], slept }).batch(blocks(2));

    expect(urls).toEqual(['http://a.example/k', 'http://b.example/k', 'http://a.example/k']);
    expect(slept).toEqual([125]); // one round failed: half of the 250 ms base (jitter fixed at 0)
  });

  it('honours a Retry-After up to its cap, so a rate-limited endpoint cannot park detection', async () => {
    const { fetch } = scriptedFetch((n) => (n === 1 ? new Response('', { status: 429, headers: { 'retry-after': '3600' } }) : ok));
    const slept: number[] = [];
    await client(fetch, { slept }).call('eth_blockNumber', []);

    expect(slept).toEqual([10_000]);
  });

  it('keeps what a failed batch fetched: its retry (the next step) asks only for the rest', async () => {
    // Request 1 garbles block 1, request 2 (its retry) fails: the batch fails after 2 attempts.
    const { fetch, requests } = scriptedFetch((n) => (n === 1 ? (c: SentCall) => (c.params[0] === '0x1' ? { garbage: 1 } : ok(c)) : n === 2 ? new Response('', { status: 503 }) : ok));
    const rpc = client(fetch, { maxAttempts: 2 });
    await expect(rpc.batch(blocks(3))).rejects.toBeInstanceOf(RetryableError);
    const outcomes = await rpc.batch(blocks(3));

    expect(outcomes.map((o) => (o.ok ? o.result : null))).toEqual(['eth_getBlockByNumber:0x0', 'eth_getBlockByNumber:0x1', 'eth_getBlockByNumber:0x2']);
    expect(requests.map((r) => r.map((c) => c.params[0]))).toEqual([['0x0', '0x1', '0x2'], ['0x1'], ['0x1']]);
  });

  it('never keeps head queries (latest) for a retry: they must be fresh', async () => {
    const { fetch, requests } = scriptedFetch((n) => (n === 1 ? (c: SentCall) => (c.method === 'eth_getBlockByNumber' && c.params[0] === '0x0' ? { nope: 1 } : ok(c)) : n === 2 ? new Response('', { status: 503 }) : ok));
    const rpc = client(fetch, { maxAttempts: 2 });
    const calls = [{ method: 'eth_getBlockByNumber', params: ['0x0', false] }, { method: 'eth_getBlockByNumber', params: ['latest', false] }];
    await expect(rpc.batch(calls)).rejects.toBeInstanceOf(RetryableError);
    await rpc.batch(calls);

    expect(requests.map((r) => r.map((c) => c.params[0]))).toEqual([['0x0', 'latest'], ['0x0'], ['0x0', 'latest']]);
  });
});

describe('EVM RPC client: per-URL health (dashboard chains page)', () => {
  it('names the failing URL with its last error and the one that took over as in use and answering, credentials redacted', async () => {
    const { fetch } = scriptedFetch((n) => (n === 1 ? new Response('bad gateway', { status: 502 }) : ok));
    const c = client(fetch, { urls: ['http://user:secret@node-a.example/key', 'http://node-b.example/'] });
    expect(c.endpoints().map((e) => [e.preferred, e.lastOkAt, e.consecutiveFailures])).toEqual([[true, null, 0], [false, null, 0]]);

    await c.batch(blocks(2));

    const [a, b] = c.endpoints();
    expect(a).toMatchObject({ preferred: false, lastOkAt: null, consecutiveFailures: 1 });
    expect(a!.lastError).toMatch(/^RPC_HTTP_ERROR: .*502/);
    expect(JSON.stringify(c.endpoints())).not.toMatch(/secret|user|\/key/);
    expect(b).toMatchObject({ preferred: true, consecutiveFailures: 0, lastFailureAt: null });
    expect(b!.lastOkAt).toEqual(expect.any(Number));
  });
});

describe('EVM RPC client: back to the primary URL', () => {
  it('stays on the fallback after a failover, then tries the first URL again once primaryRetryMs has passed', async () => {
    let clock = 1_000_000;
    let primaryDown = true;
    const asked: string[] = [];
    const fetch = (async (url: unknown, init?: { body?: unknown }) => {
      const host = new URL(String(url)).host;
      asked.push(host);
      if (host === 'primary.example' && primaryDown) return new Response('bad gateway', { status: 502 });
      const calls = JSON.parse(String(init?.body)) as SentCall[];
      return new Response(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, ...(ok(c) as object) }))), { status: 200 });
    }) as typeof globalThis.fetch;
    const c = createEvmRpcClient({ chain: 'test', urls: ['http://primary.example/', 'http://fallback.example/'], timeoutMs: 1000, fetch, sleep: async () => undefined, random: () => 0, now: () => clock, primaryRetryMs: 60_000 });

    await c.batch(blocks(1));
    expect(asked).toEqual(['primary.example', 'fallback.example']);
    clock += 30_000;
    primaryDown = false;
    await c.batch(blocks(1));
    expect(asked.slice(2)).toEqual(['fallback.example']);
    expect(c.endpoints().map((e) => e.preferred)).toEqual([false, true]);

    clock += 31_000;
    await c.batch(blocks(1));
    expect(asked.slice(3)).toEqual(['primary.example']);
    expect(c.endpoints().map((e) => e.preferred)).toEqual([true, false]);
  });

  it('a primary still down when retried costs one failed attempt, then the fallback serves for another interval', async () => {
    let clock = 0;
    const asked: string[] = [];
    const fetch = (async (url: unknown, init?: { body?: unknown }) => {
      const host = new URL(String(url)).host;
      asked.push(host);
      if (host === 'primary.example') return new Response('bad gateway', { status: 502 });
      const calls = JSON.parse(String(init?.body)) as SentCall[];
      return new Response(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, ...(ok(c) as object) }))), { status: 200 });
    }) as typeof globalThis.fetch;
    const c = createEvmRpcClient({ chain: 'test', urls: ['http://primary.example/', 'http://fallback.example/'], timeoutMs: 1000, fetch, sleep: async () => undefined, random: () => 0, now: () => clock });

    await c.batch(blocks(1));
    clock += 60_000;
    await c.batch(blocks(1));
    clock += 1_000;
    await c.batch(blocks(1));
    expect(asked).toEqual(['primary.example', 'fallback.example', 'primary.example', 'fallback.example', 'fallback.example']);
  });
});
