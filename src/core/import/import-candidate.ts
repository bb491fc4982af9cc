/**
 * Values the importers pass between parsing (pure) and file writing (I/O).
 */

/** One address an importer wants in a watchlist file, already validated and normalised. */
export interface ImportCandidate {
  readonly chain: string;
  /** Display form written to the file (EIP-55 for EVM). */
  readonly address: string;
  /** Comparison key: lowercase for EVM and bech32, as written for base58. */
  readonly key: string;
  readonly label: string;
  readonly incident: string;
  readonly source: string;
  readonly tags: readonly string[];
  readonly note?: string | undefined;
}

/** A row or address the importer refused, with where it came from and why. */
export interface InvalidImportRow {
  /** Line in the input (CSV) or the party/record id (OFAC), for the operator to find it. */
  readonly where: string;
  readonly address: string;
  readonly reason: string;
}

/** One digital-currency address attached to an OFAC SDN party, whatever the file format. */
export interface OfacAddressRecord {
  /** SDN entity number (ent_num / uid / FixedRef). */
  readonly uid: string;
  readonly partyName: string;
  readonly programs: readonly string[];
  /** OFAC's ticker from "Digital Currency Address - <ASSET>" (XBT, ETH, USDT...). */
  readonly asset: string;
  readonly address: string;
}

export type OfacFormat = 'sdn-xml' | 'sdn-advanced-xml' | 'sdn-csv';

export interface OfacParseResult {
  readonly format: OfacFormat;
  readonly records: readonly OfacAddressRecord[];
}
