import { RetryableError } from '../../core/errors.js';
import { normalizeStellarLedger, readStellarLedgerHeader } from '../../core/ledger/stellar/normalize-stellar-ledger.js';
import type { LedgerHttpClient } from './ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from './ledger-source.js';

/** Horizon's largest page. */
const PAGE_LIMIT = 200;
/** A ledger holds at most a few thousand operations (its tx set limit); more pages than this is a node in a loop. */
const MAX_PAGES = 100;

/**
 * Stellar over Horizon's REST API (docs/stellar.md): `GET /` for the newest
 * ingested ledger (`history_latest_ledger`), `GET /ledgers/{seq}` for a header,
 * and `GET /ledgers/{seq}/transactions` + `/operations` with
 * `include_failed=true&order=asc&limit=200`, paged by cursor, for its content.
 * A ledger Horizon has not ingested yet answers 404, which is retried.
 */
export const STELLAR_SOURCE: LedgerSourceFactory = {
  create: ({ chain, http }) => createStellarSource(chain.id, http),
};

export function createStellarSource(chainId: string, http: LedgerHttpClient): LedgerSource {
  const flagged = { operations: 0, last: null as string | null };

  async function allRecords(sequence: number, what: 'transactions' | 'operations'): Promise<unknown[]> {
    const out: unknown[] = [];
    let cursor = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = asRecord(await http.get(`/ledgers/${sequence}/${what}?include_failed=true&order=asc&limit=${PAGE_LIMIT}${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`));
      const records = asRecord(body?.['_embedded'])?.['records'];
      if (!Array.isArray(records)) throw new RetryableError('RPC_BAD_RESPONSE', `Horizon on chain ${chainId} answered no ${what} page for ledger ${sequence}`);
      out.push(...(records as unknown[]));
      if (records.length < PAGE_LIMIT) return out;
      const last = asRecord(records[records.length - 1])?.['paging_token'];
      if (typeof last !== 'string' || last === cursor) throw new RetryableError('RPC_BAD_RESPONSE', `Horizon on chain ${chainId} gave no usable paging token for ledger ${sequence} ${what}`);
      cursor = last;
    }
    throw new RetryableError('RPC_BAD_RESPONSE', `Horizon on chain ${chainId} kept paging ledger ${sequence} ${what}`);
  }

  return {
    async fetchHeadNumber() {
      const root = asRecord(await http.get('/'));
      const latest = root?.['history_latest_ledger'];
      if (typeof latest !== 'number' || !Number.isSafeInteger(latest) || latest < 1) throw new RetryableError('RPC_BAD_RESPONSE', `Horizon on chain ${chainId} answered no history_latest_ledger`);
      return latest;
    },
    async fetchBlocks(numbers) {
      return Promise.all(
        numbers.map(async (n) => {
          const [ledger, transactions, operations] = await Promise.all([http.get(`/ledgers/${n}`), allRecords(n, 'transactions'), allRecords(n, 'operations')]);
          const { block, problems } = normalizeStellarLedger({ ledger, transactions, operations }, n);
          if (problems.length > 0) {
            flagged.operations += problems.length;
            flagged.last = problems[problems.length - 1]!.slice(0, 300);
          }
          return block;
        }),
      );
    },
    async fetchHeaders(numbers) {
      return Promise.all(numbers.map(async (n) => readStellarLedgerHeader(await http.get(`/ledgers/${n}`), n)));
    },
    describe: () => ({ api: 'Horizon REST', transactions: 'ledgers/{seq}/transactions+operations include_failed', host: http.currentHost(), flaggedOperations: flagged.operations, lastFlagged: flagged.last }),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
