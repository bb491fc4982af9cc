import type { BlockRef } from '../ports.js';
import { RetryableError } from '../errors.js';
import type { EvmInternalTransfer } from './evm-block-data.js';
import { parseAddress, parseArray, parseHash, parseQuantity, parseQuantityBigInt, parseRecord } from './parse-rpc-value.js';

/**
 * Turns a raw parity/OpenEthereum `trace_block(n)` result (a flat list; each
 * trace has a `traceAddress` path in its transaction's call tree) into the
 * value transfers inside call trees. The trace with an empty traceAddress is
 * the transaction itself (the native leg) and block rewards have no
 * transaction: both are skipped. A trace with `error` was reverted together
 * with every trace below it.
 */
export function normalizeEvmParityTraces(raw: unknown, block: BlockRef): EvmInternalTransfer[] {
  const list = parseArray(raw, `trace list of block ${block.number}`);
  const out: EvmInternalTransfer[] = [];
  // Reverted subtrees per transaction, as "a.b.c" prefixes.
  const reverted = new Map<string, string[]>();
  for (const item of list) {
    const trace = parseRecord(item, `trace in block ${block.number}`);
    if (trace['type'] === 'reward' || trace['transactionHash'] === null || trace['transactionHash'] === undefined) continue;
    const blockHash = parseHash(trace['blockHash'], `trace block hash in block ${block.number}`);
    if (blockHash !== block.hash) {
      throw new RetryableError('RPC_INCONSISTENT', `the RPC node returned a trace of block ${block.number} from another fork`);
    }
    const txHash = parseHash(trace['transactionHash'], `trace transaction hash in block ${block.number}`);
    const path = parseArray(trace['traceAddress'], `trace address in transaction ${txHash}`).map((n) => parseQuantity(n, `trace address in transaction ${txHash}`));
    const position = path.join('.');
    const failed = trace['error'] !== undefined && trace['error'] !== null;
    const revertedHere = reverted.get(txHash);
    if (failed) {
      if (revertedHere) revertedHere.push(position);
      else reverted.set(txHash, [position]);
    }
    if (failed || path.length === 0) continue;
    if (revertedHere?.some((p) => p === '' || position === p || position.startsWith(`${p}.`))) continue;
    const transfer = toTransfer(trace, txHash, position);
    if (transfer && transfer.value > 0n) out.push(transfer);
  }
  return out;
}

function toTransfer(trace: Record<string, unknown>, txHash: string, position: string): EvmInternalTransfer | undefined {
  const action = parseRecord(trace['action'], `trace action in transaction ${txHash}`);
  switch (trace['type']) {
    case 'call': {
      const callType = typeof action['callType'] === 'string' ? action['callType'].toLowerCase() : 'call';
      // delegatecall/staticcall/callcode never credit another account.
      if (callType !== 'call') return undefined;
      return {
        txHash,
        position,
        from: parseAddress(action['from'], `call sender in transaction ${txHash}`),
        to: parseAddress(action['to'], `call recipient in transaction ${txHash}`),
        value: parseQuantityBigInt(action['value'], `call value in transaction ${txHash}`),
        callType,
      };
    }
    case 'create': {
      const result = parseRecord(trace['result'], `create result in transaction ${txHash}`);
      return {
        txHash,
        position,
        from: parseAddress(action['from'], `creator in transaction ${txHash}`),
        to: parseAddress(result['address'], `created contract in transaction ${txHash}`),
        value: parseQuantityBigInt(action['value'], `create value in transaction ${txHash}`),
        callType: typeof action['creationMethod'] === 'string' ? action['creationMethod'].toLowerCase() : 'create',
      };
    }
    case 'suicide':
    case 'selfdestruct':
      return {
        txHash,
        position,
        from: parseAddress(action['address'], `self-destructed contract in transaction ${txHash}`),
        to: parseAddress(action['refundAddress'], `self-destruct beneficiary in transaction ${txHash}`),
        value: parseQuantityBigInt(action['balance'], `self-destruct balance in transaction ${txHash}`),
        callType: 'selfdestruct',
      };
    default:
      return undefined;
  }
}
