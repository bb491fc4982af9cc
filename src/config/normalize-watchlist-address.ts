import { isUncheckedEvmAddress, normalizeEvmAddress } from '../core/address/normalize-evm-address.js';
import { isHarmonyBech32Address, normalizeHarmonyAddress } from '../core/address/normalize-harmony-address.js';
import { normalizeTronAddress } from '../core/address/normalize-tron-address.js';
import { normalizeUtxoAddress } from '../core/address/normalize-utxo-address.js';
import { isUtxoKind } from '../core/btc/utxo-chain.js';
import { isLedgerKind } from '../core/ledger/ledger-kinds.js';
import { ledgerProfileOf } from '../core/ledger/ledger-profiles.js';
import { normalizeLedgerAddress } from '../core/ledger/normalize-ledger-address.js';
import type { KnownChain } from './load-settings.js';

export interface WatchlistAddress {
  readonly matchKey: string;
  /** undefined: an EVM address whose EIP-55 form is derived from matchKey when read (a keccak saved at load). */
  readonly display: string | undefined;
}

/**
 * The match key and display form of a watchlist address on a chain of known
 * kind; a chain of unknown format (a disabled file's monero list) keeps the
 * address verbatim and is never watched. Throws AddressError.
 */
export function normalizeWatchlistAddress(address: string, known: KnownChain | undefined, chainId: string): WatchlistAddress {
  if (known?.kind === 'evm') {
    if (chainId === 'harmony' && isHarmonyBech32Address(address)) {
      // Harmony's one1… bech32 names the same 20 bytes as 0x…; matched and shown in the 0x form.
      const norm = normalizeHarmonyAddress(address);
      return { matchKey: norm.matchKey, display: norm.checksummed };
    }
    if (isUncheckedEvmAddress(address)) return { matchKey: address.toLowerCase(), display: undefined };
    const norm = normalizeEvmAddress(address);
    return { matchKey: norm.matchKey, display: norm.checksummed };
  }
  if (known !== undefined && isUtxoKind(known.kind)) {
    // Bitcoin and the UTXO families: per-chain formats, matched by scriptPubKey.
    const norm = normalizeUtxoAddress(address, known.kind, known.network ?? 'mainnet');
    return { matchKey: norm.matchKey, display: norm.display };
  }
  if (known?.kind === 'tron') {
    const norm = normalizeTronAddress(address);
    return { matchKey: norm.matchKey, display: norm.display };
  }
  if (known !== undefined && isLedgerKind(known.kind) && ledgerProfileOf(known.kind) !== undefined) {
    // Ledger families (XRP, Stellar, Solana...): each family's own checksum and match key.
    const norm = normalizeLedgerAddress(known.kind, address, { addressPrefix: known.addressPrefix });
    return { matchKey: norm.matchKey, display: norm.display };
  }
  return { matchKey: address, display: address };
}
