import type { LedgerChainConfig } from '../../config/ledger-chain-schema.js';
import type { LedgerBlock } from '../../core/ledger/ledger-block.js';
import type { BlockHeader } from '../../core/ports.js';
import type { LedgerHttpClient } from './ledger-http-client.js';

/**
 * A ledger family's node adapter: what the ChainFollower needs (head, blocks
 * in the order asked, canonical headers for reorg walks), raw JSON normalised
 * by the family's pure code in core/ledger/<family>.
 */
export interface LedgerSource {
  fetchHeadNumber(): Promise<number>;
  fetchBlocks(numbers: readonly number[]): Promise<readonly LedgerBlock[]>;
  fetchHeaders(numbers: readonly number[]): Promise<readonly BlockHeader[]>;
  /** What the node offers and how it is used, shown in /readyz (`{ transactions: 'ledger expand' }`); optional. */
  describe?(): Record<string, string | number | boolean | null>;
}

export interface LedgerSourceOptions {
  readonly chain: LedgerChainConfig;
  /** Over apiUrl then fallbackApiUrls, with the family's API key header. */
  readonly http: LedgerHttpClient;
}

export interface LedgerSourceFactory {
  /** The header the family's hosted APIs expect an apiKey in (`x-api-key`, `Authorization: Bearer`...); absent = the family uses none. */
  readonly apiKeyHeader?: (apiKey: string) => { readonly name: string; readonly value: string };
  create(options: LedgerSourceOptions): LedgerSource;
}
