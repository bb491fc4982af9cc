import type { EvmTokenStandard } from './evm-block-data.js';

/**
 * The key token metadata is fetched, cached and looked up by: the standard
 * AND the contract. One contract can emit several shapes of Transfer logs
 * (ERC-404-style hybrids emit ERC-20 and ERC-721 Transfers), and an ERC-20
 * leg must get the contract's decimals even when an ERC-721 leg of the same
 * contract (always 0 decimals) was looked up first.
 */
export function tokenMetadataKey(standard: EvmTokenStandard, contract: string): string {
  return `${standard}-${contract.toLowerCase()}`;
}
