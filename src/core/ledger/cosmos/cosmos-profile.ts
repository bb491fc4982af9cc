import { z } from 'zod';
import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress, LedgerAddressOptions, LedgerChainProfile } from '../ledger-profile.js';
import { cosmosAccountKey, decodeCosmosAddress } from './decode-cosmos-address.js';

/** Kava's account prefix: the Cosmos chain the shipped watchlists name (`kava-cosmos`). */
export const DEFAULT_COSMOS_PREFIX = 'kava';

/**
 * `options:` of a `cosmos` chain: which bank denom is the chain's coin. Every
 * other denom (IBC vouchers, Kava's `erc20/0x...` conversions, CDP/Hard
 * tokens) is a token whose contract is the denom, alerted in raw base units.
 */
export const cosmosOptionsSchema = z
  .object({
    /** The staking/fee coin's base denom (`ukava`, `uatom`, `uosmo`, `inj`). */
    nativeDenom: z.string().regex(/^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/, 'a Cosmos SDK denom (letters first, 3-128 characters)').default('ukava'),
    nativeSymbol: z.string().min(1).max(16).default('KAVA'),
    /** Decimals of nativeDenom: 6 for the u-prefixed micro denoms, 18 for `inj`/`aevmos` style ones. */
    nativeDecimals: z.number().int().min(0).max(36).default(6),
  })
  .strict();
export type CosmosOptions = z.infer<typeof cosmosOptionsSchema>;

/**
 * Cosmos SDK chains over CometBFT (Kava first): bech32 accounts with the
 * chain's prefix, instant finality (a committed block is final, so one
 * confirmation), ~6 s blocks.
 */
export const cosmosProfile: LedgerChainProfile = {
  kind: 'cosmos',
  title: 'Cosmos SDK chain',
  nativeAsset: { contract: null, symbol: 'KAVA', decimals: 6 },
  defaultConfirmations: 1,
  defaultPollIntervalMs: 6000,
  defaultExplorerUrl: 'https://www.mintscan.io/kava/tx/{tx}',
  normalizeAddress: normalizeCosmosAddress,
  optionsSchema: cosmosOptionsSchema,
  // Activity alerts and fees of another Cosmos chain are in its own coin, not KAVA.
  nativeAssetOf: (options) => {
    const o = cosmosOptionsSchema.safeParse(options ?? {});
    return o.success ? { contract: null, symbol: o.data.nativeSymbol, decimals: o.data.nativeDecimals } : cosmosProfile.nativeAsset;
  },
};

/** A watchlist/config Cosmos address: valid bech32 of 20 or 32 bytes under the chain's prefix. */
export function normalizeCosmosAddress(address: string, options: LedgerAddressOptions): LedgerAddress {
  const prefix = (options.addressPrefix ?? DEFAULT_COSMOS_PREFIX).toLowerCase();
  const text = address.trim();
  const decoded = decodeCosmosAddress(text);
  if (decoded === undefined) throw new AddressError('invalid_ledger_address', `"${text.slice(0, 100)}" is not a Cosmos account address (bech32 with a valid checksum, 20 or 32 bytes)`);
  if (decoded.prefix !== prefix) throw new AddressError('invalid_ledger_address', `"${text}" has the bech32 prefix "${decoded.prefix}", but this chain's accounts start with "${prefix}1"`);
  return { matchKey: cosmosAccountKey(decoded.bytes), display: text.toLowerCase() };
}
