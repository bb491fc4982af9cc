/** Zilliqa (issue #14): zil1/base16 addresses and the TxBlock normaliser on recorded API answers (test/fixtures/ledger/zilliqa/NOTES.md). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeZilliqaBlock } from '../../../src/core/ledger/zilliqa/normalize-zilliqa-block.js';
import { zilliqaAddressOfPublicKey } from '../../../src/core/ledger/zilliqa/zilliqa-address.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../fixtures/ledger/zilliqa/${name}`, import.meta.url), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const block40 = fixture('get-tx-block-40.json') as Json;
const bodies2 = fixture('txn-bodies-block-2.json') as Json[];
const gzil = fixture('transaction-gzil-transfer.json') as Json;

describe('Zilliqa addresses', () => {
  it('accepts the shipped CoinEx zil1 address and its base16 form as one account', () => {
    const a = normalizeLedgerAddress('zilliqa', 'zil1ntf5fv4swp9d2tns6dftsvy3apry5t4n2ydw4a');
    expect(a.display).toBe('zil1ntf5fv4swp9d2tns6dftsvy3apry5t4n2ydw4a');
    expect(a.matchKey).toMatch(/^0x[0-9a-f]{40}$/);
    expect(normalizeLedgerAddress('zilliqa', a.matchKey)).toEqual(a);
    expect(normalizeLedgerAddress('zilliqa', a.matchKey.slice(2).toUpperCase())).toEqual(a);
  });

  it('refuses a broken bech32 checksum, another prefix, mixed-case base16 and wrong lengths', () => {
    expect(() => normalizeLedgerAddress('zilliqa', 'zil1ntf5fv4swp9d2tns6dftsvy3apry5t4n2ydw4q')).toThrow(/bech32/);
    expect(() => normalizeLedgerAddress('zilliqa', 'one1ntf5fv4swp9d2tns6dftsvy3apry5t4n2ydw4a')).toThrow(/not a Zilliqa address/);
    expect(() => normalizeLedgerAddress('zilliqa', '0xA795895a4cebe56068439858b6b1f4fe09af4c8c')).toThrow(/mixed-case/);
    expect(() => normalizeLedgerAddress('zilliqa', '0xa795895a4cebe56068439858b6b1f4fe09af4c')).toThrow(/40 hex digits/);
  });

  it('derives the sender from its public key: the gZIL transfer was signed by the account its event names as sender', () => {
    expect(`0x${zilliqaAddressOfPublicKey(gzil['senderPubKey'])}`).toBe(gzil['receipt']['event_logs'][0]['params'][0]['value']);
  });
});

describe('normalizeZilliqaBlock', () => {
  it('recorded TxBlock 40 (no transactions): header with BlockHash and PrevBlockHash', () => {
    const { block } = normalizeZilliqaBlock(block40, undefined, 40);
    expect(block).toEqual({ header: { number: 40, hash: block40['body']['BlockHash'], parentHash: block40['header']['PrevBlockHash'] }, transactions: [] });
  });

  const header = { ...block40, header: { ...block40['header'], NumTxns: 3 } };
  const { block, malformed } = normalizeZilliqaBlock(header, [...bodies2, gzil], 40);

  it('recorded payments: ZIL amount to toAddr, fee = gas x price, one signer', () => {
    expect(malformed).toEqual([]);
    const [p1, p2] = block.transactions;
    expect(p1).toMatchObject({ hash: bodies2[0]!['ID'], success: true, fee: 1_000_000_000n });
    expect(p1!.transfers).toEqual([{ leg: 'amount', kind: 'native', from: p1!.signer, to: { key: `0x${bodies2[0]!['toAddr']}`, display: normalizeLedgerAddress('zilliqa', bodies2[0]!['toAddr']).display }, asset: { contract: null, symbol: 'ZIL', decimals: 12 }, amount: 1n, tokenId: null }]);
    expect(p2!.transfers[0]!.amount).toBe(2n);
    expect(p2!.signer).toEqual(p1!.signer);
  });

  it('the recorded gZIL (ZRC-2) transfer is a token leg from its TransferSuccess event; no ZIL moved', () => {
    const tx = block.transactions[2]!;
    expect(tx.fee).toBe(492n * 2_000_000_000n);
    expect(tx.transfers.map((t) => [t.leg, t.kind, t.from.key, t.to.key, t.amount, t.asset.contract])).toEqual([
      ['event0', 'token', '0x49355e4ec63634266e0b6c8fa3cbc02a76a6dd75', '0xa795895a4cebe56068439858b6b1f4fe09af4c8c', 475772968079442n, normalizeLedgerAddress('zilliqa', gzil['toAddr']).display],
    ]);
    // The same amount the caller asked for in its Transfer call.
    expect(String(tx.transfers[0]!.amount)).toBe(JSON.parse(gzil['data']).params[1].value);
  });

  it('a failed transaction moves nothing; hostile data is flagged per transaction; a short or malformed block is retryable', () => {
    const failed = structuredClone(gzil);
    failed['receipt']['success'] = false;
    const bad = structuredClone(bodies2[1]!);
    bad['amount'] = 'lots';
    const r = normalizeZilliqaBlock(header, [bodies2[0], bad, failed], 40);
    expect(r.malformed.map((m) => [m.index, m.hash])).toEqual([[1, bodies2[1]!['ID']]]);
    expect(r.block.transactions.map((t) => [t.success, t.transfers.length])).toEqual([
      [true, 1],
      [false, 0],
      [false, 0],
    ]);
    expect(() => normalizeZilliqaBlock(header, bodies2, 40)).toThrow(/announces 3 transactions but the node returned 2/);
    expect(() => normalizeZilliqaBlock({ header: { BlockNum: '40' } }, [])).toThrow(RetryableError);
  });
});
