import { z } from 'zod';
import type { LedgerChainProfile } from '../ledger-profile.js';
import { normalizeKadenaAddress } from './kadena-address.js';

export const KADENA_CHAIN_IDS = Array.from({ length: 20 }, (_, i) => i);

/** `options:` of a kadena chain: which of the 20 braided chains to follow. */
export const kadenaOptionsSchema = z
  .object({
    chains: z
      .array(z.number().int().min(0).max(19))
      .min(1)
      .refine((ids) => new Set(ids).size === ids.length, 'chain ids must not repeat')
      .default(KADENA_CHAIN_IDS),
  })
  .strict();

export type KadenaOptions = z.infer<typeof kadenaOptionsSchema>;

/**
 * Kadena Chainweb: 20 proof-of-work chains braided together, ~30 s blocks each.
 * The follower's block is a cut height (docs/kadena.md); 6 heights on top
 * (~3 min) is what exchanges wait for.
 */
export const KADENA_PROFILE: LedgerChainProfile = {
  kind: 'kadena',
  title: 'Kadena',
  nativeAsset: { contract: null, symbol: 'KDA', decimals: 12 },
  defaultConfirmations: 6,
  defaultPollIntervalMs: 15_000,
  defaultExplorerUrl: 'https://explorer.kadena.io/mainnet/transaction/{tx}',
  normalizeAddress: (address) => normalizeKadenaAddress(address),
  optionsSchema: kadenaOptionsSchema,
};
