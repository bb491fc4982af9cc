import { PermanentError } from '../errors.js';
import type { EvmInternalTransfer } from './evm-block-data.js';
import { badResponse, isRecord, parseAddress, parseArray, parseHash, parseQuantityBigInt, parseRecord } from './parse-rpc-value.js';

/** Frame types that move value to `to` (DELEGATECALL/CALLCODE/STATICCALL never move value to another account). */
const VALUE_FRAMES = new Map([
  ['CALL', 'call'],
  ['CREATE', 'create'],
  ['CREATE2', 'create2'],
  ['SELFDESTRUCT', 'selfdestruct'],
]);

/**
 * Turns a raw `debug_traceBlockByNumber(n, {tracer: 'callTracer'})` result (one
 * `{txHash?, result: frame}` per transaction, in block order) into the value
 * transfers inside each call tree. The top-level frame is the transaction
 * itself (its value is the native leg), so only nested frames count. A frame
 * with `error` was reverted: it and its whole subtree moved nothing.
 *
 * A node that ignored the tracer (struct logs instead of call frames) cannot
 * give internal transfers: PermanentError TRACES_UNSUPPORTED. Garbage or a
 * result that does not line up with the block's transactions: RetryableError.
 */
export function normalizeEvmCallTraces(raw: unknown, block: { readonly number: number; readonly txHashes: readonly string[] }): EvmInternalTransfer[] {
  const list = parseArray(raw, `call trace list of block ${block.number}`);
  if (list.length !== block.txHashes.length) throw badResponse(`call trace list of block ${block.number} (${list.length} traces for ${block.txHashes.length} transactions)`);
  const out: EvmInternalTransfer[] = [];
  list.forEach((item, i) => {
    const entry = parseRecord(item, `call trace in block ${block.number}`);
    const expectedHash = block.txHashes[i]!;
    if (entry['txHash'] !== undefined && parseHash(entry['txHash'], `traced transaction hash in block ${block.number}`) !== expectedHash) {
      throw badResponse(`call trace of block ${block.number} (transaction ${i} is not ${expectedHash})`);
    }
    if (entry['error'] !== undefined && entry['result'] === undefined) throw badResponse(`call trace of transaction ${expectedHash} (the node could not trace it)`);
    const frame = parseRecord(entry['result'], `call trace result of transaction ${expectedHash}`);
    if (frame['type'] === undefined && 'structLogs' in frame) {
      throw new PermanentError('TRACES_UNSUPPORTED', `the RPC node ignored the callTracer for block ${block.number} (it returned struct logs)`);
    }
    walk(frame, expectedHash, [], out);
  });
  return out;
}

function walk(frame: Record<string, unknown>, txHash: string, path: readonly number[], out: EvmInternalTransfer[]): void {
  if (typeof frame['type'] !== 'string') throw badResponse(`call frame type in transaction ${txHash}`);
  // A reverted frame's value transfers (and all of its children's) were undone.
  if (frame['error'] !== undefined && frame['error'] !== null) return;
  if (path.length > 0) {
    const callType = VALUE_FRAMES.get(frame['type'].toUpperCase());
    if (callType !== undefined && frame['value'] !== undefined && frame['value'] !== null) {
      const value = parseQuantityBigInt(frame['value'], `call value in transaction ${txHash}`);
      if (value > 0n) {
        out.push({
          txHash,
          position: path.join('.'),
          from: parseAddress(frame['from'], `call sender in transaction ${txHash}`),
          to: parseAddress(frame['to'], `call recipient in transaction ${txHash}`),
          value,
          callType,
        });
      }
    }
  }
  const calls = frame['calls'];
  if (calls === undefined || calls === null) return;
  parseArray(calls, `nested calls in transaction ${txHash}`).forEach((child, i) => {
    if (!isRecord(child)) throw badResponse(`nested call in transaction ${txHash}`);
    walk(child, txHash, [...path, i], out);
  });
}
