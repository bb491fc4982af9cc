import { AbiCoder } from 'ethers';
import type { EvmTokenStandard, TokenMetadata } from './evm-block-data.js';

/** 4-byte selectors of the optional ERC-20 metadata getters (also used by most ERC-721s). */
export const SYMBOL_SELECTOR = '0x95d89b41';
export const DECIMALS_SELECTOR = '0x313ce567';

/** What an alert shows when a token does not answer symbol()/decimals() sensibly. */
export function fallbackTokenMetadata(standard: EvmTokenStandard): TokenMetadata {
  switch (standard) {
    case 'erc20':
      // decimals 0 shows base units: wrong-looking but never a wrongly scaled amount.
      return { symbol: 'ERC20', decimals: 0, rawUnits: true };
    case 'erc721':
      return { symbol: 'ERC721', decimals: 0 };
    case 'erc1155':
      return { symbol: 'ERC1155', decimals: 0 };
  }
}

/**
 * A token whose metadata calls failed by execution (out of gas, invalid
 * opcode, the node's EVM timeout) or kept failing past the retry bound: it is
 * reported, never waited for, under a symbol that says so. An ERC-20's amount
 * is then in raw base units (flagged), never scaled by a guessed decimals.
 */
export function unknownTokenMetadata(standard: EvmTokenStandard): TokenMetadata {
  return standard === 'erc20' ? { symbol: 'UNKNOWN', decimals: 0, rawUnits: true } : { symbol: 'UNKNOWN', decimals: 0 };
}

/**
 * Builds a token's metadata from the raw `eth_call` return data of symbol()
 * and decimals() (undefined when the call failed). Accepts ABI `string` and
 * legacy `bytes32` symbols (MKR, SAI); anything else falls back. Symbols are
 * cut to printable ASCII (they reach mail headers) and 32 characters.
 * NFTs (ERC-721, ERC-1155) always have 0 decimals. An ERC-20 without
 * readable decimals gets 0 and `rawUnits: true`.
 */
export function decodeTokenMetadata(standard: EvmTokenStandard, symbolData: string | undefined, decimalsData: string | undefined): TokenMetadata {
  const fallback = fallbackTokenMetadata(standard);
  const symbol = (symbolData !== undefined ? decodeSymbol(symbolData) : undefined) ?? fallback.symbol;
  if (standard !== 'erc20') return { symbol, decimals: 0 };
  const decimals = decimalsData !== undefined ? decodeDecimals(decimalsData) : undefined;
  return decimals === undefined ? { symbol, decimals: fallback.decimals, rawUnits: true } : { symbol, decimals };
}

function decodeSymbol(data: string): string | undefined {
  const hex = data.toLowerCase();
  if (!/^0x([0-9a-f]{2})*$/.test(hex) || hex.length < 66) return undefined;
  let text: string | undefined;
  if (hex.length === 66) {
    // bytes32, right-padded with zeros.
    text = Buffer.from(hex.slice(2), 'hex').toString('latin1').replace(/\0+$/, '');
  } else {
    try {
      const [decoded] = AbiCoder.defaultAbiCoder().decode(['string'], hex);
      text = typeof decoded === 'string' ? decoded : undefined;
    } catch {
      return undefined;
    }
  }
  const clean = text?.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 32);
  return clean !== undefined && clean.length > 0 ? clean : undefined;
}

function decodeDecimals(data: string): number | undefined {
  if (!/^0x[0-9a-fA-F]{64}$/.test(data)) return undefined;
  const n = BigInt(data);
  // uint8 by the standard; 77 is the most a uint256 amount can meaningfully have.
  return n <= 77n ? Number(n) : undefined;
}
