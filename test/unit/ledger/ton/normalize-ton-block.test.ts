import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeTonBlock } from '../../../../src/core/ledger/ton/normalize-ton-block.js';
import { normalizeTonAddress } from '../../../../src/core/ledger/ton/ton-address.js';
import { matchLedgerBlock } from '../../../../src/core/ledger/match-ledger-block.js';
import { TON_PROFILE } from '../../../../src/core/ledger/ton/ton-profile.js';
import { buildWatchlistIndex } from '../../../../src/core/build-watchlist-index.js';
import { TON_RECORDED_SEQNO, tonAbortedTransaction, tonMasterchainBlock, tonRecordedTransaction, tonRootHash } from '../../../helpers/ton-fixtures.js';

const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

describe('normalizeTonBlock on a recorded toncenter v3 transaction', () => {
  const recorded = tonRecordedTransaction();
  const input = { block: tonMasterchainBlock(TON_RECORDED_SEQNO), parentRootHash: tonRootHash(TON_RECORDED_SEQNO - 1), transactions: [recorded] };

  it('reads the header from the masterchain block and its predecessor', () => {
    const { block } = normalizeTonBlock(input);
    expect(block.header).toEqual({ number: TON_RECORDED_SEQNO, hash: hex(tonRootHash(TON_RECORDED_SEQNO)), parentHash: hex(tonRootHash(TON_RECORDED_SEQNO - 1)) });
  });

  it('turns the valued outgoing message into one nanoton transfer; the external log message moves nothing', () => {
    const { block, skipped } = normalizeTonBlock(input);
    expect(skipped).toEqual([]);
    const [tx] = block.transactions;
    expect(tx!.hash).toBe(hex(recorded.hash));
    expect(tx!.success).toBe(true);
    expect(tx!.fee).toBe(BigInt(recorded.total_fees));
    // Started by an internal message: no wallet owner signed it.
    expect(tx!.signer).toBeNull();
    const valued = recorded.out_msgs.filter((m) => m['destination'] !== null);
    expect(tx!.transfers).toHaveLength(valued.length);
    const leg = tx!.transfers[0]!;
    expect(leg.kind).toBe('native');
    expect(leg.amount).toBe(BigInt(valued[0]!['value'] as string));
    expect(leg.from.key).toBe(normalizeTonAddress(recorded.account).matchKey);
    expect(leg.to.key).toBe(normalizeTonAddress(valued[0]!['destination'] as string).matchKey);
    expect(leg.asset).toEqual({ contract: null, symbol: 'TON', decimals: 9 });
    // The leg is numbered by its place in created_lt order (the log message is out0), not by list position.
    expect(leg.leg).toBe('out1');
    const reversed = normalizeTonBlock({ ...input, transactions: [{ ...recorded, out_msgs: [...recorded.out_msgs].reverse() }] });
    expect(reversed.block.transactions[0]!.transfers[0]!.leg).toBe('out1');
  });

  it('marks an aborted transaction failed with no transfers, and alerts its watched account as activity only', () => {
    const aborted = tonAbortedTransaction(TON_RECORDED_SEQNO);
    const { block } = normalizeTonBlock({ ...input, transactions: [aborted] });
    expect(block.transactions[0]).toMatchObject({ success: false, transfers: [] });
  });

  it('keeps the block when one transaction is malformed, and reports what it skipped', () => {
    const { hash: _dropped, ...noHash } = tonRecordedTransaction();
    const badValue = { ...tonAbortedTransaction(1), description: recorded.description, mc_block_seqno: TON_RECORDED_SEQNO, out_msgs: [{ ...recorded.out_msgs[1], value: '-5' }] };
    const { block, skipped } = normalizeTonBlock({ ...input, transactions: [noHash, recorded, badValue, recorded] });
    expect(block.transactions.map((t) => t.hash)).toEqual([hex(recorded.hash)]);
    expect(skipped).toHaveLength(2);
    expect(skipped[1]!.reason).toMatch(/not a nanoton amount/);
  });

  it('refuses a transaction the API filed under another masterchain block', () => {
    const { skipped } = normalizeTonBlock({ ...input, transactions: [{ ...recorded, mc_block_seqno: TON_RECORDED_SEQNO + 1 }] });
    expect(skipped[0]!.reason).toMatch(/belongs to masterchain block/);
  });

  it('a malformed masterchain block is retried, never read as empty', () => {
    expect(() => normalizeTonBlock({ ...input, block: { seqno: TON_RECORDED_SEQNO } })).toThrow(RetryableError);
    expect(() => normalizeTonBlock({ ...input, block: { ...tonMasterchainBlock(TON_RECORDED_SEQNO), workchain: 0 } })).toThrow(RetryableError);
    expect(() => normalizeTonBlock({ ...input, parentRootHash: 'abc' })).toThrow(RetryableError);
  });

  it('the matcher alerts the watched gateway (raw in chain data, user-friendly in the watchlist) as the sender', () => {
    const { block } = normalizeTonBlock(input);
    const gateway = normalizeTonAddress('kQAAGUqtjkIr7fQ_7nRtbZKdNp26slRopp1RNwbqaXi2OnXH');
    const index = buildWatchlistIndex([{ chain: 'ton', address: gateway.display, matchKey: gateway.matchKey, label: 'gateway', incident: 'test', source: 'https://example.org', tags: [], enabled: true, file: 't.yaml', line: 1 }]);
    const movements = matchLedgerBlock(block, { chain: 'ton', index, headNumber: TON_RECORDED_SEQNO, profile: TON_PROFILE });
    expect(movements.map((m) => [m.direction, m.kind, m.amount, m.txHash])).toEqual([['out', 'native', BigInt(recorded.out_msgs[1]!['value'] as string), hex(recorded.hash)]]);
    // The aborted copy alerts the watched account only as activity, never as value moved.
    const failed = normalizeTonBlock({ ...input, transactions: [{ ...tonAbortedTransaction(TON_RECORDED_SEQNO), in_msg: { ...recorded.in_msg, source: null } }] });
    expect(matchLedgerBlock(failed.block, { chain: 'ton', index, headNumber: TON_RECORDED_SEQNO, profile: TON_PROFILE }).map((m) => m.kind)).toEqual(['activity']);
  });
});
