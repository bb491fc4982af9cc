import { AddressError } from '../address/address-error.js';
import { normalizeTronAddress, tronMatchKey } from '../address/normalize-tron-address.js';
import { RetryableError } from '../errors.js';
import type { TronBlockData, TronContract, TronInternalTransfer, TronLog, TronTransaction } from './tron-block-data.js';

/**
 * Normalises one block from the Tron HTTP API (pure): the `/wallet/getblockbynum`
 * answer (contract types and parameters: only blocks show whether a transfer
 * is TRX or TRC-10) and the `/wallet/gettransactioninfobyblocknum` answer
 * (success, logs, internal transactions) for the same block.
 *
 * Provider data is untrusted: a block with the wrong number, an info for a
 * transaction the block does not have or from another block, or a smart
 * contract call without its info (the node has not indexed the block's infos
 * yet) is a RetryableError, never a partial result.
 * Large integers may arrive as strings (the adapter quotes numbers JSON cannot
 * hold exactly); both forms are accepted.
 */
export function normalizeTronBlock(rawBlock: unknown, rawInfos: unknown, expectedNumber: number): TronBlockData {
  const where = `tron block ${expectedNumber}`;
  const block = obj(rawBlock, where);
  const header = obj(obj(block['block_header'], `${where} block_header`)['raw_data'], `${where} block_header.raw_data`);
  const number = int(header['number'] ?? 0, `${where} number`);
  if (number !== expectedNumber) throw bad(`${where}: the node returned block ${number}`);
  const hash = hex32(block['blockID'], `${where} blockID`);
  const parentHash = hex32(header['parentHash'], `${where} parentHash`);
  const timestampMs = int(header['timestamp'] ?? 0, `${where} timestamp`);

  const infos = new Map<string, Record<string, unknown>>();
  // An empty block's infos come back as [] (or {} from some gateways).
  const infoList = Array.isArray(rawInfos) ? rawInfos : isEmptyObject(rawInfos) ? [] : undefined;
  if (infoList === undefined) throw bad(`${where}: transaction infos are not a list`);
  for (const raw of infoList) {
    const info = obj(raw, `${where} transaction info`);
    const id = hex32(info['id'], `${where} transaction info id`);
    const infoBlock = info['blockNumber'] === undefined ? number : int(info['blockNumber'], `${where} info blockNumber`);
    if (infoBlock !== number) throw inconsistent(`${where}: transaction info ${id} belongs to block ${infoBlock}`);
    infos.set(id, info);
  }

  const rawTxs = block['transactions'] ?? [];
  if (!Array.isArray(rawTxs)) throw bad(`${where}: transactions is not a list`);
  const transactions: TronTransaction[] = rawTxs.map((raw, index) => {
    const tx = obj(raw, `${where} transaction ${index}`);
    const txHash = hex32(tx['txID'], `${where} transaction ${index} txID`);
    const at = `${where} tx ${txHash}`;
    const contract = normalizeContract(obj(tx['raw_data'], `${at} raw_data`), at);
    const info = infos.get(txHash);
    infos.delete(txHash);
    if (info === undefined && (contract.type === 'TriggerSmartContract' || contract.type === 'CreateSmartContract')) {
      throw inconsistent(`${at}: the node has no transaction info for this smart contract call yet`);
    }
    const ret = Array.isArray(tx['ret']) ? (tx['ret'][0] as Record<string, unknown> | undefined) : undefined;
    const contractRet = typeof ret?.['contractRet'] === 'string' ? ret['contractRet'] : 'SUCCESS';
    const success = (contractRet === 'SUCCESS' || contractRet === 'DEFAULT') && info?.['result'] !== 'FAILED';
    return {
      hash: txHash,
      index,
      success,
      contract,
      logs: info === undefined ? [] : normalizeLogs(info['log'], at),
      internals: info === undefined ? [] : normalizeInternals(info['internal_transactions'], at),
    };
  });
  const stray = infos.keys().next();
  if (stray.done !== true) throw inconsistent(`${where}: transaction info ${stray.value} is not in the block (another fork?)`);
  return { header: { number, hash, parentHash }, timestampMs, transactions };
}

function normalizeContract(rawData: Record<string, unknown>, at: string): TronContract {
  const list = rawData['contract'];
  if (!Array.isArray(list) || list.length === 0) throw bad(`${at}: raw_data.contract is missing`);
  // The protocol allows one contract per transaction; java-tron rejects more.
  const c = obj(list[0], `${at} contract`);
  const type = typeof c['type'] === 'string' ? c['type'] : undefined;
  if (type === undefined) throw bad(`${at}: contract without type`);
  const value = obj(obj(c['parameter'], `${at} parameter`)['value'], `${at} parameter.value`);
  const owner = address(value['owner_address'], `${at} owner_address`);
  switch (type) {
    case 'TransferContract':
      return { type, owner, to: address(value['to_address'], `${at} to_address`), trxAmount: amount(value['amount'], `${at} amount`), trc10: null };
    case 'TransferAssetContract':
      return {
        type,
        owner,
        to: address(value['to_address'], `${at} to_address`),
        trxAmount: 0n,
        trc10: { assetId: assetId(value['asset_name'], `${at} asset_name`), amount: amount(value['amount'], `${at} amount`) },
      };
    case 'TriggerSmartContract': {
      const tokenValue = amount(value['call_token_value'] ?? 0, `${at} call_token_value`);
      return {
        type,
        owner,
        to: address(value['contract_address'], `${at} contract_address`),
        trxAmount: amount(value['call_value'] ?? 0, `${at} call_value`),
        trc10: tokenValue > 0n ? { assetId: String(int(value['token_id'] ?? 0, `${at} token_id`)), amount: tokenValue } : null,
      };
    }
    default:
      return { type, owner, to: null, trxAmount: 0n, trc10: null };
  }
}

function normalizeLogs(raw: unknown, at: string): TronLog[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw bad(`${at}: log is not a list`);
  return raw.map((item, index) => {
    const log = obj(item, `${at} log ${index}`);
    const topics = log['topics'] ?? [];
    if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string' && /^[0-9a-fA-F]{64}$/.test(t))) throw bad(`${at}: log ${index} has malformed topics`);
    const data = log['data'] ?? '';
    if (typeof data !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(data)) throw bad(`${at}: log ${index} has malformed data`);
    return { index, address: address(log['address'], `${at} log ${index} address`), topics: topics.map((t: string) => t.toLowerCase()), data: data.toLowerCase() };
  });
}

function normalizeInternals(raw: unknown, at: string): TronInternalTransfer[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw bad(`${at}: internal_transactions is not a list`);
  const out: TronInternalTransfer[] = [];
  raw.forEach((item, index) => {
    const itx = obj(item, `${at} internal transaction ${index}`);
    // A rejected internal call moved nothing.
    if (itx['rejected'] === true) return;
    const values = itx['callValueInfo'] ?? [];
    if (!Array.isArray(values)) throw bad(`${at}: internal transaction ${index} callValueInfo is not a list`);
    for (const v of values) {
      const cv = obj(v, `${at} internal transaction ${index} callValueInfo`);
      const value = amount(cv['callValue'] ?? 0, `${at} internal transaction ${index} callValue`);
      if (value === 0n) continue;
      const from = address(itx['caller_address'], `${at} internal transaction ${index} caller_address`);
      const to = address(itx['transferTo_address'], `${at} internal transaction ${index} transferTo_address`);
      out.push({ index, from, to, amount: value, assetId: cv['tokenId'] === undefined ? null : String(int(cv['tokenId'], `${at} internal transaction ${index} tokenId`)) });
    }
  });
  return out;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function int(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(`${what} is not a non-negative integer`);
  return n;
}

function amount(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw bad(`${what} is not a non-negative integer`);
}

function hex32(v: unknown, what: string): string {
  if (typeof v !== 'string' || !/^(0x)?[0-9a-fA-F]{64}$/.test(v)) throw bad(`${what} is not a 32-byte hex hash`);
  return v.toLowerCase().replace(/^0x/, '');
}

/** Hex (`visible: false`, what we ask for) or, from gateways that answer `visible: true` anyway, a T-address. */
function address(v: unknown, what: string): string {
  if (typeof v === 'string' && v.startsWith('T')) {
    try {
      return normalizeTronAddress(v).matchKey;
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
    }
  }
  const key = typeof v === 'string' ? tronMatchKey(v) : undefined;
  if (key === undefined) throw bad(`${what} is not a tron address`);
  return key;
}

/** TRC-10 asset ids travel as the hex of their ASCII digits ("31303032303030" is 1002000); old assets by name. */
function assetId(v: unknown, what: string): string {
  if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(v)) throw bad(`${what} is not hex`);
  return Buffer.from(v, 'hex').toString('utf8');
}

function bad(message: string): RetryableError {
  return new RetryableError('RPC_BAD_RESPONSE', message);
}

function inconsistent(message: string): RetryableError {
  return new RetryableError('RPC_INCONSISTENT', message);
}
