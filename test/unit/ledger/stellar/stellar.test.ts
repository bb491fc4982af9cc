/**
 * Stellar: StrKey addresses (SEP-23 vectors, the shipped address) and the Horizon ledger normaliser on
 * RECORDED mainnet Horizon answers (ledgers 2-4, ledger 3's transaction and operations) and on recorded
 * single operation/transaction records of later ledgers held in one ASSEMBLED ledger
 * (test/fixtures/ledger/stellar/NOTES.md). Expected values are read from the fixtures' own fields, and
 * for ledger 3 from Horizon's own `/payments` list and the ledgers' fee pools.
 */
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeStellarLedger, readStellarLedgerHeader } from '../../../../src/core/ledger/stellar/normalize-stellar-ledger.js';
import {
  assembledCasesLedger,
  GENESIS_RECIPIENT,
  GENESIS_TX,
  recordedFirstPayments,
  recordedLedger,
  recordedLedgerRecords,
  recordedPieces,
  ROOT_ACCOUNT,
  SHIPPED_STELLAR,
  USDC_ISSUER,
} from '../../../helpers/stellar-fixtures.js';

type Json = Record<string, unknown>;

/** Horizon prints every amount with exactly 7 decimals: the stroops are the digits without the point. */
const stroops = (amount: unknown): bigint => {
  expect(amount).toMatch(/^\d+\.\d{7}$/);
  return BigInt(String(amount).replace('.', ''));
};
const keyOf = (address: unknown): string => normalizeLedgerAddress('stellar', String(address)).matchKey;
/** Leg of an operation: its index in the transaction, the low 12 bits of its TOID id, counted from 1. */
const legOf = (op: Json): string => `op${Number(BigInt(String(op['id'])) & 0xfffn) - 1}`;

describe('Stellar addresses', () => {
  it('accepts the shipped CoinEx address and SEP-23 vectors; M… muxed accounts are their G… account', () => {
    expect(normalizeLedgerAddress('stellar', SHIPPED_STELLAR).display).toBe(SHIPPED_STELLAR);
    expect(normalizeLedgerAddress('stellar', USDC_ISSUER).display).toBe(USDC_ISSUER);
    // SEP-23: MA7QYNF7…AAJLK (id 0) and …ACJUQ (id 2^63) are muxed forms of GA7QYNF7…VSGZ.
    const g = normalizeLedgerAddress('stellar', 'GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ');
    for (const m of ['MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLK', 'MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ']) expect(normalizeLedgerAddress('stellar', m)).toEqual(g);
  });

  it('reads the muxed accounts Horizon recorded as the G… account it printed beside them', () => {
    const { muxedPathPayment, muxedAccountMerge } = recordedPieces();
    for (const [muxed, account] of [
      [muxedPathPayment['to_muxed'], muxedPathPayment['to']],
      [muxedPathPayment['from_muxed'], muxedPathPayment['from']],
      [muxedAccountMerge['into_muxed'], muxedAccountMerge['into']],
    ]) expect(normalizeLedgerAddress('stellar', String(muxed)).display).toBe(account);
  });

  it('refuses bad checksums, seeds, lowercase and foreign addresses', () => {
    for (const bad of [
      'GBPIDVKDSNF74OAGVBSPKLW73CSCGISBOBRB3ODROTMOEENZFC6WJFPM',
      'GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ'.toLowerCase(),
      // SEP-23 invalid: a secret seed is never an account.
      'SBU2RRGLXH3E5CQHTD3ODLDF2BWDCYUSSBLLZ5GNW7JXHDIYKXZWHOKR',
      // SEP-23 invalid: unused trailing bit must be zero.
      'GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGT',
      'rpQxVcjVF2fC23r3xKyJS53jw8d5SRhZQf',
    ]) expect(() => normalizeLedgerAddress('stellar', bad), bad).toThrow(AddressError);
  });
});

describe('normalizeStellarLedger on recorded mainnet ledgers 2-4', () => {
  const headers = recordedLedgerRecords();
  const ledger3 = recordedLedger(3);

  it('reads the recorded headers as a chain linked by prev_hash', () => {
    const read = [2, 3, 4].map((n) => readStellarLedgerHeader(headers.get(n), n));
    expect(read.map((h) => h.hash)).toEqual([2, 3, 4].map((n) => headers.get(n)!['hash']));
    expect(read[1]!.parentHash).toBe(read[0]!.hash);
    expect(read[2]!.parentHash).toBe(read[1]!.hash);
    for (const n of [2, 4] as const) expect(normalizeStellarLedger(recordedLedger(n), n).block.transactions).toEqual([]);
  });

  it('ledger 3 moves what Horizon lists as its payments, from the root account to GALPCCZN…; set_options moves nothing', () => {
    const { block, problems } = normalizeStellarLedger(ledger3, 3);
    expect(problems).toEqual([]);
    expect(block.header).toEqual({ number: 3, hash: headers.get(3)!['hash'], parentHash: headers.get(2)!['hash'] });
    expect(block.transactions.map((t) => [t.hash, t.success, t.signer?.display])).toEqual([[GENESIS_TX, true, ROOT_ACCOUNT]]);
    const [tx] = block.transactions;

    // Oracle: Horizon's own /payments list (create_account and payment are the operations that move value).
    const payments = recordedFirstPayments().filter((p) => BigInt(String(p['id'])) >> 32n === 3n);
    expect(payments.map((p) => p['type'])).toEqual(['create_account', 'payment']);
    expect(tx!.transfers.map((l) => [l.leg, l.kind, l.from.key, l.to.key, l.asset.symbol, l.amount])).toEqual(
      payments.map((p) => [legOf(p), 'native', keyOf(p['funder'] ?? p['from']), keyOf(p['account'] ?? p['to']), 'XLM', stroops(p['starting_balance'] ?? p['amount'])]),
    );
    expect(tx!.transfers.map((l) => l.to.display)).toEqual([GENESIS_RECIPIENT, GENESIS_RECIPIENT]);
    expect(tx!.transfers.reduce((sum, l) => sum + l.amount, 0n)).toBe(999_999_999_799_999_700n);

    // Oracle: the fee is what the fee pool grew by from ledger 2 to ledger 3.
    expect(tx!.fee).toBe(stroops(headers.get(3)!['fee_pool']) - stroops(headers.get(2)!['fee_pool']));
  });

  it('a page short of the ledger counts, a wrong sequence or a foreign operation is retried, never a partial ledger', () => {
    expect(() => normalizeStellarLedger({ ...ledger3, operations: ledger3.operations.slice(1) }, 3)).toThrow(RetryableError);
    expect(() => normalizeStellarLedger({ ...ledger3, transactions: [] }, 3)).toThrow(RetryableError);
    expect(() => normalizeStellarLedger(ledger3, 4)).toThrow(/answered ledger 3 when asked for 4/);
    const foreign = [...ledger3.operations.slice(1), { ...ledger3.operations[0]!, transaction_hash: 'cd'.repeat(32) }];
    expect(() => normalizeStellarLedger({ ...ledger3, operations: foreign }, 3)).toThrow(RetryableError);
  });

  it('one malformed operation is flagged and its transaction kept as activity of the accounts it names', () => {
    const ops = ledger3.operations.map((o) => (o['type'] === 'payment' ? { ...o, amount: '-5' } : o));
    const { block, problems } = normalizeStellarLedger({ ...ledger3, operations: ops }, 3);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(GENESIS_TX);
    const [tx] = block.transactions;
    expect(tx!.transfers.map((l) => l.leg)).toEqual(['op0']);
    expect(tx!.actors?.map((a) => a.display)).toContain(GENESIS_RECIPIENT);
  });
});

describe('normalizeStellarLedger on recorded operations and transactions of later ledgers (one assembled ledger)', () => {
  const p = recordedPieces();
  const { block, problems } = normalizeStellarLedger(assembledCasesLedger(60_000_000, 'ab'.repeat(32)), 60_000_000);
  const txOf = (hash: unknown) => block.transactions.find((t) => t.hash === hash)!;
  const legsOf = (hash: unknown) => txOf(hash).transfers.map((l) => [l.leg, l.kind, l.from.key, l.to.key, l.asset.contract, l.amount]);
  const assetOf = (op: Json) => `${String(op['asset_code'])}:${String(op['asset_issuer'])}`;

  it('reads every recorded piece without a problem', () => {
    expect(problems).toEqual([]);
    expect(block.transactions).toHaveLength(10);
  });

  it('path payments: what the destination received, in the destination asset (source amount ignored)', () => {
    for (const op of [p.pathPaymentStrictSend, p.muxedPathPayment]) {
      expect(legsOf(op['transaction_hash'])).toEqual([[legOf(op), 'token', keyOf(op['from']), keyOf(op['to']), assetOf(op), stroops(op['amount'])]]);
    }
    // The muxed destination MBZG3… is its G… account: a watch on GBZG3… sees it.
    expect(txOf(p.muxedPathPayment['transaction_hash']).transfers[0]!.to.key).toBe(keyOf(p.muxedPathPayment['to_muxed']));
  });

  it('a USDC payment is a token leg; a Soroban SAC transfer is leg op<i>.sac<j>', () => {
    expect(legsOf(p.usdcPayment['transaction_hash'])).toEqual([[legOf(p.usdcPayment), 'token', keyOf(p.usdcPayment['from']), keyOf(p.usdcPayment['to']), `USDC:${USDC_ISSUER}`, stroops(p.usdcPayment['amount'])]]);
    const [change] = p.sacTransfer['asset_balance_changes'] as Json[];
    expect(legsOf(p.sacTransfer['transaction_hash'])).toEqual([[`${legOf(p.sacTransfer)}.sac0`, 'token', keyOf(change!['from']), keyOf(change!['to']), assetOf(change!), stroops(change!['amount'])]]);
  });

  it('account_merge (plain and muxed) moves no amount and is activity of both accounts', () => {
    for (const op of [p.accountMerge, p.muxedAccountMerge]) {
      const tx = txOf(op['transaction_hash']);
      expect(tx.transfers).toEqual([]);
      expect(tx.signer?.key).toBe(keyOf(op['account']));
      expect(tx.actors?.map((a) => a.key)).toContain(keyOf(op['into']));
    }
  });

  it('failed transactions move nothing, are charged their fee and stay activity of their source', () => {
    const failedOp = txOf(p.pathPaymentStrictReceiveFailed['transaction_hash']);
    expect(p.pathPaymentStrictReceiveFailed['transaction_successful']).toBe(false);
    expect([failedOp.success, failedOp.transfers]).toEqual([false, []]);
    expect(failedOp.signer?.key).toBe(keyOf(p.pathPaymentStrictReceiveFailed['source_account']));

    const failedTx = txOf(p.failedTx['hash']);
    expect([failedTx.success, failedTx.transfers, failedTx.fee]).toEqual([false, [], BigInt(String(p.failedTx['fee_charged']))]);
    expect(failedTx.signer?.key).toBe(keyOf(p.failedTx['source_account']));
  });

  it('fee bumps (one with a muxed source): the fee account is an actor and the fee is not put on the inner source', () => {
    for (const tx of [p.feeBumpTx, p.muxedFeeBumpTx]) {
      expect(tx['fee_account']).not.toBe(tx['source_account']);
      const read = txOf(tx['hash']);
      expect([read.success, read.fee, read.signer?.key]).toEqual([true, null, keyOf(tx['source_account'])]);
      expect(read.actors?.map((a) => a.key)).toContain(keyOf(tx['fee_account']));
    }
    expect(keyOf(p.muxedFeeBumpTx['account_muxed'])).toBe(keyOf(p.muxedFeeBumpTx['source_account']));
  });
});
