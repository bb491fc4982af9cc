/**
 * Matching on recorded transaction infos (LedgerHQ/ledger-live: real USDT Transfer logs, a
 * failed OUT_OF_ENERGY call) in an assembled block, plus the normaliser's refusals.
 */
import { describe, expect, it } from 'vitest';
import { encodeTronAddress } from '../../../src/core/address/normalize-tron-address.js';
import { buildWebhookPayload } from '../../../src/core/alert/build-webhook-payload.js';
import { renderEmail } from '../../../src/core/alert/render-email.js';
import { RetryableError } from '../../../src/core/errors.js';
import { parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import { matchTronBlock } from '../../../src/core/tron/match-tron-block.js';
import { normalizeTronBlock } from '../../../src/core/tron/normalize-tron-block.js';
import { LEDGER_FAILED_TX, LEDGER_SENDER_KEY, LEDGER_USDT_TX, ledgerLiveReplayBlock } from '../../helpers/tron-fixtures.js';
import { tronWatchlist } from './tron-watchlist.js';

const N = 79_072_108;
const PARENT = '0000000004b68b6be6d7223b1ecf2850f00f700292beeead2810c18e9e1548e2';
const RECIPIENT = '41ec20315a879c48f5e3a6a1c9826d5225f8b658b8';
const CONTRACT = '417b7d90918eb0a990ffcc8e90b645db0deb75d956';
const OTHER = '411c38081f7c64d48f5dbca8f3f5412cf8b83aeb98';

/** A TriggerSmartContract (assembled) whose info carries internal transactions (TRX, a TRC-10, a rejected one). */
const withInternals = {
  tx: {
    ret: [{ contractRet: 'SUCCESS' }],
    txID: 'aa'.repeat(32),
    raw_data: { contract: [{ type: 'TriggerSmartContract', parameter: { value: { owner_address: OTHER, contract_address: CONTRACT, data: '99275a9b', call_value: 5_000_000 } } }] },
  },
  info: {
    id: 'aa'.repeat(32),
    receipt: { result: 'SUCCESS' },
    internal_transactions: [
      { hash: '01'.repeat(32), caller_address: CONTRACT, transferTo_address: LEDGER_SENDER_KEY, callValueInfo: [{ callValue: 7_000_000 }], note: '63616c6c' },
      { hash: '02'.repeat(32), caller_address: CONTRACT, transferTo_address: LEDGER_SENDER_KEY, callValueInfo: [{ tokenId: '1002000', callValue: 3 }], note: '63616c6c' },
      { hash: '03'.repeat(32), caller_address: CONTRACT, transferTo_address: LEDGER_SENDER_KEY, callValueInfo: [{ callValue: 9 }], note: '63616c6c', rejected: true },
      { hash: '04'.repeat(32), caller_address: CONTRACT, transferTo_address: OTHER, callValueInfo: [{}], note: '63616c6c' },
    ],
  },
};

function block() {
  const { block: raw, infos } = ledgerLiveReplayBlock(N, PARENT, [withInternals]);
  return normalizeTronBlock(raw, infos, N);
}

describe('matchTronBlock on recorded transaction infos', () => {
  it('alerts the recorded USDT transfer out of a watched address, and the failed call only as activity', () => {
    const movements = matchTronBlock(block(), { chain: 'tron', index: tronWatchlist('tron', [LEDGER_SENDER_KEY]), headNumber: N + 18 });
    const usdt = movements.filter((m) => m.txHash === LEDGER_USDT_TX);
    expect(usdt).toEqual([
      expect.objectContaining({
        kind: 'trc20',
        direction: 'out',
        from: encodeTronAddress(LEDGER_SENDER_KEY),
        to: encodeTronAddress(RECIPIENT),
        amount: 41_677_389n, // 0x027bf24d: 41.677389 USDT
        asset: { contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 },
        logIndex: 0,
        confirmations: 19,
        watchedAddress: encodeTronAddress(LEDGER_SENDER_KEY),
        txFrom: encodeTronAddress(LEDGER_SENDER_KEY),
      }),
    ]);
    // Failed: nothing moved, but the watched owner did something.
    expect(movements.filter((m) => m.txHash === LEDGER_FAILED_TX)).toEqual([expect.objectContaining({ kind: 'activity', direction: 'out', amount: 0n })]);
  });

  it('alerts internal TRX and TRC-10 transfers to a watched address, never rejected or zero-value ones', () => {
    const movements = matchTronBlock(block(), { chain: 'tron', index: tronWatchlist('tron', [LEDGER_SENDER_KEY]), headNumber: N });
    const internal = movements.filter((m) => m.txHash === 'aa'.repeat(32));
    expect(internal).toEqual([
      expect.objectContaining({ kind: 'internal', direction: 'in', amount: 7_000_000n, tracePosition: '0', asset: { contract: null, symbol: 'TRX', decimals: 6 }, from: encodeTronAddress(CONTRACT) }),
      expect.objectContaining({ kind: 'trc10', direction: 'in', amount: 3n, asset: { contract: '1002000', symbol: 'TRC10', decimals: 0 } }),
    ]);
  });

  it('alerts TRX sent with a contract call, and both sides when both are watched', () => {
    const movements = matchTronBlock(block(), { chain: 'tron', index: tronWatchlist('tron', [OTHER, CONTRACT]), headNumber: N });
    const native = movements.filter((m) => m.id.includes('-native-'));
    expect(native.map((m) => [m.direction, m.watchedAddress, m.amount])).toEqual([
      ['out', encodeTronAddress(OTHER), 5_000_000n],
      ['in', encodeTronAddress(CONTRACT), 5_000_000n],
    ]);
    // The owner moved funds out in that transaction: no extra activity alert for it.
    expect(movements.filter((m) => m.kind === 'activity')).toEqual([]);
  });

  it('ids are deterministic and distinct per leg and watched address', () => {
    const index = tronWatchlist('tron', [LEDGER_SENDER_KEY, OTHER, CONTRACT]);
    const a = matchTronBlock(block(), { chain: 'tron', index, headNumber: N });
    const b = matchTronBlock(block(), { chain: 'tron', index, headNumber: N + 5 });
    expect(a.map((m) => m.id)).toEqual(b.map((m) => m.id));
    expect(new Set(a.map((m) => m.id)).size).toBe(a.length);
    for (const id of a.map((m) => m.id)) expect(id).not.toMatch(/:/);
  });
});

describe('normalizeTronBlock refuses inconsistent node answers', () => {
  const { block: raw, infos } = ledgerLiveReplayBlock(N, PARENT);

  it.each([
    ['a smart contract call without its info (infos not indexed yet)', () => normalizeTronBlock(raw, [], N), 'RPC_INCONSISTENT'],
    ['an info for a transaction the block lacks', () => normalizeTronBlock(raw, [...infos, { id: 'bb'.repeat(32), blockNumber: N }], N), 'RPC_INCONSISTENT'],
    ['an info from another block', () => normalizeTronBlock(raw, infos.map((i) => ({ ...i, blockNumber: N - 1 })), N), 'RPC_INCONSISTENT'],
    ['another block than asked', () => normalizeTronBlock(raw, infos, N + 1), 'RPC_BAD_RESPONSE'],
    ['a bad address', () => normalizeTronBlock({ ...raw, transactions: [{ txID: 'cc'.repeat(32), raw_data: { contract: [{ type: 'TransferContract', parameter: { value: { owner_address: 'zz', to_address: OTHER, amount: 1 } } }] } }] }, [], N), 'RPC_BAD_RESPONSE'],
  ])('%s', (_what, run, code) => {
    let error: unknown;
    try {
      run();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).code).toBe(code);
  });

  it('reads amounts beyond 2^53 exactly when given as strings', () => {
    const big = { txID: 'dd'.repeat(32), raw_data: { contract: [{ type: 'TransferContract', parameter: { value: { owner_address: OTHER, to_address: CONTRACT, amount: '90071992547409930' } } }] } };
    const b = normalizeTronBlock({ ...raw, transactions: [big] }, [], N);
    expect(b.transactions[0]!.contract.trxAmount).toBe(90_071_992_547_409_930n);
  });
});

describe('normalizeTronBlock address forms', () => {
  it('reads T-addresses from gateways that answer visible: true as the same bytes', () => {
    const raw = {
      blockID: 'ab'.repeat(32),
      block_header: { raw_data: { number: 5, parentHash: 'cd'.repeat(32) } },
      transactions: [{ txID: 'ef'.repeat(32), raw_data: { contract: [{ type: 'TransferContract', parameter: { value: { owner_address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', to_address: '41a614f803b6fd780986a42c78ec9c7f77e6ded13c', amount: 1 } } }] } }],
    };
    const b = normalizeTronBlock(raw, [], 5);
    expect(b.transactions[0]!.contract.owner).toBe(b.transactions[0]!.contract.to);
    expect(() => normalizeTronBlock({ ...raw, transactions: [{ ...raw.transactions[0]!, raw_data: { contract: [{ type: 'TransferContract', parameter: { value: { owner_address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', to_address: 'x', amount: 1 } } }] } }] }, [], 5)).toThrow(RetryableError);
  });
});

describe('Tron movements through the job queue and the alert renderers', () => {
  it('round-trip through the versioned job schema and render with T-addresses and a Tronscan link', () => {
    const movements = matchTronBlock(block(), { chain: 'tron', index: tronWatchlist('tron', [LEDGER_SENDER_KEY]), headNumber: N + 18 });
    expect(new Set(movements.map((m) => m.kind))).toEqual(new Set(['trc20', 'activity', 'internal', 'trc10']));
    for (const m of movements) {
      // Watchlist refs are the loader's entries (more fields): compare the serialised forms.
      const job = serializeMovement(m);
      expect(serializeMovement(parseMovementJob(JSON.parse(JSON.stringify(job))))).toEqual(job);
    }
    const usdt = movements.find((m) => m.kind === 'trc20')!;
    const email = renderEmail(usdt, { subjectPrefix: '[chainwatch]', explorerUrl: 'https://tronscan.org/#/transaction/{tx}' });
    expect(email.subject).toBe('[chainwatch] test-hack-2024 (watched 0): OUT 41.677389 USDT on tron');
    expect(email.text).toContain(`https://tronscan.org/#/transaction/${LEDGER_USDT_TX}`);
    expect(email.text).toContain(encodeTronAddress(RECIPIENT));
    expect(buildWebhookPayload(usdt, new Date(0)).data).toMatchObject({ kind: 'trc20', from: encodeTronAddress(LEDGER_SENDER_KEY), txFrom: encodeTronAddress(LEDGER_SENDER_KEY), logIndex: 0 });
  });
});
