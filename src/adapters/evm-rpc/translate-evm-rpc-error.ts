import { isError } from 'ethers';
import { PermanentError, RetryableError } from '../../core/errors.js';

/** A JSON-RPC error object from a response (per call). */
export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** Thrown by the transport when a node answered with an HTTP error status. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Thrown by the transport when the body is not a well-formed JSON-RPC response. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

/** JSON-RPC per-call error, kept as the `cause` of the translated error. */
export class JsonRpcCallError extends Error {
  override readonly name = 'JsonRpcCallError';
  constructor(readonly rpcError: JsonRpcErrorObject) {
    super(`JSON-RPC error ${rpcError.code}`);
  }
}

/**
 * True when a JSON-RPC error says the node does not offer the method:
 * -32601 (method not found, JSON-RPC 2.0), -32004 (method not supported,
 * EIP-1474; hardhat uses it) or a message saying so.
 */
export function isMethodUnavailable(error: JsonRpcErrorObject): boolean {
  if (error.code === -32601 || error.code === -32004) return true;
  // A pruned node's "historical state not available" is about the block, not the method.
  if (isHistoricalStateMissing(error)) return false;
  return /not supported|not available|does not exist|method not found|not found: method|unsupported method|not implemented/i.test(error.message);
}

/** geth/erigon/reth on a non-archive node asked to trace a block whose state was pruned. */
export function isHistoricalStateMissing(error: JsonRpcErrorObject): boolean {
  return /historical state|missing trie node|state (is )?not available|state histories? .*(not|un)available|pruned/i.test(error.message);
}

/**
 * True when a JSON-RPC error says the EVM itself failed to run the call to
 * completion (not the transport, not the node): out of gas, invalid opcode or
 * jump, stack limits, the node's EVM timeout, a revert. Deterministic for a
 * given call at a given block, so retrying never helps. Clients differ:
 * geth/erigon/hardhat answer -32000 with the reason in the message (-32000
 * alone also means "header not found" and other transient states, so the
 * message decides), Nethermind/OpenEthereum -32015 "VM execution error",
 * EIP-1474 / geth reverts code 3.
 */
export function isExecutionFailure(error: JsonRpcErrorObject): boolean {
  if (error.code === 3 || error.code === -32015) return true;
  return /revert|out of gas|invalid opcode|invalid jump|stack (underflow|overflow|limit)|execution aborted|execution timeout|vm execution error|execution halted|invalid instruction|write protection|return data out of bounds|bad instruction/i.test(error.message);
}

/**
 * The one place that maps foreign errors of the EVM RPC adapter to ours.
 * `what` is a sentence fragment with identifiers ("eth_getLogs for block 12 on
 * chain eth via https://host"), already redacted, never a full URL.
 * - HTTP 408/429/5xx, network errors, timeouts, garbage bodies -> retryable;
 * - other HTTP 4xx (401/403/404: wrong URL or key) -> permanent;
 * - JSON-RPC: method unavailable, invalid params, execution reverted or failed
 *   (out of gas, invalid opcode, EVM timeout: isExecutionFailure) -> permanent;
 *   everything else (internal error, limits, header not found) -> retryable.
 */
export function translateEvmRpcError(err: unknown, what: string): RetryableError | PermanentError {
  if (err instanceof RetryableError || err instanceof PermanentError) return err;
  if (err instanceof HttpStatusError) {
    const s = err.status;
    if (s === 408 || s === 429 || s >= 500) return new RetryableError(s === 429 ? 'RPC_RATE_LIMITED' : 'RPC_HTTP_ERROR', `${what} failed with HTTP ${s}`, { cause: err });
    return new PermanentError('RPC_HTTP_REJECTED', `${what} was rejected with HTTP ${s} (check the URL and API key)`, { cause: err });
  }
  if (err instanceof MalformedResponseError) return new RetryableError('RPC_BAD_RESPONSE', `${what} returned a malformed response`, { cause: err });
  if (err instanceof JsonRpcCallError) {
    const e = err.rpcError;
    if (isMethodUnavailable(e)) return new PermanentError('RPC_METHOD_UNAVAILABLE', `${what}: the node does not offer this method`, { cause: err });
    if (e.code === 3 || /revert/i.test(e.message)) return new PermanentError('RPC_EXECUTION_REVERTED', `${what}: execution reverted`, { cause: err });
    if (isExecutionFailure(e)) return new PermanentError('RPC_EXECUTION_FAILED', `${what}: execution failed (JSON-RPC error ${e.code})`, { cause: err });
    if (e.code === -32602) return new PermanentError('RPC_INVALID_PARAMS', `${what}: the node rejected the parameters (code ${e.code})`, { cause: err });
    return new RetryableError('RPC_CALL_FAILED', `${what} failed with JSON-RPC error ${e.code}`, { cause: err });
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new RetryableError('RPC_TIMEOUT', `${what} timed out`, { cause: err });
  }
  // ethers errors, should a caller use ethers providers or coders.
  if (isError(err, 'TIMEOUT')) return new RetryableError('RPC_TIMEOUT', `${what} timed out`, { cause: err });
  if (isError(err, 'NETWORK_ERROR') || isError(err, 'SERVER_ERROR')) return new RetryableError('RPC_UNREACHABLE', `${what} failed: node unreachable`, { cause: err });
  if (isError(err, 'BAD_DATA')) return new RetryableError('RPC_BAD_RESPONSE', `${what} returned a malformed response`, { cause: err });
  if (isError(err, 'CALL_EXCEPTION')) return new PermanentError('RPC_EXECUTION_REVERTED', `${what}: execution reverted`, { cause: err });
  if (isError(err, 'UNSUPPORTED_OPERATION') || isError(err, 'INVALID_ARGUMENT')) return new PermanentError('RPC_UNSUPPORTED', `${what}: unsupported request`, { cause: err });
  // fetch() rejects with TypeError('fetch failed') on refused connections, DNS errors, resets.
  return new RetryableError('RPC_UNREACHABLE', `${what} failed: node unreachable`, { cause: err });
}
