import { describe, expect, it } from 'vitest';
import { JsonRpcCallError, isExecutionFailure, translateEvmRpcError } from '../../../src/adapters/evm-rpc/translate-evm-rpc-error.js';

const translate = (code: number, message: string) => translateEvmRpcError(new JsonRpcCallError({ code, message }), 'eth_call of 0xabc on chain ethereum');

describe('translateEvmRpcError: execution failures are permanent, transport and node states retry (issue #7)', () => {
  it('out of gas, invalid opcode, the EVM timeout and VM errors as real clients word them are RPC_EXECUTION_FAILED (permanent)', () => {
    const failures: [number, string][] = [
      [-32000, 'Transaction ran out of gas'], // hardhat
      [-32000, 'out of gas'], // geth, erigon
      [-32000, 'invalid opcode: INVALID'], // geth
      [-32000, 'invalid jump destination'],
      [-32000, 'stack underflow (0 <=> 1)'],
      [-32000, 'execution aborted (timeout = 5s)'], // geth's RPCEVMTimeout
      [-32015, 'VM execution error.'], // nethermind, openethereum
    ];
    for (const [code, message] of failures) {
      expect(isExecutionFailure({ code, message })).toBe(true);
      expect(translate(code, message)).toMatchObject({ name: 'PermanentError', code: 'RPC_EXECUTION_FAILED' });
    }
  });

  it('a revert stays RPC_EXECUTION_REVERTED (a token without the getter)', () => {
    expect(translate(3, 'execution reverted')).toMatchObject({ name: 'PermanentError', code: 'RPC_EXECUTION_REVERTED' });
    expect(translate(-32000, 'execution reverted')).toMatchObject({ code: 'RPC_EXECUTION_REVERTED' });
  });

  it('-32000 without an execution reason, rate limits and internal errors stay retryable', () => {
    for (const [code, message] of [[-32000, 'header not found'], [-32005, 'limit exceeded'], [-32603, 'internal error'], [-32000, 'request timed out']] as const) {
      expect(isExecutionFailure({ code, message })).toBe(false);
      expect(translate(code, message)).toMatchObject({ name: 'RetryableError', code: 'RPC_CALL_FAILED' });
    }
  });
});
