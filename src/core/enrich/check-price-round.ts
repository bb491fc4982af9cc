import type { ChainlinkRound } from './decode-chainlink-round.js';
import type { PriceQuote } from './enrich-movement.js';

export type PriceCheck = { readonly ok: true; readonly quote: PriceQuote } | { readonly ok: false; readonly reason: 'stale' | 'invalid' };

/**
 * A feed answer is used only when positive and updated within its heartbeat
 * (Chainlink's staleness rule): a stale or nonsensical price leaves the value
 * unknown rather than wrong.
 */
export function checkPriceRound(round: ChainlinkRound, decimals: number, nowSeconds: number, heartbeatSeconds: number): PriceCheck {
  if (round.answer <= 0n || round.updatedAt <= 0) return { ok: false, reason: 'invalid' };
  if (nowSeconds - round.updatedAt > heartbeatSeconds) return { ok: false, reason: 'stale' };
  return { ok: true, quote: { answer: round.answer, decimals } };
}
