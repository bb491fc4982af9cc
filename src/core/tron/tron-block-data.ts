import type { BlockHeader } from '../ports.js';

/**
 * A Tron block as the matcher needs it, normalised from the HTTP API's
 * `/wallet/getblockbynum` and `/wallet/gettransactioninfobyblocknum` answers
 * (normalize-tron-block.ts). Addresses are match keys: 21 bytes as lowercase
 * hex with the 0x41 prefix. Amounts are bigint base units (sun for TRX).
 */
export interface TronBlockData {
  readonly header: BlockHeader;
  readonly timestampMs: number;
  readonly transactions: readonly TronTransaction[];
}

export interface TronTransaction {
  readonly hash: string;
  /** Position in the block. */
  readonly index: number;
  /** False when the contract failed (ret contractRet REVERT/OUT_OF_ENERGY..., or info result FAILED): it moved nothing. */
  readonly success: boolean;
  /** The contract the owner signed (a Tron transaction carries exactly one). */
  readonly contract: TronContract;
  /** Event logs of a smart-contract call (from its transaction info). */
  readonly logs: readonly TronLog[];
  /** Value transfers made by contracts during the call (transaction info `internal_transactions`). */
  readonly internals: readonly TronInternalTransfer[];
}

export interface TronContract {
  /** Protocol contract type name: TransferContract, TransferAssetContract, TriggerSmartContract, ... */
  readonly type: string;
  /** Match key of the signer (owner_address). */
  readonly owner: string;
  /** TransferContract/TransferAssetContract: recipient; TriggerSmartContract: the contract called. */
  readonly to: string | null;
  /** TRX moved by the contract itself: TransferContract amount or TriggerSmartContract call_value. */
  readonly trxAmount: bigint;
  /** TRC-10 moved: TransferAssetContract (asset id, amount) or TriggerSmartContract (token_id, call_token_value). */
  readonly trc10: { readonly assetId: string; readonly amount: bigint } | null;
}

export interface TronLog {
  /** Position among the transaction's logs. */
  readonly index: number;
  /** Match key of the emitting contract. */
  readonly address: string;
  /** 32-byte words, lowercase hex without 0x. */
  readonly topics: readonly string[];
  readonly data: string;
}

export interface TronInternalTransfer {
  /** Position in the transaction's internal_transactions list. */
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  /** TRC-10 asset id, null for TRX. */
  readonly assetId: string | null;
}
