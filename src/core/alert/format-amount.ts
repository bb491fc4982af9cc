import type { Movement } from '../movement.js';

/**
 * Base units to a human decimal string without rounding or float maths:
 * (1500000000000000000n, 18) -> "1.5", (250000000n, 6) -> "250".
 */
export function formatBaseUnits(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  if (decimals <= 0) return `${negative ? '-' : ''}${abs.toString()}`;
  const digits = abs.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * What moved, for people: "1.5 ETH", "250 USDC", "NFT #7 (BAYC)", "3 x #7 (GAME)",
 * "1500000 UNKNOWN (raw units)" for an ERC-20 whose decimals could not be read.
 */
export function formatAmount(m: Pick<Movement, 'kind' | 'amount' | 'asset' | 'tokenId'>): string {
  const symbol = m.asset.symbol.trim();
  const units = formatBaseUnits(m.amount, m.asset.decimals);
  switch (m.kind) {
    case 'erc721':
    case 'nft':
      return `NFT #${m.tokenId?.toString() ?? '?'}${symbol === '' ? '' : ` (${symbol})`}`;
    case 'erc1155':
      return `${units} x #${m.tokenId?.toString() ?? '?'}${symbol === '' ? '' : ` (${symbol})`}`;
    case 'activity':
      return m.amount === 0n ? 'activity' : `${units} ${symbol}`.trim();
    case 'erc20':
      return `${units} ${symbol}${m.asset.rawUnits === true ? ' (raw units)' : ''}`.trim();
    case 'native':
    case 'internal':
    case 'btc':
    case 'trx':
    case 'trc10':
    case 'trc20':
    case 'token':
      return `${units} ${symbol}`.trim();
  }
}
