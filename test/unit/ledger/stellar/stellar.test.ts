/** Stellar: StrKey addresses (SEP-23 vectors, the shipped address) and the Horizon ledger normaliser on an assembled ledger. */
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeStellarLedger } from '../../../../src/core/ledger/stellar/normalize-stellar-ledger.js';
import { account, assembledLedger, LEDGER, SHIPPED_STELLAR, TX, USDC_ISSUER } from '../../../helpers/stellar-fixtures.js';

describe('Stellar addresses', () => {
  it('accepts the shipped CoinEx address and SEP-23 vectors; M… muxed accounts are their G… account', () => {
    expect(normalizeLedgerAddress('stellar', SHIPPED_STELLAR).display).toBe(SHIPPED_STELLAR);
    expect(normalizeLedgerAddress('stellar', USDC_ISSUER).display).toBe(USDC_ISSUER);
    // SEP-23: MA7QYNF7…AAJLK (id 0) and …ACJUQ (id 2^63) are muxed forms of GA7QYNF7…VSGZ.
    const g = normalizeLedgerAddress('stellar', 'GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ');
    for (const m of ['MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLK', 'MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ']) expect(normalizeLedgerAddress('stellar', m)).toEqual(g);
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

describe('normalizeStellarLedger', () => {
  const prev = 'ab'.repeat(32);
  const ledger = assembledLedger(LEDGER, prev);
  const shippedKey = normalizeLedgerAddress('stellar', SHIPPED_STELLAR).matchKey;

  it('reads payments, path payments (received amount), create_account; a failed transaction moves nothing', () => {
    const { block, problems } = normalizeStellarLedger(ledger, LEDGER);
    expect(problems).toEqual([]);
    expect(block.header).toEqual({ number: LEDGER, hash: ledger.ledger['hash'], parentHash: prev });
    expect(block.transactions.map((t) => [t.hash, t.success, t.fee])).toEqual([
      [TX.payIn, true, 100n],
      [TX.failedOut, false, 100n],
      [TX.usdc, true, 100n],
      [TX.create, true, 100n],
    ]);
    const legs = block.transactions.flatMap((t) => t.transfers.map((l) => [t.hash, l.leg, l.kind, l.to.key === shippedKey, l.asset.contract, l.amount]));
    expect(legs).toEqual([
      [TX.payIn, 'op0', 'native', true, null, 1_255_000_000n],
      [TX.usdc, 'op1', 'token', true, `USDC:${USDC_ISSUER}`, 420_000_001n],
      [TX.create, 'op0', 'native', false, null, 10_000_000n],
    ]);
    expect(block.transactions[1]!.transfers).toEqual([]);
    expect(block.transactions[1]!.signer?.display).toBe(SHIPPED_STELLAR);
  });

  it('a page short of the ledger counts, a wrong sequence or a foreign operation is retried, never a partial ledger', () => {
    expect(() => normalizeStellarLedger({ ...ledger, operations: ledger.operations.slice(1) }, LEDGER)).toThrow(RetryableError);
    expect(() => normalizeStellarLedger({ ...ledger, transactions: ledger.transactions.slice(1) }, LEDGER)).toThrow(RetryableError);
    expect(() => normalizeStellarLedger(ledger, LEDGER + 1)).toThrow(/answered ledger 50000000 when asked for 50000001/);
    const foreign = [...ledger.operations.slice(1), { ...ledger.operations[0]!, transaction_hash: 'cd'.repeat(32) }];
    expect(() => normalizeStellarLedger({ ...ledger, operations: foreign }, LEDGER)).toThrow(RetryableError);
  });

  it('one malformed operation is flagged and its transaction kept as activity', () => {
    const ops = ledger.operations.map((o) => (o['transaction_hash'] === TX.payIn ? { ...o, amount: '-5' } : o));
    const { block, problems } = normalizeStellarLedger({ ...ledger, operations: ops }, LEDGER);
    expect(problems).toHaveLength(1);
    const tx = block.transactions.find((t) => t.hash === TX.payIn)!;
    expect(tx.transfers).toEqual([]);
    expect(tx.actors?.map((a) => a.display)).toContain(SHIPPED_STELLAR);
    expect(account('A')).toBe(tx.signer?.display);
  });
});
