import type { BlockHeader } from '../ports.js';

/**
 * Compact, immutable EVM block as the matcher sees it: built from raw JSON-RPC
 * results by the normalize-* functions. Addresses and hashes are lowercase hex
 * (compare lowercase, checksum only for display); amounts are bigint.
 */
export interface EvmTransaction {
  readonly hash: string;
  readonly index: number;
  readonly from: string;
  /** null for contract creation. */
  readonly to: string | null;
  readonly value: bigint;
  readonly nonce: number;
}

export interface EvmLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly logIndex: number;
  readonly txHash: string;
  readonly txIndex: number;
}

/** A value transfer inside a transaction's call tree (not the top-level call). */
export interface EvmInternalTransfer {
  readonly txHash: string;
  /** Path in the call tree, e.g. "0.2.1" (callTracer `calls` indices = parity traceAddress). */
  readonly position: string;
  readonly from: string;
  readonly to: string;
  readonly value: bigint;
  /** call, create, create2, selfdestruct. */
  readonly callType: string;
}

export interface EvmBlockData {
  readonly header: BlockHeader;
  readonly timestamp: number;
  readonly transactions: readonly EvmTransaction[];
  readonly logs: readonly EvmLog[];
  /** null when the node offers no call traces (internal transfers unknown). */
  readonly internalTransfers: readonly EvmInternalTransfer[] | null;
  /** Transaction success by lowercase hash, when block receipts were fetched; else null. */
  readonly txStatus: ReadonlyMap<string, boolean> | null;
}

export type EvmTokenStandard = 'erc20' | 'erc721' | 'erc1155';

export interface TokenMetadata {
  readonly symbol: string;
  readonly decimals: number;
  /**
   * An ERC-20 whose decimals() could not be read (no such getter, an execution
   * failure such as out of gas, or lookups that kept failing): `decimals` is 0
   * and amounts are shown in raw base units. Absent (false) otherwise.
   */
  readonly rawUnits?: boolean;
}
