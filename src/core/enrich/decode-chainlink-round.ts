/**
 * Chainlink AggregatorV3Interface, ABI-encoded returns (raw eth_call results):
 *   latestRoundData() -> (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
 *   decimals()        -> uint8
 */
export const LATEST_ROUND_DATA_SELECTOR = '0xfeaf968c';
export const DECIMALS_SELECTOR = '0x313ce567';

export interface ChainlinkRound {
  readonly answer: bigint;
  /** Seconds since the epoch. */
  readonly updatedAt: number;
}

export function decodeChainlinkRound(hex: string): ChainlinkRound {
  const words = wordsOf(hex, 5);
  const rawAnswer = BigInt(`0x${words[1]}`);
  // int256: two's complement.
  const answer = rawAnswer >= 1n << 255n ? rawAnswer - (1n << 256n) : rawAnswer;
  return { answer, updatedAt: Number(BigInt(`0x${words[3]}`)) };
}

export function decodeChainlinkDecimals(hex: string): number {
  const value = BigInt(`0x${wordsOf(hex, 1)[0]}`);
  if (value > 77n) throw new Error(`implausible decimals() answer ${value.toString()}`);
  return Number(value);
}

function wordsOf(hex: string, count: number): string[] {
  const body = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]*$/.test(body) || body.length < count * 64) throw new Error(`eth_call returned ${body.length / 2} bytes, expected ${count * 32}`);
  return Array.from({ length: count }, (_, i) => body.slice(i * 64, (i + 1) * 64));
}
