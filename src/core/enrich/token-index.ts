/** A token listed in `tokens` (config): known, and valued under its listed symbol. */
export interface ListedToken {
  readonly chain: string;
  /** EIP-55 or lowercase; compared lowercase. */
  readonly address: string;
  readonly symbol: string;
  readonly decimals: number;
  readonly name?: string | undefined;
}

/** Lookup (chain, contract) -> listed token. Keys are `<chain>:<lowercase address>`. */
export type TokenIndex = ReadonlyMap<string, ListedToken>;

export function buildTokenIndex(tokens: readonly ListedToken[]): TokenIndex {
  return new Map(tokens.map((t) => [tokenKey(t.chain, t.address), t] as const));
}

export function tokenKey(chain: string, address: string): string {
  return `${chain}:${address.toLowerCase()}`;
}
