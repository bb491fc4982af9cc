import { groupThousands } from '../enrich/decimal.js';
import type { Movement } from '../movement.js';
import { formatAmount, formatBaseUnits } from './format-amount.js';

/** formatAmount with thousands separators: "1,250.5 ETH", "250,000 USDT"; NFTs as formatAmount. */
export function formatHumanAmount(m: Pick<Movement, 'kind' | 'amount' | 'asset' | 'tokenId'>): string {
  if (m.kind === 'erc721' || m.kind === 'erc1155' || (m.kind === 'activity' && m.amount === 0n)) return formatAmount(m);
  return `${groupThousands(formatBaseUnits(m.amount, m.asset.decimals))} ${m.asset.symbol.trim()}`.trim();
}
