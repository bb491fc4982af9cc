import { groupThousands } from '../enrich/decimal.js';
import type { Movement } from '../movement.js';
import { formatAmount, formatBaseUnits } from './format-amount.js';

/**
 * formatAmount with thousands separators: "1,250.5 ETH", "250,000 USDT"; NFTs
 * as formatAmount. An ERC-20 whose decimals could not be read (`asset.rawUnits`,
 * issue #7) stays as formatAmount writes it: "1000000 UNKNOWN (raw units)".
 */
export function formatHumanAmount(m: Pick<Movement, 'kind' | 'amount' | 'asset' | 'tokenId'>): string {
  const rawUnits = (m.asset as { readonly rawUnits?: boolean }).rawUnits === true;
  if (rawUnits) {
    const plain = formatAmount(m);
    return plain.endsWith('(raw units)') ? plain : `${plain} (raw units)`;
  }
  if (m.kind === 'erc721' || m.kind === 'erc1155' || m.kind === 'nft' || (m.kind === 'activity' && m.amount === 0n)) return formatAmount(m);
  return `${groupThousands(formatBaseUnits(m.amount, m.asset.decimals))} ${m.asset.symbol.trim()}`.trim();
}
