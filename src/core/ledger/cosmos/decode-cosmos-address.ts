import { bech32 } from 'bech32';

/** A bech32 account (BIP-173) as Cosmos SDK chains write it: prefix and account bytes. */
export interface CosmosAccountBytes {
  readonly prefix: string;
  /** 20 bytes for key accounts (RIPEMD160/SHA-256 or Keccak of the key), 32 for module-derived accounts (contracts, ICA). */
  readonly bytes: Uint8Array;
}

/**
 * Decodes a Cosmos account address (bech32, checksum checked, lowercase or
 * uppercase but not mixed, per BIP-173), or undefined when it is not one.
 * Cosmos SDK accounts are 20 bytes, or 32 for addresses derived by modules.
 */
export function decodeCosmosAddress(address: string): CosmosAccountBytes | undefined {
  try {
    // 100 characters: a 32-byte account under a long prefix exceeds BIP-173's 90.
    const decoded = bech32.decode(address, 100);
    const bytes = Uint8Array.from(bech32.fromWords(decoded.words));
    if (bytes.length !== 20 && bytes.length !== 32) return undefined;
    return { prefix: decoded.prefix, bytes };
  } catch {
    return undefined;
  }
}

/** The watchlist match key of a Cosmos account: lowercase hex of its bytes (prefix-independent). */
export function cosmosAccountKey(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
