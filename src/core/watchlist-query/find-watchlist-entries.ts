import type { WatchlistEntry } from '../watchlist.js';

/**
 * Entries holding an address, on any chain. Hex (0x...) and bech32 addresses
 * compare case-insensitively, as their encodings are case-insensitive (EIP-55
 * case is only a checksum; BIP-173 forbids mixed case); base58 compares exactly.
 */
export function findWatchlistEntries(entries: readonly WatchlistEntry[], address: string): WatchlistEntry[] {
  const query = address.trim();
  const caseless = /^0x[0-9a-f]+$/i.test(query) || /^[a-z]{1,83}1[02-9ac-hj-np-z]+$/i.test(query);
  const q = caseless ? query.toLowerCase() : query;
  return entries.filter((e) => {
    const a = caseless ? e.address.toLowerCase() : e.address;
    return a === q || e.matchKey === q;
  });
}
