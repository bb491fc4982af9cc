import type { AddressLabel, LabelBook } from './address-label.js';

/** A label with the match key its address normalises to (see LabelBook). */
export interface KeyedLabel {
  readonly matchKey: string;
  readonly label: AddressLabel;
}

/**
 * One map per chain, keyed by match key: O(1) lookup, and one shared label
 * object per address (nothing copied). Precedence between conflicting labels
 * is the loader's business: when a key repeats here, the later one wins.
 */
export function buildLabelBook(labels: Iterable<KeyedLabel>): LabelBook {
  const byChain = new Map<string, Map<string, AddressLabel>>();
  for (const { matchKey, label } of labels) {
    let chain = byChain.get(label.chain);
    if (chain === undefined) {
      chain = new Map();
      byChain.set(label.chain, chain);
    }
    chain.set(matchKey, label);
  }
  let size = 0;
  for (const m of byChain.values()) size += m.size;
  return Object.freeze({
    size,
    lookup: (chain: string, matchKey: string) => byChain.get(chain)?.get(matchKey),
  });
}
