/**
 * Tron test blocks, as the replay server serves them (see test/fixtures/tron/NOTES.md):
 * - block 79072107: RECORDED (mainnet, ultrasoundlabs/untron-v3, decoded from protobuf);
 *   its transaction infos are ASSEMBLED from the recorded call data (a getblockbynum
 *   recording has none): USDT transfer/transferFrom/approve calls get the Transfer/Approval
 *   log the USDT contract emits, every other transaction a bare success info;
 * - block 79072108: ASSEMBLED transactions around RECORDED transaction infos from
 *   LedgerHQ/ledger-live (a successful USDT transfer and a failed OUT_OF_ENERGY call), whose
 *   blockNumber is rewritten to 79072108 so they can sit in one replayed chain.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TronReplayBlock } from '../../src/devchain/tron/start-tron-replay-server.js';
import { assembledBlockId } from '../../src/devchain/tron/start-tron-replay-server.js';
import { decodeRecordedTronBlock } from './tron-protobuf.js';

export const RECORDED_BLOCK = 79_072_107;
export const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const APPROVAL_TOPIC = '8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925';
export const USDT_KEY = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';

interface RawTx {
  txID: string;
  ret?: { contractRet?: string }[];
  raw_data: { contract: { type: string; parameter: { value: Record<string, unknown> } }[] };
}

export async function recordedReplayBlock(): Promise<TronReplayBlock> {
  const decoded = await decodeRecordedTronBlock();
  const block = decoded.block;
  const timestamp = (block['block_header'] as { raw_data: { timestamp: number } }).raw_data.timestamp;
  const infos = (block['transactions'] as RawTx[]).map((tx) => assembleInfo(tx, RECORDED_BLOCK, timestamp));
  return { block, infos };
}

/** The transaction info a node would return for a recorded transaction (ASSEMBLED, see above). */
function assembleInfo(tx: RawTx, blockNumber: number, blockTimeStamp: number): Record<string, unknown> {
  const contract = tx.raw_data.contract[0]!;
  const base = { id: tx.txID, blockNumber, blockTimeStamp };
  if (contract.type !== 'TriggerSmartContract') return { ...base, receipt: { net_usage: 268 } };
  const value = contract.parameter.value;
  const owner = String(value['owner_address']);
  const target = String(value['contract_address']);
  const data = typeof value['data'] === 'string' ? value['data'] : '';
  const word = (i: number): string => data.slice(8 + 64 * i, 8 + 64 * (i + 1));
  const pad = (key41: string): string => key41.slice(2).padStart(64, '0');
  const log: Record<string, unknown>[] = [];
  if (target === USDT_KEY) {
    const selector = data.slice(0, 8);
    if (selector === 'a9059cbb') log.push({ address: USDT_KEY.slice(2), topics: [TRANSFER_TOPIC, pad(owner), word(0)], data: word(1) });
    if (selector === '23b872dd') log.push({ address: USDT_KEY.slice(2), topics: [TRANSFER_TOPIC, word(0), word(1)], data: word(2) });
    if (selector === '095ea7b3') log.push({ address: USDT_KEY.slice(2), topics: [APPROVAL_TOPIC, pad(owner), word(0)], data: word(1) });
  }
  return {
    ...base,
    contractResult: ['0000000000000000000000000000000000000000000000000000000000000001'],
    contract_address: target,
    receipt: { energy_usage_total: 64_285, net_usage: 345, result: 'SUCCESS' },
    ...(log.length > 0 ? { log } : {}),
  };
}

type LedgerInfo = Record<string, unknown> & { id: string; log?: { topics: string[]; data: string }[] };

export function ledgerLiveInfos(): Record<string, LedgerInfo> {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/tron/ledger-live-transaction-infos.json'), 'utf8')) as Record<string, LedgerInfo>;
}

/** The USDT sender of the recorded ledger-live infos (Transfer topic 1), as a match key. */
export const LEDGER_SENDER_KEY = '416e3b44b96104b26f84057974a1f0c9880f7c9b13';
export const LEDGER_USDT_TX = '0130dfde9281a48378109039ef512229d5359fbee2a8adbb17ad73aebc67ea99';
export const LEDGER_FAILED_TX = '13df06d50a1ff1f4a164e25afc946dd7b05df044894b1073b1e92eef41d8a98a';

/**
 * Block `number` (ASSEMBLED) holding the two recorded ledger-live transaction infos:
 * the successful USDT transfer 0130dfde… and the failed (OUT_OF_ENERGY) call 13df06d5…,
 * both signed by LEDGER_SENDER_KEY; plus `extra` transactions (raw, with their infos).
 */
export function ledgerLiveReplayBlock(number: number, parentHash: string, extra: { tx: Record<string, unknown>; info: Record<string, unknown> }[] = []): TronReplayBlock {
  const infos = ledgerLiveInfos();
  const ok = infos[LEDGER_USDT_TX]!;
  const failed = infos[LEDGER_FAILED_TX]!;
  const okLog = ok.log![0]!;
  const trigger = (txID: string, contractRet: string, to: string, amountWord: string): Record<string, unknown> => ({
    ret: [{ contractRet }],
    txID,
    raw_data: {
      contract: [
        {
          parameter: {
            value: { data: `a9059cbb${to}${amountWord}`, owner_address: LEDGER_SENDER_KEY, contract_address: USDT_KEY },
            type_url: 'type.googleapis.com/protocol.TriggerSmartContract',
          },
          type: 'TriggerSmartContract',
        },
      ],
      fee_limit: 100_000_000,
    },
  });
  const timestamp = 1_767_879_417_000;
  const transactions = [
    trigger(LEDGER_USDT_TX, 'SUCCESS', okLog.topics[2]!, okLog.data),
    trigger(LEDGER_FAILED_TX, 'OUT_OF_ENERGY', '00000000000000000000000018314cd6beab3b324174395a40731cfdf07e857d', '00000000000000000000000000000000000000000000000000000000000003e8'),
    ...extra.map((e) => e.tx),
  ];
  return {
    block: {
      blockID: assembledBlockId(number, `ledger-live|${parentHash}`),
      block_header: { raw_data: { number, parentHash, timestamp, version: 32 } },
      transactions,
    },
    infos: [
      { ...ok, blockNumber: number, blockTimeStamp: timestamp },
      { ...failed, blockNumber: number, blockTimeStamp: timestamp },
      ...extra.map((e) => ({ ...e.info, blockNumber: number, blockTimeStamp: timestamp })),
    ],
  };
}
