/**
 * Stellar test ledgers (what is recorded and what is assembled: test/fixtures/ledger/stellar/NOTES.md).
 *
 * RECORDED, mainnet (horizon.stellar.org), unchanged:
 * - ledgers 2, 3, 4 (`/ledgers?cursor=&limit=3&order=asc`, java-stellar-sdk `pages/ledgers.json`): a chain
 *   linked by prev_hash; 2 and 4 hold no transaction, 3 holds one;
 * - ledger 3's one transaction (first record of `/transactions?cursor=&limit=3&order=asc`, js-stellar-sdk
 *   `server.test.ts`) and its three operations (`/operations?cursor=&limit=3&order=asc`, java-stellar-sdk
 *   `pages/operations.json`): the genesis distribution, root account -> GALPCCZN… (create_account 20 XLM,
 *   payment 99,999,999,959.99997 XLM, set_options);
 * - `/payments?cursor=&limit=3&order=asc` (java-stellar-sdk `pages/payments.json`): Horizon's own list of
 *   the value-moving operations, used as an oracle;
 * - single operation and transaction records of later ledgers (`pieces/`).
 *
 * ASSEMBLED here (no recorded counterpart): the empty transaction/operation pages of ledgers 2 and 4 (their
 * records say 0 and 0), the "cases" ledger that holds the recorded pieces (a ledger record and, for each
 * recorded operation whose transaction record was not recorded, a transaction record built from the
 * operation's own fields), and ledger 5 after the recorded 4, holding the recorded failed transaction.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HorizonReplayLedger } from '../../src/devchain/ledger/stellar/start-stellar-replay-server.js';

type Json = Record<string, unknown>;

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'ledger', 'stellar');

/** Reads a fixture; the .NET SDK's files start with a UTF-8 byte order mark, which JSON.parse refuses. */
export function readStellarFixture(name: string): Json {
  return JSON.parse(readFileSync(path.join(DIR, name), 'utf8').replace(/^\uFEFF/, '')) as Json;
}

function records(page: Json): Json[] {
  return (page['_embedded'] as { records: Json[] }).records;
}

export const SHIPPED_STELLAR = 'GBPIDVKDSNF74OAGVBSPKLW73CSCGISBOBRB3ODROTMOEENZFC6WJFPN';
export const USDC_ISSUER = 'GA5ZSEJYB37JRC5AVCIA5MOP4RHTM335X2KGX3IHOJAPP5RE34K4KZVN';

/** Mainnet's root account, which funded the network in ledger 3, and the account it funded. */
export const ROOT_ACCOUNT = 'GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7';
export const GENESIS_RECIPIENT = 'GALPCCZN4YXA3YMJHKL6CVIECKPLJJCTVMSNYWBTKJW4K5HQLYLDMZTB';
export const GENESIS_TX = '3389e9f0f1a65f19736cacf544c2e825313e8447f569233bb8db39aa607c8889';

/** The recorded ledger records 2, 3 and 4, by sequence. */
export function recordedLedgerRecords(): Map<number, Json> {
  return new Map(records(readStellarFixture('ledgers-2-4.json')).map((r) => [r['sequence'] as number, r]));
}

/** Recorded transaction records (the first three of mainnet: ledgers 3, 7841, 7855). */
export function recordedFirstTransactions(): Json[] {
  return records(readStellarFixture('transactions-first-3.json'));
}

/** Recorded operation records of ledger 3 (all three). */
export function recordedLedger3Operations(): Json[] {
  return records(readStellarFixture('operations-ledger-3.json'));
}

/** Recorded `/payments` records (ledger 3's create_account and payment, then ledger 7841's first). */
export function recordedFirstPayments(): Json[] {
  return records(readStellarFixture('payments-first-3.json'));
}

/** A recorded ledger as the replay Horizon serves it: 3 with its records, 2 and 4 with empty pages (their records count 0 and 0). */
export function recordedLedger(sequence: 2 | 3 | 4): HorizonReplayLedger {
  const ledger = recordedLedgerRecords().get(sequence)!;
  if (sequence !== 3) return { ledger, transactions: [], operations: [] };
  return { ledger, transactions: recordedFirstTransactions().filter((t) => t['ledger'] === 3), operations: recordedLedger3Operations() };
}

/** The recorded single records of later ledgers, by what they show. */
export function recordedPieces() {
  const op = (name: string) => readStellarFixture(`pieces/operation-${name}.json`);
  const tx = (name: string) => readStellarFixture(`pieces/transaction-${name}.json`);
  return {
    pathPaymentStrictSend: op('path_payment_strict_send'),
    pathPaymentStrictReceiveFailed: op('path_payment_strict_receive'),
    accountMerge: op('account_merge'),
    usdcPayment: op('payment'),
    sacTransfer: op('invoke_host_function'),
    muxedPathPayment: op('path_payment_strict_send-muxed'),
    muxedAccountMerge: op('account_merge-muxed'),
    failedTx: tx('failed'),
    feeBumpTx: tx('fee-bump'),
    muxedFeeBumpTx: tx('muxed-id'),
  };
}

const assembledHash = (label: string) => createHash('sha256').update(`chainwatch assembled Stellar ${label}`).digest('hex');

/**
 * ASSEMBLED: the transaction record of a recorded operation whose transaction was not recorded, from the
 * operation's own fields (hash, source, success; paging_token = the operation's TOID with the operation
 * index cleared, as Horizon numbers a transaction). No fee: none was recorded, so none is made up.
 */
export function assembledTransactionOf(operation: Json): Json {
  const id = BigInt(String(operation['id']));
  return {
    id: operation['transaction_hash'],
    paging_token: String(id & ~0xfffn),
    successful: operation['transaction_successful'],
    hash: operation['transaction_hash'],
    ledger: Number(id >> 32n),
    source_account: operation['source_account'],
    operation_count: 1,
  };
}

/**
 * ASSEMBLED: one ledger holding recorded pieces of different ledgers (each keeps its own ids). Its counts
 * add up to what it holds; `tx_set_operation_count` is null (as Horizon answers for ledgers whose count it
 * did not record) because the recorded transaction-only pieces come without their operations.
 */
export function assembledLedger(sequence: number, prevHash: string, transactions: readonly Json[], operations: readonly Json[]): HorizonReplayLedger {
  const hash = assembledHash(`ledger ${sequence}`);
  const failed = transactions.filter((t) => t['successful'] === false).length;
  return {
    ledger: { id: hash, paging_token: String(BigInt(sequence) << 32n), hash, prev_hash: prevHash, sequence, successful_transaction_count: transactions.length - failed, failed_transaction_count: failed, operation_count: operations.filter((o) => o['transaction_successful'] !== false).length, tx_set_operation_count: null },
    transactions: [...transactions],
    operations: [...operations],
  };
}

/** ASSEMBLED: the cases ledger: every recorded operation piece (with its assembled transaction) and every recorded transaction piece. */
export function assembledCasesLedger(sequence: number, prevHash: string): HorizonReplayLedger {
  const p = recordedPieces();
  const ops = [p.pathPaymentStrictSend, p.pathPaymentStrictReceiveFailed, p.accountMerge, p.usdcPayment, p.sacTransfer, p.muxedPathPayment, p.muxedAccountMerge];
  return assembledLedger(sequence, prevHash, [...ops.map(assembledTransactionOf), p.failedTx, p.feeBumpTx, p.muxedFeeBumpTx], ops);
}
