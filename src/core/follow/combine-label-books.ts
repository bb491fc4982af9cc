import type { AddressLabel, LabelBook } from '../labels/address-label.js';

/**
 * The shipped labels (config/labels) and the runtime ones (deposit addresses the
 * heuristic found) as one book: shipped labels win, so an operator's label is never
 * overridden by a guess.
 */
export function combineLabelBooks(shipped: LabelBook, runtime: LabelBook): LabelBook {
  return {
    get size() {
      return shipped.size + runtime.size;
    },
    lookup(chain: string, matchKey: string): AddressLabel | undefined {
      return shipped.lookup(chain, matchKey) ?? runtime.lookup(chain, matchKey);
    },
  };
}
