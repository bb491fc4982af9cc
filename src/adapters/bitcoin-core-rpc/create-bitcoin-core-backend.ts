import { z } from 'zod';
import type { BitcoinBackend, BitcoinUtxo } from '../../core/btc/bitcoin-backend.js';
import { PermanentError, RetryableError, redactUrl } from '../../core/errors.js';
import { DEFAULT_RETRY_POLICY, retryPolicy, type RetryPolicy } from '../shared/retry-policy.js';

export interface BitcoinCoreBackendOptions {
  /** http://user:pass@host:port[/wallet/...]: credentials become a Basic auth header, never part of a message. */
  readonly rpcUrl: string;
  readonly timeoutMs: number;
  /** scantxoutset walks the whole UTXO set (minutes on mainnet). */
  readonly scanTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /**
   * getblock's second parameter for raw hex: 0 (verbosity, Bitcoin Core 0.15+, Litecoin, BCHN) or false
   * (Dogecoin Core 1.14, based on Bitcoin Core 0.14, only takes a boolean `verbose`).
   */
  readonly rawBlockParam?: 0 | false;
  /**
   * getrawtransaction's second parameter for raw hex: false (default; Bitcoin Core 0.14+ takes a boolean or a
   * number) or 0 (zebrad's `verbose` is a u8 and zcashd reads it with get_int: a boolean is refused).
   */
  readonly rawTransactionParam?: 0 | false;
}

interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

const rpcReplySchema = z.object({
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string() }).nullable().optional(),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
});

// Bitcoin Core RPC error codes (src/rpc/protocol.h).
const RPC_IN_WARMUP = -28;
const RPC_INVALID_ADDRESS_OR_KEY = -5; // also "No such mempool or blockchain transaction"
const RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10;
const RPC_METHOD_NOT_FOUND = -32601;
const RPC_MISC_ERROR = -1; // scantxoutset: "Scan already in progress"

const hexSchema = z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'not hex');
const hashSchema = z.string().regex(/^[0-9a-fA-F]{64}$/, 'not a 32-byte hash');
const scanSchema = z.object({
  success: z.boolean(),
  unspents: z.array(z.object({ txid: hashSchema, vout: z.number().int().nonnegative(), scriptPubKey: hexSchema, amount: z.number().nonnegative() })),
});

/**
 * Bitcoin Core JSON-RPC backend. Uses only getblockcount, getblockhash,
 * getblock <hash> 0, getrawmempool, getrawtransaction <txid> false and
 * scantxoutset: no wallet, no txindex needed for blocks (getrawtransaction of
 * mempool transactions works without txindex). Calls are batched where a step
 * needs several.
 */
export function createBitcoinCoreBackend(options: BitcoinCoreBackendOptions): BitcoinBackend {
  const parsed = new URL(options.rpcUrl);
  const auth = parsed.username || parsed.password ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}` : undefined;
  parsed.username = '';
  parsed.password = '';
  const endpoint = parsed.toString();
  const shown = redactUrl(options.rpcUrl);
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  let nextId = 1;

  async function post(calls: readonly RpcCall[], timeoutMs: number): Promise<unknown[]> {
    const ids = calls.map(() => nextId++);
    const body = JSON.stringify(calls.map((c, i) => ({ jsonrpc: '1.0', id: ids[i], method: c.method, params: c.params })));
    const what = calls.length === 1 ? calls[0]!.method : `${calls.length} calls (${calls[0]!.method}...)`;
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new RetryableError('BTC_BACKEND_UNAVAILABLE', `Bitcoin Core at ${shown} did not answer ${what}`, { cause: stripCause(err) });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 401 || res.status === 403) {
      throw new PermanentError('BTC_BACKEND_AUTH', `Bitcoin Core at ${shown} rejected the credentials (HTTP ${res.status})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw httpError(res, shown, what);
    }
    // A batch answers with an array; Core also answers a batch of one with an array.
    const replies = Array.isArray(json) ? json : [json];
    const byId = new Map<unknown, z.infer<typeof rpcReplySchema>>();
    for (const reply of replies) {
      const r = rpcReplySchema.safeParse(reply);
      if (!r.success) throw new RetryableError('BTC_BACKEND_BAD_RESPONSE', `Bitcoin Core at ${shown} sent a malformed reply to ${what}`);
      byId.set(r.data.id, r.data);
    }
    return ids.map((id, i) => {
      const reply = byId.get(id) ?? (replies.length === 1 ? rpcReplySchema.parse(replies[0]) : undefined);
      if (!reply) throw new RetryableError('BTC_BACKEND_BAD_RESPONSE', `Bitcoin Core at ${shown} left ${calls[i]!.method} unanswered`);
      if (reply.error) return new RpcFailure(reply.error.code, reply.error.message);
      if (!res.ok) throw httpError(res, shown, what);
      return reply.result;
    });
  }

  async function callAll(calls: readonly RpcCall[], timeoutMs = options.timeoutMs): Promise<unknown[]> {
    if (calls.length === 0) return [];
    return retryPolicy(policy, async () => {
      const results = await post(calls, timeoutMs);
      results.forEach((r, i) => {
        if (r instanceof RpcFailure && r.code !== RPC_INVALID_ADDRESS_OR_KEY) throw translateRpcFailure(r, calls[i]!, shown);
      });
      return results;
    });
  }

  async function call(method: string, params: readonly unknown[], timeoutMs?: number): Promise<unknown> {
    const [result] = await callAll([{ method, params }], timeoutMs);
    if (result instanceof RpcFailure) throw translateRpcFailure(result, { method, params }, shown);
    return result;
  }

  return {
    description: `bitcoin-core-rpc ${shown}`,
    async fetchTipHeight() {
      return expect(z.number().int().nonnegative(), await call('getblockcount', []), 'getblockcount', shown);
    },
    async fetchBlockHashes(heights) {
      const results = await callAll(heights.map((h) => ({ method: 'getblockhash', params: [h] })));
      return results.map((r, i) => {
        if (r instanceof RpcFailure) throw translateRpcFailure(r, { method: 'getblockhash', params: [heights[i]] }, shown);
        return expect(hashSchema, r, `getblockhash ${heights[i]}`, shown).toLowerCase();
      });
    },
    async fetchRawBlock(hash) {
      const hex = await call('getblock', [hash, options.rawBlockParam ?? 0]);
      return hexToBytes(hex, `block ${hash}`, shown);
    },
    async fetchMempoolTxids() {
      return expect(z.array(hashSchema), await call('getrawmempool', [false]), 'getrawmempool', shown).map((t) => t.toLowerCase());
    },
    async fetchRawTransactions(txids) {
      const results = await callAll(txids.map((t) => ({ method: 'getrawtransaction', params: [t, options.rawTransactionParam ?? false] })));
      // -5: left the mempool (mined or evicted) between getrawmempool and now.
      return results.map((r, i) => (r instanceof RpcFailure ? null : hexToBytes(r, `transaction ${txids[i]}`, shown)));
    },
    async fetchUnspent(targets) {
      if (targets.length === 0) return { utxos: [], refused: [] };
      // raw(<script hex>) descriptors need no address parsing on the node side and cover every script type.
      const descriptors = targets.map((t) => `raw(${t.scriptHex})`);
      const scan = expect(scanSchema, await call('scantxoutset', ['start', descriptors], options.scanTimeoutMs ?? 15 * 60_000), 'scantxoutset', shown);
      if (!scan.success) throw new RetryableError('BTC_SCAN_FAILED', `Bitcoin Core at ${shown} could not complete scantxoutset`);
      // scantxoutset has no per-address limit: nothing is refused.
      const utxos = scan.unspents.map(
        (u): BitcoinUtxo => ({ txid: u.txid.toLowerCase(), vout: u.vout, value: btcToSats(u.amount), scriptHex: u.scriptPubKey.toLowerCase() }),
      );
      return { utxos, refused: [] };
    },
  };
}

class RpcFailure {
  constructor(
    readonly code: number,
    readonly message: string,
  ) {}
}

function translateRpcFailure(f: RpcFailure, c: RpcCall, shown: string): Error {
  const first = c.params[0];
  const what = `${c.method}${typeof first === 'string' || typeof first === 'number' ? ` ${first}` : ''}`;
  const message = `Bitcoin Core at ${shown} failed ${what}: RPC error ${f.code} ${f.message.slice(0, 200)}`;
  if (f.code === RPC_IN_WARMUP || f.code === RPC_CLIENT_IN_INITIAL_DOWNLOAD || f.code === RPC_MISC_ERROR) {
    return new RetryableError('BTC_BACKEND_BUSY', message);
  }
  // bcoin, btcd and restricted RPC proxies lack scantxoutset: say so once instead of retrying forever.
  if (f.code === RPC_METHOD_NOT_FOUND) return new PermanentError('BTC_METHOD_UNAVAILABLE', message);
  return new PermanentError('BTC_BACKEND_RPC_ERROR', message);
}

function httpError(res: Response, shown: string, what: string): Error {
  const message = `Bitcoin Core at ${shown} answered ${what} with HTTP ${res.status}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500 || res.ok) {
    const err = new RetryableError('BTC_BACKEND_HTTP', message) as RetryableError & { retryAfterMs?: number };
    const retryAfter = Number(res.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) err.retryAfterMs = retryAfter * 1000;
    return err;
  }
  return new PermanentError('BTC_BACKEND_HTTP', message);
}

function expect<T>(schema: z.ZodType<T>, value: unknown, what: string, shown: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new RetryableError('BTC_BACKEND_BAD_RESPONSE', `Bitcoin Core at ${shown} sent an unexpected result for ${what}`);
  return r.data;
}

function hexToBytes(value: unknown, what: string, shown: string): Uint8Array {
  if (typeof value !== 'string' || value.length === 0 || !/^(?:[0-9a-fA-F]{2})+$/.test(value)) {
    // Corrupt data is retried, never skipped: the follower re-asks for the same block.
    throw new RetryableError('BTC_BLOCK_CORRUPT', `Bitcoin Core at ${shown} sent ${what} as something other than hex`);
  }
  return Buffer.from(value, 'hex');
}

/** Core reports amounts as BTC JSON numbers with 8 decimals; exact below 2^53 sats. */
function btcToSats(amount: number): bigint {
  return BigInt(Math.round(amount * 1e8));
}

/** fetch errors can quote the request URL; keep only the error's code and name. */
function stripCause(err: unknown): unknown {
  if (!(err instanceof Error)) return undefined;
  const cause = err.cause as { code?: unknown } | undefined;
  return { name: err.name, code: typeof cause?.code === 'string' ? cause.code : undefined };
}
