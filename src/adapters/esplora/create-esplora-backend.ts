import { z } from 'zod';
import type { BitcoinBackend, BitcoinUtxo, RefusedUnspentTarget } from '../../core/btc/bitcoin-backend.js';
import { PermanentError, RetryableError, redactUrl } from '../../core/errors.js';
import { DEFAULT_RETRY_POLICY, retryPolicy, type RetryPolicy } from '../shared/retry-policy.js';

export interface EsploraBackendOptions {
  /** Base URL of the Esplora REST API, e.g. https://blockstream.info/api. Paths may carry keys: never logged. */
  readonly esploraUrl: string;
  readonly timeoutMs: number;
  readonly retry?: RetryPolicy;
  /** Parallel requests when fetching many mempool transactions. */
  readonly concurrency?: number;
}

const hashSchema = z.string().regex(/^[0-9a-fA-F]{64}$/);
/**
 * electrs (Blockstream) and mempool.space refuse /address/:a/utxo for an address
 * with more unspent outputs than their limit: HTTP 400 "Too many unspent
 * transaction outputs (>500). Contact support@blockstream.info…". Common for
 * dust-spammed hack wallets; retrying cannot help.
 */
const TOO_MANY_UTXOS = /too many (unspent )?(transaction )?outputs|too many utxos/i;
const TOO_MANY_UTXOS_CODE = 'BTC_TOO_MANY_UTXOS';

const utxoSchema = z.array(z.object({ txid: hashSchema, vout: z.number().int().nonnegative(), value: z.number().int().nonnegative() }));

/**
 * Esplora REST backend (Blockstream/mempool.space API): /blocks/tip/height,
 * /block-height/:h, /block/:hash/raw, /mempool/txids, /tx/:txid/raw and
 * /address/:a/utxo for seeding.
 */
export function createEsploraBackend(options: EsploraBackendOptions): BitcoinBackend {
  const base = options.esploraUrl.replace(/\/+$/, '');
  const shown = redactUrl(options.esploraUrl);
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;

  /** GET with retries; returns null on 404 when `missingOk`. */
  async function get(path: string, what: string, missingOk = false): Promise<Response | null> {
    return retryPolicy(policy, async () => {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (err) {
        throw new RetryableError('BTC_BACKEND_UNAVAILABLE', `Esplora at ${shown} did not answer ${what}`, { cause: stripCause(err) });
      }
      if (res.ok) return res;
      if (res.status === 400) {
        const body = await res.text().catch(() => '');
        if (TOO_MANY_UTXOS.test(body)) throw new PermanentError(TOO_MANY_UTXOS_CODE, `Esplora at ${shown} refused ${what}: too many unspent outputs for its limit (HTTP 400)`);
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 404 && missingOk) return null;
      const message = `Esplora at ${shown} answered ${what} with HTTP ${res.status}`;
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        const err = new RetryableError('BTC_BACKEND_HTTP', message) as RetryableError & { retryAfterMs?: number };
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) err.retryAfterMs = retryAfter * 1000;
        throw err;
      }
      if (res.status === 401 || res.status === 403) throw new PermanentError('BTC_BACKEND_AUTH', message);
      throw new PermanentError('BTC_BACKEND_HTTP', message);
    });
  }

  async function text(path: string, what: string): Promise<string> {
    const res = (await get(path, what))!;
    try {
      return (await res.text()).trim();
    } catch (err) {
      throw new RetryableError('BTC_BACKEND_UNAVAILABLE', `Esplora at ${shown} broke off ${what}`, { cause: stripCause(err) });
    }
  }

  async function json(path: string, what: string): Promise<unknown> {
    const body = await text(path, what);
    try {
      return JSON.parse(body);
    } catch {
      throw new RetryableError('BTC_BACKEND_BAD_RESPONSE', `Esplora at ${shown} sent invalid JSON for ${what}`);
    }
  }

  async function bytes(path: string, what: string, missingOk: boolean): Promise<Uint8Array | null> {
    const res = await get(path, what, missingOk);
    if (res === null) return null;
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      throw new RetryableError('BTC_BACKEND_UNAVAILABLE', `Esplora at ${shown} broke off ${what}`, { cause: stripCause(err) });
    }
  }

  function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const r = schema.safeParse(value);
    if (!r.success) throw new RetryableError('BTC_BACKEND_BAD_RESPONSE', `Esplora at ${shown} sent an unexpected result for ${what}`);
    return r.data;
  }

  async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    const out = new Array<R>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, items.length) }, worker));
    return out;
  }

  return {
    description: `esplora ${shown}`,
    async fetchTipHeight() {
      const body = await text('/blocks/tip/height', 'the tip height');
      return check(z.coerce.number().int().nonnegative(), body === '' ? Number.NaN : body, 'the tip height');
    },
    async fetchBlockHashes(heights) {
      return mapLimited(heights, async (h) => check(hashSchema, await text(`/block-height/${h}`, `block height ${h}`), `block height ${h}`).toLowerCase());
    },
    async fetchRawBlock(hash) {
      return (await bytes(`/block/${hash}/raw`, `block ${hash}`, false))!;
    },
    async fetchMempoolTxids() {
      return check(z.array(hashSchema), await json('/mempool/txids', 'the mempool txids'), 'the mempool txids').map((t) => t.toLowerCase());
    },
    async fetchRawTransactions(txids) {
      return mapLimited(txids, (txid) => bytes(`/tx/${txid}/raw`, `transaction ${txid}`, true));
    },
    async fetchUnspent(targets) {
      const refused: RefusedUnspentTarget[] = [];
      const lists = await mapLimited(targets, async (t) => {
        const what = `the unspent outputs of ${t.address}`;
        let body: unknown;
        try {
          body = await json(`/address/${encodeURIComponent(t.address)}/utxo`, what);
        } catch (err) {
          // One address over the server's limit must not stop the others from being seeded.
          if (err instanceof PermanentError && err.code === TOO_MANY_UTXOS_CODE) {
            refused.push({ ...t, code: err.code, reason: err.message });
            return [];
          }
          throw err;
        }
        const utxos = check(utxoSchema, body, what);
        return utxos.map((u): BitcoinUtxo => ({ txid: u.txid.toLowerCase(), vout: u.vout, value: BigInt(u.value), scriptHex: t.scriptHex }));
      });
      return { utxos: lists.flat(), refused };
    },
  };
}

/** fetch errors can quote the request URL; keep only the error's code and name. */
function stripCause(err: unknown): unknown {
  if (!(err instanceof Error)) return undefined;
  const cause = err.cause as { code?: unknown } | undefined;
  return { name: err.name, code: typeof cause?.code === 'string' ? cause.code : undefined };
}
