/**
 * OFAC files tag addresses with an asset ticker, not a chain. This maps the
 * ticker (and, for tokens living on several chains, the address shape) to the
 * chain id chainwatch uses. Returns undefined for tickers we cannot place.
 */
const BY_ASSET: Readonly<Record<string, string>> = {
  XBT: 'bitcoin',
  BTC: 'bitcoin',
  ETH: 'ethereum',
  TRX: 'tron',
  LTC: 'litecoin',
  BCH: 'bitcoin-cash',
  BSV: 'bitcoin-sv',
  BTG: 'bitcoin-gold',
  DASH: 'dash',
  ZEC: 'zcash',
  XMR: 'monero',
  ETC: 'ethereum-classic',
  ARB: 'arbitrum',
  BSC: 'bsc',
  XRP: 'ripple',
  XVG: 'verge',
};

/** Tokens issued on several chains: the address form says which one. */
const MULTI_CHAIN_TOKENS: ReadonlySet<string> = new Set(['USDT', 'USDC']);

export function mapOfacAssetToChain(asset: string, address: string): string | undefined {
  const ticker = asset.trim().toUpperCase();
  const addr = address.trim();
  const looksEvm = /^0x[0-9a-fA-F]{40}$/.test(addr);
  const looksTron = /^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(addr);
  if (MULTI_CHAIN_TOKENS.has(ticker)) {
    if (looksEvm) return 'ethereum';
    if (looksTron) return 'tron';
    // Omni Layer USDT lives in Bitcoin transactions: a Bitcoin address form means Bitcoin.
    if (/^(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})$/i.test(addr)) return 'bitcoin';
    return undefined;
  }
  // OFAC data-entry quirk: a Tron address filed under XBT (2025 lists). Trust the address form.
  if (ticker === 'XBT' && looksTron) return 'tron';
  return BY_ASSET[ticker];
}
