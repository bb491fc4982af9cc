import { RetryableError } from '../../core/errors.js';
import { DECIMALS_SELECTOR, LATEST_ROUND_DATA_SELECTOR, decodeChainlinkDecimals, decodeChainlinkRound, type ChainlinkRound } from '../../core/enrich/decode-chainlink-round.js';

/** eth_call through the chain's JSON-RPC: returns the raw hex result. Wired in app/ (an adapter never imports another). */
export type EthCall = (to: string, data: string) => Promise<string>;

export interface ChainlinkReading {
  readonly round: ChainlinkRound;
  readonly decimals: number;
}

/**
 * Reads a Chainlink aggregator: latestRoundData() and decimals(). The
 * decimals of a feed never change, so they are read once per feed and kept.
 * Failures become RetryableError (PRICE_FEED_UNAVAILABLE) with the feed address only.
 */
export function createChainlinkReader(ethCall: EthCall): (feed: string) => Promise<ChainlinkReading> {
  const decimalsByFeed = new Map<string, number>();
  return async (feed) => {
    try {
      const known = decimalsByFeed.get(feed.toLowerCase());
      const [roundHex, decimalsHex] = await Promise.all([ethCall(feed, LATEST_ROUND_DATA_SELECTOR), known === undefined ? ethCall(feed, DECIMALS_SELECTOR) : Promise.resolve(undefined)]);
      const decimals = known ?? decodeChainlinkDecimals(decimalsHex ?? '0x');
      decimalsByFeed.set(feed.toLowerCase(), decimals);
      return { round: decodeChainlinkRound(roundHex), decimals };
    } catch (err) {
      throw new RetryableError('PRICE_FEED_UNAVAILABLE', `price feed ${feed} could not be read`, { cause: err });
    }
  };
}
