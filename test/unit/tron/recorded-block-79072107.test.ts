/**
 * Every transaction of the recorded mainnet block 79072107 (619 transactions,
 * ultrasoundlabs/untron-v3, hex protobuf), decoded with the Tron protocol's own
 * .proto files, rendered as the HTTP API does and classified by our normaliser.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TronReplayBlock } from '../../../src/devchain/tron/start-tron-replay-server.js';
import { encodeTronAddress } from '../../../src/core/address/normalize-tron-address.js';
import { collectTronLegs } from '../../../src/core/tron/collect-tron-legs.js';
import { matchTronBlock } from '../../../src/core/tron/match-tron-block.js';
import { normalizeTronBlock } from '../../../src/core/tron/normalize-tron-block.js';
import type { TronBlockData } from '../../../src/core/tron/tron-block-data.js';
import { RECORDED_BLOCK, USDT_KEY, recordedReplayBlock } from '../../helpers/tron-fixtures.js';
import { decodeRecordedTronBlock, type DecodedTronBlock } from '../../helpers/tron-protobuf.js';
import { tronWatchlist } from './tron-watchlist.js';

let decoded: DecodedTronBlock;
let replay: TronReplayBlock;
let block: TronBlockData;
type RawTx = { txID: string; raw_data: { contract: { type: string; parameter: { value: Record<string, unknown> } }[] } };
let rawTxs: RawTx[];

beforeAll(async () => {
  decoded = await decodeRecordedTronBlock();
  replay = await recordedReplayBlock();
  block = normalizeTronBlock(replay.block, replay.infos, RECORDED_BLOCK);
  rawTxs = replay.block['transactions'] as RawTx[];
});

describe('recorded mainnet block 79072107', () => {
  it('decodes to 619 transactions whose ids and block id verify independently', () => {
    expect(decoded.recordedTxIds).toHaveLength(619);
    expect(decoded.computedTxIds).toEqual(decoded.recordedTxIds);
    expect(decoded.computedBlockId).toBe(decoded.recordedBlockId);
    expect(decoded.recordedBlockId).toBe('0000000004b68b6be6d7223b1ecf2850f00f700292beeead2810c18e9e1548e2');
    // A getblockbynum recording carries no logs: the transaction infos are a separate call.
    expect(decoded.extentionLogCount).toBe(0);
  });

  it('normalises the header and every transaction in block order', () => {
    expect(block.header).toEqual({
      number: RECORDED_BLOCK,
      hash: '0000000004b68b6be6d7223b1ecf2850f00f700292beeead2810c18e9e1548e2',
      parentHash: '0000000004b68b6aff9a1af3e52db1197b07bacb52612f29bf5dc8c5a4474b41',
    });
    expect(block.transactions.map((t) => t.hash)).toEqual(decoded.recordedTxIds);
    expect(block.transactions.every((t) => t.success)).toBe(true);
    const types = new Map<string, number>();
    for (const t of block.transactions) types.set(t.contract.type, (types.get(t.contract.type) ?? 0) + 1);
    expect(Object.fromEntries(types)).toEqual({
      TriggerSmartContract: 158,
      TransferContract: 230,
      DelegateResourceContract: 125,
      TransferAssetContract: 38,
      UnDelegateResourceContract: 66,
      AccountCreateContract: 1,
      FreezeBalanceV2Contract: 1,
    });
  });

  it('classifies every transaction: TRX, TRC-10 with its asset id, USDT Transfer, or no value moved', () => {
    const legs = collectTronLegs(block);
    const byTx = new Map<string, typeof legs>();
    for (const leg of legs) byTx.set(leg.txHash, [...(byTx.get(leg.txHash) ?? []), leg]);
    let trx = 0;
    let trc10 = 0;
    let usdt = 0;
    let none = 0;
    for (const raw of rawTxs) {
      const c = raw.raw_data.contract[0]!;
      const v = c.parameter.value;
      const got = byTx.get(raw.txID) ?? [];
      switch (c.type) {
        case 'TransferContract':
          expect(got).toHaveLength(1);
          expect(got[0]).toMatchObject({ kind: 'trx', leg: 'native', from: v['owner_address'], to: v['to_address'], amount: BigInt(v['amount'] as number) });
          trx++;
          break;
        case 'TransferAssetContract':
          expect(got).toHaveLength(1);
          expect(got[0]).toMatchObject({ kind: 'trc10', from: v['owner_address'], to: v['to_address'], amount: BigInt(v['amount'] as number) });
          expect(got[0]!.assetId).toBe(Buffer.from(String(v['asset_name']), 'hex').toString());
          expect(got[0]!.assetId).toMatch(/^10\d{5}$/);
          trc10++;
          break;
        case 'TriggerSmartContract': {
          const data = String(v['data']);
          const selector = data.slice(0, 8);
          if (v['contract_address'] === USDT_KEY && (selector === 'a9059cbb' || selector === '23b872dd')) {
            expect(got).toHaveLength(1);
            const to = selector === 'a9059cbb' ? data.slice(8 + 24, 8 + 64) : data.slice(8 + 64 + 24, 8 + 128);
            expect(got[0]).toMatchObject({ kind: 'trc20', tokenContract: USDT_KEY, to: `41${to}`, leg: 'log0', logIndex: 0 });
            usdt++;
          } else {
            // approve() emits Approval, not Transfer; the other contract's call moved no TRX.
            expect(got).toEqual([]);
            none++;
          }
          break;
        }
        default:
          expect(got).toEqual([]);
          none++;
      }
    }
    expect({ trx, trc10, usdt, none }).toEqual({ trx: 230, trc10: 38, usdt: 154, none: 197 });
    expect(trx + trc10 + usdt + none).toBe(619);
  });

  it('alerts a watched owner signing other contract types (resource delegation) as activity, with T-addresses', () => {
    const delegation = block.transactions.find((t) => t.contract.type === 'DelegateResourceContract')!;
    const movements = matchTronBlock(block, { chain: 'tron', index: tronWatchlist('tron', [delegation.contract.owner]), headNumber: RECORDED_BLOCK + 18 });
    const own = movements.filter((m) => m.txHash === delegation.hash);
    expect(own).toEqual([
      expect.objectContaining({ kind: 'activity', direction: 'out', amount: 0n, from: encodeTronAddress(delegation.contract.owner), confirmations: 19 }),
    ]);
    expect(own[0]!.watchedAddress).toMatch(/^T[1-9A-HJ-NP-Za-km-z]{33}$/);
  });

  it('alerts a watched USDT recipient with the amount in USDT (6 decimals) and the contract as a T-address', () => {
    const tx = rawTxs.find((t) => t.raw_data.contract[0]!.type === 'TriggerSmartContract' && String(t.raw_data.contract[0]!.parameter.value['data']).startsWith('a9059cbb'))!;
    const data = String(tx.raw_data.contract[0]!.parameter.value['data']);
    const recipient = `41${data.slice(8 + 24, 8 + 64)}`;
    const movements = matchTronBlock(block, { chain: 'tron', index: tronWatchlist('tron', [recipient]), headNumber: RECORDED_BLOCK });
    const mine = movements.filter((m) => m.txHash === tx.txID);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      kind: 'trc20',
      direction: 'in',
      asset: { contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 },
      amount: BigInt(`0x${data.slice(8 + 64, 8 + 128)}`),
      to: encodeTronAddress(recipient),
      txFrom: encodeTronAddress(String(tx.raw_data.contract[0]!.parameter.value['owner_address'])),
      id: `tron-${tx.txID}-log0-${recipient}`,
    });
  });

  it('matches nothing when nothing watched is involved, and its result does not depend on unrelated transactions', () => {
    const tx = block.transactions.find((t) => t.contract.type === 'TransferContract')!;
    const index = tronWatchlist('tron', [tx.contract.to!]);
    const full = matchTronBlock(block, { chain: 'tron', index, headNumber: RECORDED_BLOCK });
    const alone = matchTronBlock({ ...block, transactions: [tx] }, { chain: 'tron', index, headNumber: RECORDED_BLOCK });
    expect(full.filter((m) => m.txHash === tx.hash)).toEqual(alone);
    expect(alone[0]).toMatchObject({ kind: 'trx', direction: 'in', asset: { contract: null, symbol: 'TRX', decimals: 6 } });
    expect(matchTronBlock(block, { chain: 'tron', index: tronWatchlist('tron', ['41' + '00'.repeat(20)]), headNumber: RECORDED_BLOCK })).toEqual([]);
  });
});
