/** Follow rules on Tron, over recorded transaction infos (LedgerHQ/ledger-live USDT transfer) in an assembled block. */
import { describe, expect, it } from 'vitest';
import { encodeTronAddress, normalizeTronAddress } from '../../../src/core/address/normalize-tron-address.js';
import { collectOutgoingLegs } from '../../../src/core/follow/collect-outgoing-legs.js';
import { planDerivedEntries } from '../../../src/core/follow/plan-derived-entries.js';
import { txShapes } from '../../../src/core/follow/tx-shapes.js';
import { matchTronBlock } from '../../../src/core/tron/match-tron-block.js';
import { normalizeTronBlock } from '../../../src/core/tron/normalize-tron-block.js';
import { followSchema } from '../../../src/config/follow-schema.js';
import { LEDGER_SENDER_KEY, LEDGER_USDT_TX, ledgerLiveReplayBlock } from '../../helpers/tron-fixtures.js';
import { tronWatchlist } from '../tron/tron-watchlist.js';

const N = 79_072_108;
const PARENT = '0000000004b68b6be6d7223b1ecf2850f00f700292beeead2810c18e9e1548e2';
const RECIPIENT = '41ec20315a879c48f5e3a6a1c9826d5225f8b658b8';
const CONTRACT = '417b7d90918eb0a990ffcc8e90b645db0deb75d956';
const OTHER = '411c38081f7c64d48f5dbca8f3f5412cf8b83aeb98';
const keyOf = (d: string): string | undefined => {
  try {
    return normalizeTronAddress(d).matchKey;
  } catch {
    return undefined;
  }
};

/** A contract call whose internal transactions pay TRX out of the (watched) contract. */
const withInternals = {
  tx: { ret: [{ contractRet: 'SUCCESS' }], txID: 'aa'.repeat(32), raw_data: { contract: [{ type: 'TriggerSmartContract', parameter: { value: { owner_address: OTHER, contract_address: CONTRACT, data: '99275a9b', call_value: 0 } } }] } },
  info: { id: 'aa'.repeat(32), receipt: { result: 'SUCCESS' }, internal_transactions: [{ hash: '01'.repeat(32), caller_address: CONTRACT, transferTo_address: RECIPIENT, callValueInfo: [{ callValue: 70_000_000_000 }], note: '63616c6c' }] },
};
const { block: raw, infos } = ledgerLiveReplayBlock(N, PARENT, [withInternals]);
const block = normalizeTronBlock(raw, infos, N);

describe('follow rules on Tron', () => {
  it('a TRC-20 transfer the watched owner signed derives its recipient (T-address, 21-byte key)', () => {
    const movements = matchTronBlock(block, { chain: 'tron', index: tronWatchlist('tron', [LEDGER_SENDER_KEY]), headNumber: N + 18 });
    const usdt = movements.filter((m) => m.txHash === LEDGER_USDT_TX);
    const legs = usdt.flatMap((m) => collectOutgoingLegs(m, keyOf));
    expect(legs.map((l) => [l.recipient, l.recipientKey, l.amount])).toEqual([[encodeTronAddress(RECIPIENT), RECIPIENT, 41_677_389n]]);
    const plan = planDerivedEntries({
      chain: 'tron', legs, rules: followSchema.parse({ minAmount: { USDT: '40' } }), parentOf: (m) => ({ ref: m.watchlist[0]! }), labelOf: () => undefined, contracts: new Set(), isWatched: () => false,
      txShape: txShapes(block.transactions), activeCount: () => 0, now: '2026-01-01T00:00:00.000Z',
    });
    expect(plan.entries).toEqual([expect.objectContaining({ chain: 'tron', address: encodeTronAddress(RECIPIENT), matchKey: RECIPIENT, hop: 1, provenance: expect.objectContaining({ txHash: LEDGER_USDT_TX, leg: 'log0', asset: expect.objectContaining({ symbol: 'USDT' }) }) })]);
  });

  it('internal TRX paid out of a watched contract is a leg it sent; the TRC-20 log naming someone else as sender is not', () => {
    const movements = matchTronBlock(block, { chain: 'tron', index: tronWatchlist('tron', [CONTRACT, RECIPIENT]), headNumber: N + 18 });
    const legs = movements.flatMap((m) => collectOutgoingLegs(m, keyOf));
    expect(legs.map((l) => [l.movement.kind, l.recipientKey, l.amount])).toEqual([['internal', RECIPIENT, 70_000_000_000n]]);
  });
});
