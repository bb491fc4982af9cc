/**
 * Account-model chains watched through one generic engine (issue #14): each
 * has its own address format, node API and normaliser, and everything after
 * normalisation (matching, queue, enrichment, alerts, follow) is shared.
 * Chain ids are free (`kava-cosmos` is a `cosmos` chain with prefix `kava`).
 */
export const LEDGER_KINDS = ['ripple', 'stellar', 'solana', 'ton', 'polkadot', 'tezos', 'aptos', 'kadena', 'cosmos', 'zilliqa', 'xdag', 'vechain'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export function isLedgerKind(kind: unknown): kind is LedgerKind {
  return typeof kind === 'string' && (LEDGER_KINDS as readonly string[]).includes(kind);
}

/** Narrows a chain config (or anything with a kind) to its ledger-family members. */
export function isLedgerChain<T extends { readonly kind: string }>(chain: T): chain is Extract<T, { readonly kind: LedgerKind }> {
  return isLedgerKind(chain.kind);
}
