import type { LabelCategory } from '../labels/address-label.js';

/**
 * A followed address (listed or derived) paying a labelled counterparty:
 * where following stops. Kept per incident for the totals (to exchanges, to
 * mixers, to bridges) and the trail.
 */
export interface SinkEdge {
  readonly chain: string;
  readonly incident: string;
  /** Display form of the followed payer, and its hop (0 = listed). */
  readonly from: string;
  readonly fromHop: number;
  readonly to: string;
  readonly toKey: string;
  readonly label: string;
  readonly category: LabelCategory;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly movementId: string;
  readonly leg: string;
  readonly asset: { readonly contract: string | null; readonly symbol: string; readonly decimals: number };
  /** Base units, decimal string. */
  readonly amount: string;
  readonly usdValue: string | null;
  readonly at: string;
}
