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
// Whole recorded blocks: GetTxBlock and GetTxnBodiesForTxBlock of the same TxBlock (NOTES.md).
const block692365 = fixture('get-tx-block-692365.json').result as Json;
const bodies692365 = fixture('txn-bodies-block-692365.json').result as Json[];
const block549481 = fixture('get-tx-block-549481.json').result as Json;
const bodies549481 = fixture('txn-bodies-block-549481.json').result as Json[];
const zil = (hex: string) => normalizeLedgerAddress('zilliqa', hex).display;
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

  const { block, malformed } = normalizeZilliqaBlock(block692365, bodies692365, 692365);

  it('recorded mainnet TxBlock 692365: the 28 bodies its header announces, in order, none malformed', () => {
    expect(malformed).toEqual([]);
    expect(block.header).toEqual({ number: 692365, hash: '4141618170d709cbcabc20872d5c89e1bdc8df5b7c646576e5dc2aeea59bfec4', parentHash: '747a5a7b9dd6561af4320d7584b832beb92223f02a9d0f1bae9a152fee311384' });
    expect(block692365['header']['NumTxns']).toBe(28);
    expect(block.transactions.map((t) => t.hash)).toEqual(bodies692365.map((b) => String(b['ID'])));
    // Every receipt names the block's epoch: the bodies belong to this TxBlock.
    expect(new Set(bodies692365.map((b) => String(b['receipt']['epoch_num'])))).toEqual(new Set(['692365']));
  });

  it('recorded payments: the ZIL amount to toAddr, fee = gas x price, the signer from its public key', () => {
    const payments = block.transactions.filter((t) => t.transfers.some((l) => l.leg === 'amount'));
    expect(payments).toHaveLength(17);
    const [first] = block.transactions;
    expect(first).toMatchObject({ hash: '304c77801b13a896da46c9471624fb5a6c01b6544680fc83ef181966a050f24a', success: true, fee: 1_000_000_000n });
    expect(first!.signer).toEqual({ key: '0x1eb03ba948ab480fda77c3ff0724773066f94b02', display: 'zil1r6crh22g4dyqlknhc0lswfrhxpn0jjczrktza5' });
    expect(first!.transfers).toEqual([{ leg: 'amount', kind: 'native', from: first!.signer, to: { key: '0x07c9d1edb8aa95194033b6783b351409b1cbd355', display: zil('07c9d1edb8aa95194033b6783b351409b1cbd355') }, asset: { contract: null, symbol: 'ZIL', decimals: 12 }, amount: 29_999_000_000_000n, tokenId: null }]);
    // 65,359.9 ZIL, the block's largest payment.
    expect(block.transactions[6]!.transfers.map((l) => [l.to.key, l.amount])).toEqual([['0x820ec1a578c20d1caf843261e47cb7c4f56bbb1d', 65_359_900_000_000_000n]]);
  });

  it('recorded contract calls: ZIL a contract sends in a message (transition _amount) is a leg from the contract', () => {
    const rewards = block.transactions.slice(17);
    expect(rewards).toHaveLength(11);
    const [call] = rewards;
    expect([call!.hash, call!.success, call!.fee]).toEqual([bodies692365[17]!['ID'], true, 1611n * 1_000_000_000n]);
    expect(call!.transfers.map((l) => [l.leg, l.kind, l.from.key, l.to.key, l.amount])).toEqual([['transition0', 'native', '0x17329229cd84b964130977975054f7725a85381a', '0xc563c5047d1e029d2808cda643c96b1ecf1e4e50', 30_000_000_000_000n]]);
    // Two messages, two legs with their own keys.
    expect(block.transactions[23]!.transfers.map((l) => l.leg)).toEqual(['transition0', 'transition1']);
    expect(rewards.every((t) => t.transfers.every((l) => l.from.key === '0x17329229cd84b964130977975054f7725a85381a'))).toBe(true);
  });

  it('recorded mainnet TxBlock 549481: a payment, and a contract call that threw (success false) moves nothing but pays its fee', () => {
    const r = normalizeZilliqaBlock(block549481, bodies549481, 549481);
    expect(r.malformed).toEqual([]);
    expect(r.block.transactions.map((t) => [t.hash.slice(0, 12), t.success, t.fee, t.transfers.map((l) => [l.leg, l.to.key, l.amount])])).toEqual([
      ['f064c854e94b', true, 1_000_000_000n, [['amount', '0x92ec2a5faa67f47d561b83bf1ccf51527e67e43e', 42_473_196_600_000_000n]]],
      ['d2e60b481e58', false, 478n * 1_000_000_000n, []],
    ]);
    expect(r.block.transactions[1]!.signer?.display).toBe('zil1n0lvw9dxh4jcljmzkruvexl69t08zs62ds9ats');
  });

  it('the recorded gZIL (ZRC-2) transfer is a token leg from its TransferSuccess event; no ZIL moved (assembled: its body in block 40\'s header)', () => {
    const tx = normalizeZilliqaBlock({ ...block40, header: { ...block40['header'], NumTxns: 1 } }, [gzil], 40).block.transactions[0]!;
    expect(tx.fee).toBe(492n * 2_000_000_000n);
    expect(tx.transfers.map((t) => [t.leg, t.kind, t.from.key, t.to.key, t.amount, t.asset.contract])).toEqual([
      ['event0', 'token', '0x49355e4ec63634266e0b6c8fa3cbc02a76a6dd75', '0xa795895a4cebe56068439858b6b1f4fe09af4c8c', 475772968079442n, normalizeLedgerAddress('zilliqa', gzil['toAddr']).display],
    ]);
    // The same amount the caller asked for in its Transfer call.
    expect(String(tx.transfers[0]!.amount)).toBe(JSON.parse(gzil['data']).params[1].value);
  });

  it('hostile data is flagged per transaction; a failed receipt moves nothing; a short or malformed block is retryable', () => {
    const bodies = structuredClone(bodies692365);
    bodies[1]!['amount'] = 'lots';
    bodies[17]!['receipt']['success'] = false;
    const r = normalizeZilliqaBlock(block692365, bodies, 692365);
    expect(r.malformed.map((m) => [m.index, m.hash])).toEqual([[1, bodies692365[1]!['ID']]]);
    // The unreadable one stays, moving nothing: its signer and fee are still known.
    expect(r.block.transactions.map((t) => t.hash)).toEqual(bodies692365.map((b) => String(b['ID'])));
    expect(r.block.transactions[1]).toMatchObject({ success: false, transfers: [] });
    expect(r.block.transactions.find((t) => t.hash === bodies692365[17]!['ID'])).toMatchObject({ success: false, transfers: [] });
    expect(() => normalizeZilliqaBlock(block692365, bodies692365.slice(1), 692365)).toThrow(/announces 28 transactions but the node returned 27/);
    expect(() => normalizeZilliqaBlock({ header: { BlockNum: '40' } }, [])).toThrow(RetryableError);
  });
});
