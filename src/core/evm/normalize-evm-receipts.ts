import { RetryableError } from '../errors.js';
import type { BlockRef } from '../ports.js';
import type { EvmLog } from './evm-block-data.js';
import { normalizeEvmLogs } from './normalize-evm-logs.js';
import { parseArray, parseHash, parseQuantity, parseRecord } from './parse-rpc-value.js';

export interface NormalizedEvmReceipts {
  readonly logs: readonly EvmLog[];
  /** Success by lowercase transaction hash. */
  readonly txStatus: ReadonlyMap<string, boolean>;
}

/**
 * Turns raw receipts (`eth_getBlockReceipts` result, or a list of
 * `eth_getTransactionReceipt` results) of one block into its logs and the
 * success flag of each transaction. Receipts from another fork are an error
 * (RPC_INCONSISTENT); a missing receipt is garbage (RPC_BAD_RESPONSE).
 * Pre-Byzantium receipts have `root` instead of `status`: counted as success.
 */
export function normalizeEvmReceipts(raw: unknown, block: BlockRef): NormalizedEvmReceipts {
  const list = parseArray(raw, 'receipt list of block', block.number);
  const rawLogs: unknown[] = [];
  const txStatus = new Map<string, boolean>();
  for (const item of list) {
    const receipt = parseRecord(item, 'receipt in block', block.number);
    const txHash = parseHash(receipt['transactionHash'], 'receipt transaction hash in block', block.number);
    const blockHash = parseHash(receipt['blockHash'], 'receipt block hash of transaction', txHash);
    if (blockHash !== block.hash) {
      throw new RetryableError('RPC_INCONSISTENT', `the RPC node returned the receipt of transaction ${txHash} from another fork than block ${block.number}`);
    }
    const status = receipt['status'] === undefined || receipt['status'] === null ? 1 : parseQuantity(receipt['status'], 'status of transaction', txHash);
    txStatus.set(txHash, status === 1);
    for (const log of parseArray(receipt['logs'], 'logs of transaction', txHash)) rawLogs.push(log);
  }
  return { logs: normalizeEvmLogs(rawLogs, block), txStatus };
}
