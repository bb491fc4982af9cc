/**
 * XDAG (issue #14): the main-block normaliser on xdagj's documented RPC answers and on a recorded
 * xdagj answer of a transaction block (XDAG-Hub), see test/fixtures/ledger/xdag/NOTES.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeXdagBlock, parseXdagAmount, xdagAppliedBlocks, xdagAppliedThrough, xdagLinkedBlocks, xdagMainBlock } from '../../../../src/core/ledger/xdag/normalize-xdag-block.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../../fixtures/ledger/xdag/${name}`, import.meta.url), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const recorded2652592 = fixture('get-block-by-number-2652592-page1.json').result as Json;
const recorded2652628 = fixture('get-block-by-number-2652628-page0.json').result as Json;
const assembled = fixture('assembled-2652593.json') as { main: Json; byHash: Record<string, Json> };
/** Recorded: an xdagj answer of a transaction block not yet applied (XDAG-Hub, NOTES.md). */
const recordedPending = fixture('get-block-by-hash-xkJtNKNV-pending.json') as Json;
const blocks = Object.values(assembled.byHash);
const byType = (state: string, input: string) => blocks.find((b) => b['state'] === state && (b['refs'] as Json[]).some((r: Json) => r['direction'] === 0 && r['amount'] === input))!;
const WATCHED = '15VY3MadZvLpXhjzFXwCUmtZcHszju6L9';

describe('XDAG amounts', () => {
  it('reads xdagj decimal strings exactly in nano-XDAG', () => {
    expect(parseXdagAmount('64.000000000')).toBe(64_000_000_000n);
    expect(parseXdagAmount('0.000000001')).toBe(1n);
    expect(parseXdagAmount('6912')).toBe(6_912_000_000_000n);
    expect(parseXdagAmount('99999999999.123456789')).toBe(99_999_999_999_123_456_789n);
    for (const bad of ['1e3', '-1.0', '1.0000000001', '', 64, null]) expect(() => parseXdagAmount(bad)).toThrow(/not a decimal XDAG amount/);
  });
});

describe('XDAG main blocks', () => {
  it('reads the documented main blocks: a block address is its hash low 24 bytes reversed, in base64', () => {
    for (const b of [recorded2652592, recorded2652628]) {
      const main = xdagMainBlock(b, b['height']);
      expect(Buffer.from(main.address, 'base64').reverse().toString('hex')).toBe(main.hash.slice(16));
      // The documented fee ref of a main block names the main block itself, with its hashlow.
      expect(main.refs[0]).toMatchObject({ direction: 2, address: main.address, hashlow: `0000000000000000${main.hash.slice(16)}` });
    }
    expect(xdagLinkedBlocks(recorded2652592)).toEqual((recorded2652592['refs'] as Json[]).filter((r) => r['direction'] === 1).map((r) => r['address'] as string));
  });

  it('links main blocks by height (the parent is the main block one height below) and keeps what the main block applied', () => {
    const fetched = new Map(Object.entries(assembled.byHash));
    const appliedAddresses = xdagAppliedBlocks(assembled.main['address'], fetched);
    // The previous main block is linked but applied by itself, not by 2652593; the payment is applied through the witness block.
    expect(new Set(appliedAddresses)).toEqual(new Set(Object.keys(assembled.byHash).filter((a) => a !== recorded2652592['address'])));
    const applied = appliedAddresses.map((a) => fetched.get(a));
    const { block, malformed } = normalizeXdagBlock(assembled.main, recorded2652592, applied, 2652593);
    expect(block.header).toEqual({ number: 2652593, hash: assembled.main['hash'], parentHash: recorded2652592['hash'] });
    const accepted = byType('Accepted', '12.600000000');
    const rejected = byType('Rejected', '5.100000000');
    const watched = normalizeLedgerAddress('xdag', WATCHED);
    const sender = normalizeLedgerAddress('xdag', '4mvr3DNkpWY9ikpGy4maaMSQqUmXjR2hp');
    expect(block.transactions.find((t) => t.hash === accepted['hash'])).toEqual({
      hash: accepted['hash'],
      success: true,
      signer: { key: sender.matchKey, display: sender.display },
      fee: 100_000_000n,
      transfers: [{ leg: 'in0.out0', kind: 'native', from: { key: sender.matchKey, display: sender.display }, to: { key: watched.matchKey, display: WATCHED }, asset: { contract: null, symbol: 'XDAG', decimals: 9 }, amount: 12_500_000_000n, tokenId: null }],
    });
    // A Rejected block moved nothing and paid nothing (xdagj's applyBlock returns before any amount changes).
    expect(block.transactions.find((t) => t.hash === rejected['hash'])).toMatchObject({ success: false, fee: 0n, transfers: [] });
    // A link-only (witness) block is not a transaction; the hostile one is flagged, kept failed, and does not sink the block.
    expect(block.transactions).toHaveLength(4);
    expect(malformed).toEqual([{ address: expect.any(String), reason: expect.stringMatching(/"1e3" is not a decimal XDAG amount/) }]);
    expect(block.transactions.find((t) => t.hash === assembled.byHash[malformed[0]!.address!]!['hash'])).toMatchObject({ success: false, transfers: [] });
  });

  it('finds a block applied through another block whatever order the answers arrive in, and never one of an earlier main block', () => {
    const reversed = new Map(Object.entries(assembled.byHash).reverse());
    const payment = byType('Accepted', '12.600000000');
    expect(xdagAppliedThrough(payment)).toBe(xdagLinkedBlocks(assembled.main).find((a) => xdagLinkedBlocks(assembled.byHash[a]).includes(payment['address'])));
    expect(xdagAppliedBlocks(assembled.main['address'], reversed)).toContain(payment['address']);
    expect(xdagAppliedBlocks(recorded2652592['address'], reversed)).toEqual([]);
  });

  it('pairs several inputs with several outputs so each side adds up, the fee left to the signer', () => {
    const tx = { hash: 'ab'.repeat(32), address: 'x', state: 'Accepted', refs: [
      { direction: 2, address: assembled.main['address'], amount: '0.200000000' },
      { direction: 0, address: '4mvr3DNkpWY9ikpGy4maaMSQqUmXjR2hp', amount: '3.000000000' },
      { direction: 0, address: '55Tffne2cwGSDRJU3kouvZfRNjk19ZaE7', amount: '2.000000000' },
      { direction: 1, address: WATCHED, amount: '4.000000000' },
      { direction: 1, address: '4mvr3DNkpWY9ikpGy4maaMSQqUmXjR2hp', amount: '0.800000000' },
    ] };
    const t = normalizeXdagBlock(assembled.main, recorded2652592, [tx], 2652593).block.transactions[0]!;
    expect(t.fee).toBe(200_000_000n);
    const sum = (pick: (x: (typeof t.transfers)[number]) => string, who: string) => t.transfers.filter((x) => pick(x) === who).reduce((s, x) => s + x.amount, 0n);
    expect(sum((x) => x.to.display, WATCHED)).toBe(4_000_000_000n);
    expect(sum((x) => x.from.display, '55Tffne2cwGSDRJU3kouvZfRNjk19ZaE7')).toBe(2_000_000_000n);
    expect(new Set(t.transfers.map((x) => x.leg)).size).toBe(t.transfers.length);
  });

  it('refuses a missing, wrong-height or non-main block as retryable, never a partial block', () => {
    expect(() => normalizeXdagBlock(null, recorded2652592, [], 2652593)).toThrow(RetryableError);
    expect(() => normalizeXdagBlock(assembled.main, recorded2652592, [], 2652594)).toThrow(/height 2652594/);
    expect(() => normalizeXdagBlock(assembled.main, recorded2652628, [], 2652593)).toThrow(/height 2652592/);
    expect(() => normalizeXdagBlock({ ...assembled.main, state: 'Accepted' }, recorded2652592, [], 2652593)).toThrow(/not a main block/);
  });
});

describe('XDAG recorded transaction block (xdag_getBlockByHash answer printed in XDAG-Hub)', () => {
  const [fee, input, output] = recordedPending['refs'] as Json[];
  const applied = assembled.byHash[recordedPending['address']]!;
  const sender = normalizeLedgerAddress('xdag', input!['address']);
  const recipient = normalizeLedgerAddress('xdag', output!['address']);

  it('is a real xdagj answer: its address is its hash low 24 bytes reversed, an account ref carries its Base58Check payload in hashlow', () => {
    expect(Buffer.from(recordedPending['address'], 'base64').reverse().toString('hex')).toBe((recordedPending['hash'] as string).slice(16));
    expect(input!['hashlow']).toBe(`0000000000000000${sender.matchKey}00000000`);
    expect(output!['hashlow']).toBe(`0000000000000000${recipient.matchKey}00000000`);
    // Its timeStamp is xdagj's raw time (1/1024 s), blockTime the same in milliseconds.
    expect(Math.floor((recordedPending['timeStamp'] * 1000) / 1024)).toBe(recordedPending['blockTime']);
  });

  it('a Pending block names no applying block, so no main block reports it, and alone it moves nothing', () => {
    expect(fee).toMatchObject({ direction: 2, address: 'A'.repeat(32) });
    expect(xdagAppliedThrough(recordedPending)).toBeNull();
    expect(xdagAppliedBlocks(assembled.main['address'], new Map([[recordedPending['address'], recordedPending]]))).toEqual([]);
    const tx = normalizeXdagBlock(assembled.main, recorded2652592, [recordedPending], 2652593).block.transactions[0];
    expect(tx).toEqual({ hash: recordedPending['hash'], success: false, signer: { key: sender.matchKey, display: sender.display }, fee: 0n, transfers: [] });
  });

  it('once applied, pays the recipient its output net of the 0.1 XDAG fee, the sender the signer', () => {
    // The applied answer differs from the recorded one only where xdagj's getLinks/getStateByFlags say it must.
    const { refs: appliedRefs, state, flags, totalPage, transactions, ...rest } = applied;
    const { refs: _r, state: _s, flags: _f, totalPage: _t, transactions: _x, ...recordedRest } = recordedPending;
    expect(rest).toEqual(recordedRest);
    expect([state, flags, totalPage, transactions]).toEqual(['Accepted', '1c', 0, null]);
    expect((appliedRefs as Json[])[1]).toEqual(input);
    expect(xdagAppliedThrough(applied)).toBe(assembled.main['address']);
    const spent = parseXdagAmount(input!['amount']);
    const received = parseXdagAmount((appliedRefs as Json[])[2]!['amount']);
    expect(spent - received).toBe(100_000_000n); // xdagj MIN_GAS per output, also the fee ref's amount
    expect(parseXdagAmount((appliedRefs as Json[])[0]!['amount'])).toBe(spent - received);
    const tx = normalizeXdagBlock(assembled.main, recorded2652592, [applied], 2652593).block.transactions[0];
    expect(tx).toEqual({
      hash: recordedPending['hash'],
      success: true,
      signer: { key: sender.matchKey, display: 'QCe7mZrnqDUVhvN4CGcRV2drB3gJm3TtH' },
      fee: 100_000_000n,
      transfers: [{ leg: 'in0.out0', kind: 'native', from: { key: sender.matchKey, display: 'QCe7mZrnqDUVhvN4CGcRV2drB3gJm3TtH' }, to: { key: recipient.matchKey, display: 'C3vw9K8wteBHkaFTEiezh825YQrYWz71k' }, asset: { contract: null, symbol: 'XDAG', decimals: 9 }, amount: 900_000_000n, tokenId: null }],
    });
  });
});
