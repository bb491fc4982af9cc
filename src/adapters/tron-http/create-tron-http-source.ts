import { RetryableError, redactUrl } from '../../core/errors.js';
import { fetchFailureError, httpStatusError } from '../shared/http-request-errors.js';
import type { BlockHeader } from '../../core/ports.js';
import { decodeTrc20Metadata } from '../../core/tron/decode-trc20-metadata.js';
import type { Trc20Metadata } from '../../core/tron/find-tron-token-needs.js';
import { normalizeTronBlock } from '../../core/tron/normalize-tron-block.js';
import type { TronBlockData } from '../../core/tron/tron-block-data.js';
import { DEFAULT_RETRY_POLICY, retryPolicy, type RetryPolicy } from '../shared/retry-policy.js';

export interface TronHttpSourceOptions {
  readonly chain: string;
  /** Base URL of the node's HTTP API (java-tron :8090 or TronGrid), without /wallet. */
  readonly httpUrl: string;
  /** Sent as TRON-PRO-API-KEY when non-empty. Never logged, never in an error. */
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
  readonly retry?: RetryPolicy;
  readonly fetch?: typeof globalThis.fetch;
}

/** The ChainSource the follower needs (structurally), over the Tron HTTP API. */
export interface TronHttpSource {
  fetchHeadNumber(): Promise<number>;
  fetchBlocks(numbers: readonly number[]): Promise<readonly TronBlockData[]>;
  fetchHeaders(numbers: readonly number[]): Promise<readonly BlockHeader[]>;
  /** symbol()/decimals() of TRC-20 contracts (match keys) via /wallet/triggerconstantcontract; cached. */
  fetchTrc20Metadata(contracts: readonly string[]): Promise<ReadonlyMap<string, Trc20Metadata>>;
}

/**
 * Follows Tron over its HTTP API: `/wallet/getnowblock` for the head,
 * `/wallet/getblockbynum` for blocks (the only place contract types show) and
 * `/wallet/gettransactioninfobyblocknum` for success, logs and internal
 * transactions. Raw JSON in, normalised by core. Every request is retried with
 * backoff (Retry-After honoured); errors carry the chain and method, never the
 * URL's path or the API key.
 */
export function createTronHttpSource(options: TronHttpSourceOptions): TronHttpSource {
  const doFetch = options.fetch ?? globalThis.fetch;
  const base = options.httpUrl.replace(/\/+$/, '');
  const host = redactUrl(base);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey !== undefined && options.apiKey !== '') headers['TRON-PRO-API-KEY'] = options.apiKey;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;

  async function post(method: string, body: Record<string, unknown>): Promise<unknown> {
    const what = `${method} on chain ${options.chain} via ${host}`;
    return retryPolicy(policy, async () => {
      let res: Response;
      try {
        res = await doFetch(`${base}/wallet/${method}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (err) {
        throw fetchFailureError(err, what);
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw httpStatusError(res.status, res.headers.get('retry-after'), what);
      }
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(quoteBigNumbers(text));
      } catch (err) {
        throw new RetryableError('RPC_BAD_RESPONSE', `${what} answered something that is not JSON`, { cause: err });
      }
      // java-tron reports failures as HTTP 200 with {"Error": "..."}.
      if (typeof parsed === 'object' && parsed !== null && 'Error' in parsed) {
        const error = parsed.Error;
        const message = (typeof error === 'string' ? error : JSON.stringify(error)).slice(0, 200);
        throw new RetryableError('RPC_CALL_FAILED', `${what} failed: ${message}`);
      }
      return parsed;
    });
  }

  async function fetchBlock(num: number): Promise<TronBlockData> {
    const [block, infos] = await Promise.all([post('getblockbynum', { num, visible: false }), post('gettransactioninfobyblocknum', { num })]);
    if (isEmpty(block)) throw new RetryableError('RPC_BAD_RESPONSE', `getblockbynum on chain ${options.chain} via ${host}: block ${num} is not available yet`);
    return normalizeTronBlock(block, infos, num);
  }

  const tokenCache = new Map<string, Trc20Metadata>();

  /** The word a constant call returned, or undefined when it failed (no such contract, revert, no such getter). */
  async function constantCall(contract: string, selector: string): Promise<string | undefined> {
    // A constant call needs an owner; the contract itself always exists.
    const answer = (await post('triggerconstantcontract', { owner_address: contract, contract_address: contract, function_selector: selector, parameter: '', visible: false })) as {
      result?: { result?: unknown };
      constant_result?: unknown;
      transaction?: { ret?: { ret?: unknown }[] };
    } | null;
    if (answer?.result?.result !== true || answer.transaction?.ret?.[0]?.ret === 'FAILED') return undefined;
    const word = Array.isArray(answer.constant_result) ? (answer.constant_result[0] as unknown) : undefined;
    return typeof word === 'string' && /^([0-9a-fA-F]{64})+$/.test(word) ? word : undefined;
  }

  return {
    async fetchTrc20Metadata(contracts) {
      const out = new Map<string, Trc20Metadata>();
      await Promise.all(
        contracts.map(async (contract) => {
          let meta = tokenCache.get(contract);
          if (meta === undefined) {
            const [symbol, decimals] = await Promise.all([constantCall(contract, 'symbol()'), constantCall(contract, 'decimals()')]);
            meta = decodeTrc20Metadata(symbol, decimals);
            // Bounded: a poller runs for months; tokens that touch watched addresses are few.
            if (tokenCache.size < 10_000) tokenCache.set(contract, meta);
          }
          out.set(contract, meta);
        }),
      );
      return out;
    },
    async fetchHeadNumber() {
      const block = await post('getnowblock', {});
      const n = (block as { block_header?: { raw_data?: { number?: unknown } } } | null)?.block_header?.raw_data?.number;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new RetryableError('RPC_BAD_RESPONSE', `getnowblock on chain ${options.chain} via ${host} returned no block number`);
      return n;
    },
    fetchBlocks: (numbers) => Promise.all(numbers.map(fetchBlock)),
    async fetchHeaders(numbers) {
      return Promise.all(
        numbers.map(async (num) => {
          const block = await post('getblockbynum', { num, visible: false });
          if (isEmpty(block)) throw new RetryableError('RPC_BAD_RESPONSE', `getblockbynum on chain ${options.chain} via ${host}: block ${num} is not available`);
          // Headers only: the transaction infos are not needed to compare hashes.
          return normalizeTronBlock({ ...(block as Record<string, unknown>), transactions: [] }, [], num).header;
        }),
      );
    },
  };
}

/**
 * JSON numbers beyond 2^53 lose digits in JSON.parse; the HTTP API writes
 * int64 amounts as bare numbers. Quote every bare number of 16+ digits so the
 * normaliser reads it exactly as a string. Hex strings are quoted already and
 * never follow a ':' '[' or ',' unquoted, so they are untouched.
 */
function quoteBigNumbers(text: string): string {
  return text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"');
}

function isEmpty(v: unknown): boolean {
  return typeof v !== 'object' || v === null || Object.keys(v).length === 0;
}
