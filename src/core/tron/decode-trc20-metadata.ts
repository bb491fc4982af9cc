import { decodeTokenMetadata } from '../evm/decode-token-metadata.js';
import type { Trc20Metadata } from './find-tron-token-needs.js';

/** What an alert shows for a TRC-20 that does not answer symbol()/decimals(): base units, never a wrongly scaled amount. */
export const TRC20_FALLBACK: Trc20Metadata = { symbol: 'TRC20', decimals: 0 };

/**
 * A TRC-20's metadata from the `constant_result` words of symbol() and
 * decimals() (`/wallet/triggerconstantcontract`; undefined when the call
 * failed). The TVM's ABI is Ethereum's, so the ERC-20 decoder applies (string
 * or bytes32 symbols, printable ASCII only); its generic fallback is renamed.
 */
export function decodeTrc20Metadata(symbolHex: string | undefined, decimalsHex: string | undefined): Trc20Metadata {
  const decoded = decodeTokenMetadata('erc20', symbolHex === undefined ? undefined : `0x${symbolHex}`, decimalsHex === undefined ? undefined : `0x${decimalsHex}`);
  return { symbol: decoded.symbol === 'ERC20' ? TRC20_FALLBACK.symbol : decoded.symbol, decimals: decoded.decimals };
}
