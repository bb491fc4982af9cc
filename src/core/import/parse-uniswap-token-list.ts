import { z } from 'zod';
import { normalizeEvmAddress } from '../address/normalize-evm-address.js';
import type { ListedToken } from '../enrich/token-index.js';

/** EVM chain ids (EIP-155) of the chain ids chainwatch uses by convention. */
export const EIP155_CHAIN_IDS: Readonly<Record<string, number>> = {
  ethereum: 1, optimism: 10, bsc: 56, gnosis: 100, polygon: 137, fantom: 250, base: 8453, arbitrum: 42161, avalanche: 43114, linea: 59144, sepolia: 11155111,
};

const listSchema = z.object({
  name: z.string().optional(),
  tokens: z.array(z.object({ chainId: z.number().int(), address: z.string(), symbol: z.string(), decimals: z.number().int(), name: z.string().optional() }).passthrough()),
});

export interface ParsedTokenList {
  readonly name: string | undefined;
  readonly tokens: readonly ListedToken[];
  /** Tokens of this chain skipped, with why. */
  readonly invalid: readonly { readonly index: number; readonly reason: string }[];
}

/**
 * The Uniswap token-list JSON format ({name, timestamp, version, tokens:
 * [{chainId, address, name, decimals, symbol, ...}]}): keeps the tokens of
 * `eip155ChainId`, EIP-55 addresses, symbols free of whitespace.
 */
export function parseUniswapTokenList(json: unknown, chain: string, eip155ChainId: number): ParsedTokenList {
  const r = listSchema.safeParse(json);
  if (!r.success) throw new Error(`not a token list: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const tokens: ListedToken[] = [];
  const invalid: { index: number; reason: string }[] = [];
  r.data.tokens.forEach((t, index) => {
    if (t.chainId !== eip155ChainId) return;
    try {
      const address = normalizeEvmAddress(t.address).checksummed;
      if (!/^[A-Za-z0-9._+-]{1,32}$/.test(t.symbol)) throw new Error(`unusable symbol "${t.symbol.slice(0, 40)}"`);
      if (t.decimals < 0 || t.decimals > 77) throw new Error(`decimals ${t.decimals} out of range`);
      tokens.push({ chain, address, symbol: t.symbol, decimals: t.decimals, ...(t.name !== undefined ? { name: t.name } : {}) });
    } catch (err) {
      invalid.push({ index, reason: (err as Error).message });
    }
  });
  return { name: r.data.name, tokens, invalid };
}
