import { WELL_KNOWN_LEDGER_CHAINS } from '../core/import/validate-import-address.js';
import type { KnownChain } from './load-settings.js';

/**
 * Chain ids whose address format is known without configuring the chain, so a
 * disabled watchlist file (a chain chainwatch does not poll yet) still gets its
 * addresses checked. A configured chain with the same id wins.
 */
export const WELL_KNOWN_CHAINS: ReadonlyMap<string, KnownChain> = new Map<string, KnownChain>([
  ...['ethereum', 'sepolia', 'holesky', 'arbitrum', 'optimism', 'base', 'polygon', 'bsc', 'avalanche', 'fantom', 'gnosis', 'linea', 'scroll', 'zksync', 'blast', 'mantle', 'celo', 'moonbeam', 'metis', 'aurora', 'hardhat', 'ethereum-classic', 'ethereum-pow', 'tomochain', 'harmony'].map(
    (id) => [id, { kind: 'evm' }] as const,
  ),
  ['bitcoin', { kind: 'bitcoin', network: 'mainnet' }],
  ['bitcoin-testnet', { kind: 'bitcoin', network: 'testnet' }],
  ['bitcoin-signet', { kind: 'bitcoin', network: 'signet' }],
  ['bitcoin-regtest', { kind: 'bitcoin', network: 'regtest' }],
  ['tron', { kind: 'tron' }],
  ['litecoin', { kind: 'litecoin', network: 'mainnet' }],
  ['dogecoin', { kind: 'dogecoin', network: 'mainnet' }],
  ['bitcoin-cash', { kind: 'bitcoin-cash', network: 'mainnet' }],
  ['bitcoin-sv', { kind: 'bitcoin-sv', network: 'mainnet' }],
  ['dash', { kind: 'dash', network: 'mainnet' }],
  ['bitcoin-gold', { kind: 'bitcoin-gold', network: 'mainnet' }],
  // Ledger families (issue #14): checked once chainwatch has the family's profile, kept verbatim before.
  ...[...WELL_KNOWN_LEDGER_CHAINS].map(([id, c]) => [id, c] as const),
  ['zcash', { kind: 'zcash', network: 'mainnet' }],
  ['verge', { kind: 'verge', network: 'mainnet' }],
]);
