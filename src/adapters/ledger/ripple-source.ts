import { PermanentError, RetryableError } from '../../core/errors.js';
import { normalizeRippleLedger, readRippleLedgerHeader } from '../../core/ledger/ripple/normalize-ripple-ledger.js';
import type { LedgerHttpClient } from './ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from './ledger-source.js';

/** rippled errors that no retry will fix: the node does not offer the method, or refuses our parameters. */
const PERMANENT_ERRORS = new Set(['unknownCmd', 'invalidParams', 'noPermission', 'forbidden']);

/**
 * An XRP Ledger node over rippled's JSON-RPC (rippled or Clio; docs/ripple.md):
 * `ledger` with `ledger_index: "validated"` for the head, `ledger` by index
 * with `transactions: true, expand: true` for a ledger and its transactions
 * with metadata, `ledger` by index alone for a header. Only validated ledgers
 * are read: a ledger the node has not validated (or does not have:
 * `lgrNotFound`) is retried, never skipped.
 */
export const RIPPLE_SOURCE: LedgerSourceFactory = {
  create: ({ chain, http }) => createRippleSource(chain.id, http),
};

export function createRippleSource(chainId: string, http: LedgerHttpClient): LedgerSource {
  const flagged = { transactions: 0, last: null as string | null };

  async function ledger(params: Record<string, unknown>, what: string): Promise<Record<string, unknown>> {
    // rippled's JSON-RPC is not JSON-RPC 2.0: `params` is a one-element array and errors come back inside `result`.
    const answer = asRecord(await http.post('/', { method: 'ledger', params: [params] }));
    const result = asRecord(answer?.['result']);
    if (result === undefined) throw new RetryableError('RPC_BAD_RESPONSE', `ledger (${what}) on chain ${chainId} answered no result`);
    if (result['status'] !== 'success') {
      const code = typeof result['error'] === 'string' ? result['error'].slice(0, 40) : 'unknown error';
      const message = `ledger (${what}) on chain ${chainId} failed: ${code}`;
      if (PERMANENT_ERRORS.has(code)) throw new PermanentError('RPC_CALL_FAILED', message);
      // lgrNotFound (not there yet, or outside the node's history), tooBusy, noNetwork, noCurrent...
      throw new RetryableError('RPC_CALL_FAILED', message);
    }
    return result;
  }

  function validatedLedger(result: Record<string, unknown>, number: number): unknown {
    if (result['validated'] !== true) throw new RetryableError('BLOCK_NOT_AVAILABLE', `XRP Ledger node has not validated ledger ${number} on chain ${chainId} yet`);
    return result['ledger'];
  }

  return {
    async fetchHeadNumber() {
      const result = await ledger({ ledger_index: 'validated' }, 'validated');
      const index = result['ledger_index'] ?? asRecord(result['ledger'])?.['ledger_index'];
      const number = typeof index === 'number' ? index : typeof index === 'string' && /^\d{1,12}$/.test(index) ? Number(index) : Number.NaN;
      if (!Number.isSafeInteger(number) || number < 1) throw new RetryableError('RPC_BAD_RESPONSE', `XRP Ledger node on chain ${chainId} answered no validated ledger index`);
      return number;
    },
    async fetchBlocks(numbers) {
      return Promise.all(
        numbers.map(async (n) => {
          const result = await ledger({ ledger_index: n, transactions: true, expand: true }, `ledger ${n}`);
          const { block, problems } = normalizeRippleLedger(validatedLedger(result, n), n);
          if (problems.length > 0) {
            flagged.transactions += problems.length;
            flagged.last = problems[problems.length - 1]!.slice(0, 300);
          }
          return block;
        }),
      );
    },
    async fetchHeaders(numbers) {
      return Promise.all(numbers.map(async (n) => readRippleLedgerHeader(validatedLedger(await ledger({ ledger_index: n }, `ledger ${n}`), n), n)));
    },
    describe: () => ({ api: 'rippled JSON-RPC', transactions: 'ledger transactions+expand', host: http.currentHost(), flaggedTransactions: flagged.transactions, lastFlagged: flagged.last }),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
