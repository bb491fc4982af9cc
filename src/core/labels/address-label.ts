/**
 * Who an address belongs to (issue #11): exchanges, mixers, bridges, DEX routers...
 * Loaded from config/labels/*.yaml (and GraphSense TagPacks through the importer);
 * read by the follow stage (where following stops) and the enrich stage
 * (`data.counterparty` and its severity rule). Pure types: no I/O here.
 */
export const LABEL_CATEGORIES = [
  'exchange',
  /** Found by the deposit-address heuristic: forwards nearly all it receives to one labelled exchange. */
  'exchange-deposit',
  'mixer',
  'bridge',
  'dex-router',
  /** An OFAC-listed service (a sanctioned exchange or mixer), not a thief's own wallet. */
  'ofac-service',
  'burn',
  /** Any other service worth naming (payment processor, lending pool...); following stops there too. */
  'service',
] as const;
export type LabelCategory = (typeof LABEL_CATEGORIES)[number];

export interface AddressLabel {
  readonly chain: string;
  /** Display form (EIP-55, T..., as written for UTXO chains). */
  readonly address: string;
  readonly label: string;
  readonly category: LabelCategory;
  /** URL or dataset name the label comes from. */
  readonly source: string;
}

/** What a movement's alert says about where the funds went (`data.counterparty`). */
export interface Counterparty {
  readonly label: string;
  readonly category: LabelCategory;
  /** The counterparty's address in display form. */
  readonly address: string;
}

/**
 * O(1) lookup by the same match key the watchlist index uses
 * (lowercase hex for EVM, scriptPubKey hex for UTXO chains, lowercase hex of the 21-byte address for Tron).
 */
export interface LabelBook {
  readonly size: number;
  lookup(chain: string, matchKey: string): AddressLabel | undefined;
}

export const EMPTY_LABEL_BOOK: LabelBook = { size: 0, lookup: () => undefined };
