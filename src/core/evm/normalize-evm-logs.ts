import { RetryableError } from '../errors.js';
import type { BlockRef } from '../ports.js';
import type { EvmLog } from './evm-block-data.js';
import { parseAddress, parseArray, parseData, parseHash, parseQuantity, parseRecord } from './parse-rpc-value.js';

/**
 * Turns raw logs (`eth_getLogs` result, or a receipt's `logs`) of one block
 * into EvmLogs, sorted by log index. Provider data is untrusted: a log whose
 * blockHash differs from the block's means the node answered from another
 * fork (a reorg in between), so the whole block is retried (RPC_INCONSISTENT).
 * Logs flagged `removed` are dropped.
 */
export function normalizeEvmLogs(raw: unknown, block: BlockRef): EvmLog[] {
  const list = parseArray(raw, 'log list of block', block.number);
  const out: EvmLog[] = [];
  for (const item of list) {
    const log = parseRecord(item, 'log in block', block.number);
    // The block's own (checked) hash, as nodes send it, needs no second check.
    const blockHash = log['blockHash'] === block.hash ? block.hash : parseHash(log['blockHash'], 'log block hash in block', block.number);
    if (blockHash !== block.hash) {
      throw new RetryableError('RPC_INCONSISTENT', `the RPC node returned a log of block ${block.number} from another fork (block hash ${blockHash}, expected ${block.hash})`);
    }
    if (log['removed'] === true) continue;
    const topicsRaw = parseArray(log['topics'], 'log topics in block', block.number);
    const topics = topicsRaw.map((t) => parseHash(t, 'log topic in block', block.number));
    out.push({
      address: parseAddress(log['address'], 'log address in block', block.number),
      topics,
      data: parseData(log['data'], 'log data in block', block.number),
      logIndex: parseQuantity(log['logIndex'], 'log index in block', block.number),
      txHash: parseHash(log['transactionHash'], 'log transaction hash in block', block.number),
      txIndex: parseQuantity(log['transactionIndex'], 'log transaction index in block', block.number),
    });
  }
  out.sort((a, b) => a.logIndex - b.logIndex);
  return out;
}
