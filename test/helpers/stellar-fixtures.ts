/**
 * Stellar test ledgers: ASSEMBLED in Horizon's JSON shapes (see test/fixtures/ledger/stellar/NOTES.md):
 * no recorded mainnet Horizon ledger was available offline. Accounts are valid StrKeys (the shipped
 * CoinEx address, Circle's USDC issuer, and keys derived from labels), ids are real TOIDs.
 */
import { createHash } from 'node:crypto';
import { encodeStellarAccount } from '../../src/core/ledger/stellar/normalize-stellar-address.js';
import type { HorizonReplayLedger } from '../../src/devchain/ledger/stellar/start-stellar-replay-server.js';

export const SHIPPED_STELLAR = 'GBPIDVKDSNF74OAGVBSPKLW73CSCGISBOBRB3ODROTMOEENZFC6WJFPN';
export const USDC_ISSUER = 'GA5ZSEJYB37JRC5AVCIA5MOP4RHTM335X2KGX3IHOJAPP5RE34K4KZVN';
export const LEDGER = 50_000_000;

const sha = (label: string) => createHash('sha256').update(label).digest();
export const account = (label: string) => encodeStellarAccount(sha(`account ${label}`));
const hash = (label: string) => sha(`hash ${label}`).toString('hex');
const toid = (ledger: number, txOrder: number, opIndex: number) => ((BigInt(ledger) << 32n) | (BigInt(txOrder) << 12n) | BigInt(opIndex)).toString();


export const txHashes = (sequence: number) => ({ payIn: hash(`pay in ${sequence}`), failedOut: hash(`failed out ${sequence}`), usdc: hash(`usdc path ${sequence}`), create: hash(`create ${sequence}`) });
export const TX = txHashes(LEDGER);

export function assembledLedger(sequence: number, prevHash: string): HorizonReplayLedger {
  const a = account('A');
  const b = account('B');
  const c = account('C');
  const TX = txHashes(sequence);
  const tx = (order: number, h: string, source: string, successful: boolean, ops: number) => ({
    id: h, paging_token: toid(sequence, order, 0), successful, hash: h, ledger: sequence, source_account: source, fee_account: source, fee_charged: '100', max_fee: '100', operation_count: ops,
  });
  const op = (order: number, index: number, h: string, successful: boolean, fields: Record<string, unknown>) => ({
    id: toid(sequence, order, index), paging_token: toid(sequence, order, index), transaction_successful: successful, transaction_hash: h, ...fields,
  });
  const transactions = [tx(1, TX.payIn, a, true, 1), tx(2, TX.failedOut, SHIPPED_STELLAR, false, 1), tx(3, TX.usdc, c, true, 2), tx(4, TX.create, a, true, 1)];
  const operations = [
    op(1, 1, TX.payIn, true, { type: 'payment', type_i: 1, source_account: a, from: a, to: SHIPPED_STELLAR, asset_type: 'native', amount: '125.5000000' }),
    op(2, 1, TX.failedOut, false, { type: 'payment', type_i: 1, source_account: SHIPPED_STELLAR, from: SHIPPED_STELLAR, to: b, asset_type: 'native', amount: '99999.0000000' }),
    op(3, 1, TX.usdc, true, { type: 'change_trust', type_i: 6, source_account: c, trustor: c, asset_type: 'credit_alphanum4', asset_code: 'USDC', asset_issuer: USDC_ISSUER }),
    op(3, 2, TX.usdc, true, { type: 'path_payment_strict_send', type_i: 13, source_account: c, from: c, to: SHIPPED_STELLAR, asset_type: 'credit_alphanum4', asset_code: 'USDC', asset_issuer: USDC_ISSUER, amount: '42.0000001', source_asset_type: 'native', source_amount: '400.0000000' }),
    op(4, 1, TX.create, true, { type: 'create_account', type_i: 0, source_account: a, funder: a, account: b, starting_balance: '1.0000000' }),
  ];
  return {
    ledger: { id: hash(`ledger ${sequence}`), paging_token: toid(sequence, 0, 0), hash: hash(`ledger ${sequence}`), prev_hash: prevHash, sequence, successful_transaction_count: 3, failed_transaction_count: 1, operation_count: 4, tx_set_operation_count: 5, closed_at: '2026-01-01T00:00:00Z' },
    transactions,
    operations,
  };
}
