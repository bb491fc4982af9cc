/** The XRP Ledger normaliser on recorded mainnet ledger 7501326 and recorded partial payments (test/fixtures/ledger/ripple/NOTES.md). */
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeRippleLedger } from '../../../../src/core/ledger/ripple/normalize-ripple-ledger.js';
import { currencySymbol, parseRippleAmount } from '../../../../src/core/ledger/ripple/parse-ripple-amount.js';
import { assembledPartialPaymentLedger, readRippleFixture, RECORDED_LEDGER, recordedLedger } from '../../../helpers/ripple-fixtures.js';

type RawTx = Record<string, unknown> & { hash: string; metaData: { TransactionResult: string; TransactionIndex: number } };

describe('normalizeRippleLedger on recorded ledger 7501326', () => {
  const raw = recordedLedger();
  const rawTxs = raw['transactions'] as RawTx[];
  const { block, problems } = normalizeRippleLedger(raw, RECORDED_LEDGER);

  it('keeps the header and every transaction in TransactionIndex order, success from TransactionResult', () => {
    expect(block.header).toEqual({ number: 7_501_326, hash: 'E212F3EA7454A298BC0D0BCD79CE37EE08068976216AB94C71E9DDDFE45C81A4', parentHash: '664D5B5110E1E9880B4FACD3BDA0996C502E0ABC71C87312900EB57E0E7A2413' });
    expect(problems).toEqual([]);
    const byIndex = [...rawTxs].sort((a, b) => a.metaData.TransactionIndex - b.metaData.TransactionIndex);
    expect(block.transactions.map((t) => t.hash)).toEqual(byIndex.map((t) => t.hash));
    expect(block.transactions.map((t) => t.success)).toEqual(byIndex.map((t) => t.metaData.TransactionResult === 'tesSUCCESS'));
    // Two tec results in this ledger: tecUNFUNDED_OFFER and tecPATH_DRY, in the ledger and charged, moved nothing.
    const failed = block.transactions.filter((t) => !t.success);
    expect(failed).toHaveLength(2);
    for (const t of failed) expect(t.transfers).toEqual([]);
    for (const t of block.transactions) expect(t.fee).toBe(BigInt(rawTxs.find((r) => r.hash === t.hash)!['Fee'] as string));
  });

  it('reads the two JPY payments as 16 JPY of issuer rMAz5… delivered (not partial: Amount is what arrived)', () => {
    const payments = block.transactions.filter((t) => t.transfers.length > 0);
    expect(payments.map((t) => t.hash).sort()).toEqual(['2404D179D60384599490E9BD5B0081A2E06AA9D91180DE2BB91E0B931181429A', '2564A4F4F1BE20AA13394FB06DA620814190A090DCDC03320CCB257F00D80B92']);
    for (const t of payments) {
      expect(t.transfers).toEqual([
        {
          leg: 'payment',
          kind: 'token',
          from: { key: expect.stringMatching(/^[0-9a-f]{40}$/), display: 'r4X3WWZ3UZMDw3Z7T32FXK2NAaiitSWZ9c' },
          to: { key: expect.stringMatching(/^[0-9a-f]{40}$/), display: 'rhS6Pb8oBMKshN6EznMeWCHJNHJuoom63r' },
          asset: { contract: 'JPY.rMAz5ZnK73nyNUL4foAvaxdreczCkG3vA6', symbol: 'JPY', decimals: 15 },
          amount: 16n * 10n ** 15n,
          tokenId: null,
        },
      ]);
    }
  });

  it('names accounts whose balances a DEX offer crossing changed as actors (a watched maker gets activity)', () => {
    const offer = block.transactions.find((t) => t.hash === '0582B697494C9B519E717DD363A83137EDE7616E9698DAB0DF9702B626B41BE5')!;
    expect(offer.signer?.display).toBe('r2d2iZiCcJmNL6vhUGFjs8U8BuUq6BnmT');
    // rDUqRdg8… owned the offer this OfferCreate consumed (ModifiedNode Offer in the recorded metadata).
    expect(offer.actors?.map((a) => a.display)).toContain('rDUqRdg8Fornm3H78Bc8onA1EKMarYMftj');
  });
});

describe('partial payments: the delivered amount, never Amount', () => {
  it('XRP: Amount/DeliverMax 2 XRP, delivered_amount 1 XRP (API v2 tx_json + meta)', () => {
    const ledger = assembledPartialPaymentLedger(recordedLedger());
    const [tx] = normalizeRippleLedger(ledger, RECORDED_LEDGER + 1).block.transactions;
    expect(tx!.hash).toBe('A0A074D10355223CBE2520A42F93A52E3CC8B4D692570EB4841084F9BBB39F7A');
    expect(tx!.transfers.map((t) => [t.from.display, t.to.display, t.asset.symbol, t.amount])).toEqual([['rGFuMiw48HdbnrUbkRYuitXTmfrDBNTCnX', 'rNNuQMuExCiEjeZ4h9JJnj5PSWypdMXDj4', 'XRP', 1_000_000n]]);
  });

  it('IOU: DeliverMax 10 USD, delivered 9.980039920159681 USD', () => {
    const partial = readRippleFixture('partialPaymentIOU.json') as { tx_json: { hash: string }; meta: unknown };
    const ledger = { ledger_index: 5, ledger_hash: 'A'.repeat(64), parent_hash: 'B'.repeat(64), transactions: [{ hash: partial.tx_json.hash, tx_json: partial.tx_json, meta: partial.meta }] };
    const [tx] = normalizeRippleLedger(ledger, 5).block.transactions;
    expect(tx!.transfers.map((t) => [t.asset.contract, t.amount])).toEqual([['USD.rvYAfWj5gh67oV6fW32ZzP3Aw4Eubs59B', 9_980_039_920_159_681n]]);
  });

  it('a partial payment whose delivered amount is "unavailable" moves no forged value: flagged, kept as activity', () => {
    const partial = readRippleFixture('partialPaymentXRP.json') as { tx_json: Record<string, unknown>; meta: Record<string, unknown> };
    const meta = { ...partial.meta, delivered_amount: 'unavailable' };
    const { block, problems } = normalizeRippleLedger({ ledger_index: '5', ledger_hash: 'A'.repeat(64), parent_hash: 'B'.repeat(64), transactions: [{ tx_json: partial.tx_json, meta, hash: partial.tx_json['hash'] }] }, 5);
    expect(block.transactions[0]!.transfers).toEqual([]);
    expect(block.transactions[0]!.actors?.map((a) => a.display)).toContain('rNNuQMuExCiEjeZ4h9JJnj5PSWypdMXDj4');
    expect(problems.join()).toMatch(/delivered amount is not known/);
  });
});

describe('hostile ledgers', () => {
  it('one malformed transaction is flagged, the rest of the ledger kept', () => {
    const raw = recordedLedger();
    const txs = [...(raw['transactions'] as RawTx[])];
    const payment = txs.findIndex((t) => t.hash === '2404D179D60384599490E9BD5B0081A2E06AA9D91180DE2BB91E0B931181429A');
    txs[payment] = { ...txs[payment]!, Amount: { currency: 'JPY', issuer: 'rMAz5ZnK73nyNUL4foAvaxdreczCkG3vA6', value: '-1e999' } };
    txs.push({ nonsense: true } as unknown as RawTx);
    const { block, problems } = normalizeRippleLedger({ ...raw, transactions: txs }, RECORDED_LEDGER);
    expect(block.transactions).toHaveLength(17);
    expect(block.transactions.find((t) => t.hash === '2404D179D60384599490E9BD5B0081A2E06AA9D91180DE2BB91E0B931181429A')!.transfers).toEqual([]);
    expect(problems).toHaveLength(2);
  });

  it('a bad header, a missing or unexpanded transaction list or the wrong ledger is retried, never a partial ledger', () => {
    const raw = recordedLedger();
    const attempts: unknown[] = [
      { ...raw, parent_hash: 'zz' },
      { ...raw, transactions: undefined },
      { ...raw, transactions: (raw['transactions'] as RawTx[]).map((t) => t.hash) },
      { ...raw, transactions: [...(raw['transactions'] as RawTx[]), (raw['transactions'] as RawTx[])[0]] },
      null,
    ];
    for (const attempt of attempts) expect(() => normalizeRippleLedger(attempt, RECORDED_LEDGER)).toThrow(RetryableError);
    expect(() => normalizeRippleLedger(raw, RECORDED_LEDGER + 1)).toThrow(/answered ledger 7501326 when asked for 7501327/);
  });
});

describe('parseRippleAmount', () => {
  it('reads drops, decimal and exponent IOU values, MPTs; refuses negatives and junk', () => {
    expect(parseRippleAmount('4456')).toMatchObject({ kind: 'native', amount: 4456n });
    const iou = (value: string) => parseRippleAmount({ currency: 'USD', issuer: 'rvYAfWj5gh67oV6fW32ZzP3Aw4Eubs59B', value }).amount;
    expect(iou('1')).toBe(10n ** 15n);
    expect(iou('0.00445549772955297')).toBe(4_455_497_729_552n);
    expect(iou('1e-5')).toBe(10n ** 10n);
    expect(iou('1.5e3')).toBe(1500n * 10n ** 15n);
    expect(parseRippleAmount({ mpt_issuance_id: '0000012FFD9EE5DA93AC614B4DB94D7E0FCE415CA51BED47', value: '100' })).toMatchObject({ kind: 'token', amount: 100n, asset: { symbol: 'MPT', decimals: 0 } });
    for (const bad of ['-5', '1.5', { currency: 'USD', issuer: 'r', value: '-1' }, { currency: 'XRP', issuer: 'r', value: '1' }, { currency: 'USD', value: '1' }, null, 7]) expect(() => parseRippleAmount(bad)).toThrow();
  });

  it('shows 40-hex currency codes as their text', () => {
    expect(currencySymbol('534F4C4F00000000000000000000000000000000')).toBe('SOLO');
    expect(currencySymbol('0000000000000000000000005553440000000000')).toBe('USD');
    expect(currencySymbol('USD')).toBe('USD');
  });
});
