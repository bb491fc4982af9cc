import { SEVERITIES, type Movement, type WatchlistRef } from '../movement.js';
import { tenantOwner, type SubscriptionFilters } from './subscription.js';

/**
 * The watchlist entries of a movement a tenant may see: the shipped and
 * operator lists (no owner), derived entries (owner not a tenant), and the
 * tenant's own list. Another tenant's entries are never shown, and a movement
 * with nothing left is not for this tenant at all.
 */
export function visibleRefs(refs: readonly WatchlistRef[], tenantId: string): readonly WatchlistRef[] {
  const own = tenantOwner(tenantId);
  return refs.filter((r) => r.owner === undefined || !r.owner.startsWith('tenant:') || r.owner === own);
}

/**
 * Whether a subscription of `tenantId` with `filters` gets `movement`, and
 * with which watchlist entries. Pure: filters AND together, lists OR within.
 */
export function matchSubscription(movement: Movement, filters: SubscriptionFilters, tenantId: string): readonly WatchlistRef[] | undefined {
  const refs = visibleRefs(movement.watchlist, tenantId);
  if (refs.length === 0) return undefined;
  const f = filters;
  if (f.events !== undefined && !f.events.includes(movement.event ?? 'movement.detected')) return undefined;
  if (f.chains !== undefined && !f.chains.includes(movement.chain)) return undefined;
  if (f.directions !== undefined && !f.directions.includes(movement.direction)) return undefined;
  if (f.kinds !== undefined && !f.kinds.includes(movement.kind)) return undefined;
  if (f.incidents !== undefined && !refs.some((r) => f.incidents!.includes(r.incident))) return undefined;
  if (f.tags !== undefined && !refs.some((r) => r.tags.some((t) => f.tags!.includes(t)))) return undefined;
  if (f.minSeverity !== undefined) {
    const severity = movement.enrichment?.severity;
    if (severity === undefined || SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(f.minSeverity)) return undefined;
  }
  if (f.minUsd !== undefined) {
    const usd = movement.enrichment?.usdValue;
    if (usd === undefined || usd === null || compareDecimals(usd, f.minUsd) < 0) return undefined;
  }
  if (f.minAmount !== undefined) {
    const min = f.minAmount[movement.asset.symbol];
    if (min !== undefined && compareDecimals(formatUnits(movement.amount, movement.asset.decimals), min) < 0) return undefined;
  }
  if (f.counterparties !== undefined) {
    const wanted = new Set(f.counterparties.map(normalizeForCompare));
    const others = counterpartiesOf(movement).map(normalizeForCompare);
    if (!others.some((a) => wanted.has(a))) return undefined;
  }
  if (f.counterpartyCategories !== undefined) {
    const category = movement.counterparty?.category;
    if (category === undefined || !f.counterpartyCategories.includes(category)) return undefined;
  }
  return refs;
}

/** The movement's other side: every address on it except the watched one (Bitcoin outputs included). */
export function counterpartiesOf(m: Movement): readonly string[] {
  const all = [...asList(m.from), ...asList(m.to), ...(m.outputs ?? []).flatMap((o) => (o.address === null ? [] : [o.address]))];
  const watched = normalizeForCompare(m.watchedAddress);
  const watchedDisplay = new Set(m.watchlist.map((r) => normalizeForCompare(r.address)));
  return all.filter((a) => {
    const n = normalizeForCompare(a);
    return n !== watched && !watchedDisplay.has(n);
  });
}

/** EVM hex and bech32 compare case-insensitively; base58 is case-sensitive and kept. */
export function normalizeForCompare(address: string): string {
  const a = address.trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(a) || /^(bc|tb|bcrt)1[0-9a-zA-Z]+$/i.test(a)) return a.toLowerCase();
  return a;
}

function asList(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : v;
}

/** Base units to a plain decimal string (no exponent), e.g. 1500000 with 6 decimals -> "1.5". */
export function formatUnits(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = decimals === 0 ? '' : digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** Compares two non-negative decimal strings exactly (no floating point). */
export function compareDecimals(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(width, '0'));
  const y = BigInt(bi + bf.padEnd(width, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}
