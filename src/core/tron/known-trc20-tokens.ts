import { normalizeTronAddress } from '../address/normalize-tron-address.js';

export interface Trc20Token {
  readonly symbol: string;
  readonly decimals: number;
  /** T-address of the contract. */
  readonly address: string;
}

/**
 * TRC-20 tokens whose symbol and decimals are known without asking the chain.
 * USDT first: Tron is the main rail for laundering stolen funds as USDT.
 * Others alert in base units under the generic symbol TRC20 (see docs/tron.md).
 * Keyed by match key; the checksum of every address is verified at load.
 */
export const KNOWN_TRC20_TOKENS: ReadonlyMap<string, Trc20Token> = new Map(
  [
    { address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 },
    { address: 'TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8', symbol: 'USDC', decimals: 6 },
  ].map((t) => [normalizeTronAddress(t.address).matchKey, t] as const),
);
