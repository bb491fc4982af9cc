/**
 * The parts of a Solana `getBlock` answer chainwatch reads (JSON-RPC, with
 * `transactionDetails: 'full'`, `rewards: false`, `maxSupportedTransactionVersion: 0`).
 * Amounts arrive as numbers or, past 2^53, decimal strings (lossless JSON).
 */
export interface SolanaRawTokenBalance {
  readonly accountIndex: number;
  readonly mint: string;
  /** The wallet that owns the token account; absent in blocks before Solana 1.9. */
  readonly owner?: string;
  readonly uiTokenAmount: { readonly amount: string; readonly decimals: number };
}

export interface SolanaRawMeta {
  readonly err: unknown;
  readonly fee: number | string;
  readonly preBalances: readonly (number | string)[];
  readonly postBalances: readonly (number | string)[];
  readonly preTokenBalances?: readonly SolanaRawTokenBalance[] | null;
  readonly postTokenBalances?: readonly SolanaRawTokenBalance[] | null;
  readonly loadedAddresses?: { readonly writable: readonly string[]; readonly readonly: readonly string[] } | null;
}

export interface SolanaRawTransaction {
  /** encoding `base64`: [wire bytes, "base64"]; encoding `json`: { signatures, message: { header, accountKeys } }. */
  readonly transaction: unknown;
  readonly meta: SolanaRawMeta | null;
}

export interface SolanaRawBlock {
  readonly blockhash: string;
  readonly previousBlockhash: string;
  readonly parentSlot: number;
  readonly blockTime?: number | null;
  readonly blockHeight?: number | null;
  readonly transactions: readonly SolanaRawTransaction[];
}

/** JSON-RPC errors a node answers for a slot that has no block (skipped by its leader). */
export const SOLANA_SLOT_SKIPPED_CODES: ReadonlySet<number> = new Set([
  -32007, // "Slot N was skipped, or missing due to ledger jump to recent snapshot"
  -32009, // "Slot N was skipped, or missing in long-term storage"
]);
