/**
 * Symbols of the SPL mints most stolen funds move through; other mints show as
 * `SPL` with the mint address as the asset contract (decimals always come from
 * the chain's own token balance records, never from this list).
 */
export const KNOWN_SPL_TOKENS: ReadonlyMap<string, string> = new Map([
  ['EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', 'USDC'],
  ['Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB', 'USDT'],
  ['So11111111111111111111111111111111111111112', 'wSOL'],
]);

export const SPL_FALLBACK_SYMBOL = 'SPL';
