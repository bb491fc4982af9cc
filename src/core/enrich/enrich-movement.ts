import type { LabelBook } from '../labels/address-label.js';
import type { Movement, MovementEnrichment } from '../movement.js';
import type { SeverityRule } from './alert-match.js';
import { formatUsdScaled, usdToScaled, valueInUsdScaled } from './decimal.js';
import { decideSeverity } from './decide-severity.js';
import { findCounterparty, type MatchKeyOf } from './find-counterparty.js';
import { baseFacts, type MovementFacts } from './movement-facts.js';
import { tokenKey, type ListedToken, type TokenIndex } from './token-index.js';

/** A USD price: `answer` scaled by 10^decimals (a Chainlink answer, or a fixed `usd` price). */
export interface PriceQuote {
  readonly answer: bigint;
  readonly decimals: number;
}

export interface EnrichContext {
  readonly tokens: TokenIndex;
  /** Prices by symbol for this step; null (or absent) = unknown (no feed, stale, failed read). */
  readonly prices: ReadonlyMap<string, PriceQuote | null>;
  readonly rules: readonly SeverityRule[];
  /** Address labels (config/labels): the movement's labelled other side becomes `counterparty`. */
  readonly labels?: { readonly book: LabelBook; readonly matchKeyOf: MatchKeyOf } | undefined;
}

const TOKEN_KINDS = new Set<Movement['kind']>(['erc20', 'erc721', 'erc1155', 'trc10', 'trc20', 'token', 'nft']);

/**
 * The symbol whose price values this movement, or null when it is never
 * valued: unknown tokens (a contract can call itself "USDT"), NFTs. Native
 * legs use the movement's own symbol (the chain's nativeSymbol, BTC).
 */
export function priceSymbolOf(m: Movement, tokens: TokenIndex): string | null {
  if (m.asset.contract === null) return m.kind === 'erc721' || m.kind === 'erc1155' || m.kind === 'nft' ? null : m.asset.symbol;
  return listedTokenOf(m, tokens)?.symbol ?? null;
}

function listedTokenOf(m: Movement, tokens: TokenIndex): ListedToken | undefined {
  if (m.asset.contract === null || !TOKEN_KINDS.has(m.kind)) return undefined;
  return tokens.get(tokenKey(m.chain, m.asset.contract));
}

/**
 * Address poisoning: a token leg whose `from` is the watched address, in a
 * transaction the watched address did not send, is forged when the token is
 * unknown (a contract emitting Transfer(from = watched) at will) or the
 * amount is zero (zero-value transferFrom needs no allowance). A listed token
 * moved out by an approved spender is a real outflow.
 */
export function isSpoofed(m: Movement, known: boolean): boolean {
  if (!TOKEN_KINDS.has(m.kind) || m.direction !== 'out') return false;
  if (m.txFrom === undefined || m.txFrom === null) return false;
  if (m.txFrom.toLowerCase() === m.watchedAddress.toLowerCase()) return false;
  return !known || m.amount === 0n;
}

/**
 * Fills `enrichment` (severity, usdValue, assetKnown, spoofed) and, when the
 * other side is labelled, `counterparty` (read by the severity rules). A listed
 * token's asset takes the list's symbol and decimals. Pure: prices are read
 * by the caller for the step.
 */
export function enrichMovement(input: Movement, ctx: EnrichContext): Movement {
  const counterparty = ctx.labels === undefined ? input.counterparty : findCounterparty(input, ctx.labels.book, ctx.labels.matchKeyOf);
  const m = withCounterparty(input, counterparty);
  const listed = listedTokenOf(m, ctx.tokens);
  const known = m.asset.contract === null ? m.kind !== 'erc721' && m.kind !== 'erc1155' && m.kind !== 'nft' : listed !== undefined;
  const asset = listed === undefined ? m.asset : { contract: m.asset.contract, symbol: listed.symbol, decimals: listed.decimals };
  const spoofed = isSpoofed(m, known);
  const symbol = known ? asset.symbol : null;
  const price = symbol === null ? null : (ctx.prices.get(symbol) ?? null);
  const usdScaled = price === null ? null : valueInUsdScaled(m.amount, asset.decimals, price.answer, price.decimals);
  const facts: MovementFacts = { ...baseFacts(m), decimals: asset.decimals, known, spoofed, symbol, usdScaled };
  const enrichment: MovementEnrichment = {
    severity: decideSeverity(ctx.rules, facts),
    usdValue: usdScaled === null ? null : formatUsdScaled(usdScaled),
    assetKnown: known,
    spoofed,
  };
  return { ...m, asset, enrichment };
}

/** A re-enriched movement (finality follower) takes the current labels: a label removed since is dropped. */
function withCounterparty(m: Movement, counterparty: Movement['counterparty']): Movement {
  if (counterparty !== undefined) return { ...m, counterparty };
  if (m.counterparty === undefined) return m;
  const copy: { -readonly [K in keyof Movement]?: Movement[K] } = { ...m };
  delete copy.counterparty;
  return copy as Movement;
}

/** The matcher's view of an already enriched movement (routing in the alerter). */
export function factsOfEnriched(m: Movement): MovementFacts {
  const e = m.enrichment;
  const known = e?.assetKnown ?? m.asset.contract === null;
  return {
    ...baseFacts(m),
    known,
    spoofed: e?.spoofed ?? false,
    symbol: known ? m.asset.symbol : null,
    usdScaled: e?.usdValue === undefined || e.usdValue === null ? null : usdToScaled(e.usdValue),
    severity: e?.severity ?? 'medium',
  };
}
