import { decimalToBaseUnits, parseDecimal, usdToScaled } from '../enrich/decimal.js';
import type { Asset } from '../movement.js';

/** The `follow:` settings the pure rules read (config/follow-schema.ts holds the defaults). */
export interface FollowRules {
  readonly maxHops: number;
  /** Whole units by asset symbol. */
  readonly minAmount: Readonly<Record<string, string>>;
  readonly minUsd?: string | undefined;
  readonly minFraction: string;
  readonly idleDays: number;
  readonly maxPeelSteps: number;
  readonly maxPerTransaction: number;
  readonly maxPerIncident: number;
  readonly depositForwardFraction: string;
  readonly depositWindowBlocks: number;
}

export type ThresholdResult = { readonly ok: true; readonly rule: 'min-usd' | 'min-amount' } | { readonly ok: false; readonly reason: 'below-min-usd' | 'below-min-amount' | 'no-threshold' };

/**
 * `follow.minUsd` when the leg has a USD value (issue #8 valuation), else
 * `follow.minAmount` for its symbol. An asset with neither is not followed:
 * unvalued tokens nobody listed are how dusting and spam look.
 */
export function meetsFollowThreshold(amount: bigint, asset: Asset, usdValue: string | null, rules: Pick<FollowRules, 'minAmount' | 'minUsd'>): ThresholdResult {
  if (rules.minUsd !== undefined && usdValue !== null) {
    return usdToScaled(usdValue) >= usdToScaled(rules.minUsd) ? { ok: true, rule: 'min-usd' } : { ok: false, reason: 'below-min-usd' };
  }
  const min = minAmountOf(asset, rules);
  if (min === undefined) return { ok: false, reason: 'no-threshold' };
  return amount >= min ? { ok: true, rule: 'min-amount' } : { ok: false, reason: 'below-min-amount' };
}

/** `follow.minAmount` of the asset in base units, undefined when its symbol is not listed (or its decimals are unknown). */
export function minAmountOf(asset: Asset, rules: Pick<FollowRules, 'minAmount'>): bigint | undefined {
  const min = rules.minAmount[asset.symbol];
  if (min === undefined || asset.rawUnits === true) return undefined;
  return decimalToBaseUnits(min, asset.decimals);
}

/** amount ≥ fraction × whole, exactly (fraction a decimal string such as "0.01"). */
export function isAtLeastFraction(amount: bigint, whole: bigint, fraction: string): boolean {
  const { units, scale } = parseDecimal(fraction);
  return amount * 10n ** BigInt(scale) >= whole * units;
}

/** The USD value of part of a movement, pro rata (a Bitcoin output of a valued spend). */
export function proRataUsd(usdValue: string | null, part: bigint, whole: bigint): string | null {
  if (usdValue === null || whole <= 0n) return null;
  const scaled = (usdToScaled(usdValue) * part) / whole;
  const cents = scaled / 10n ** 6n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/**
 * Expiry (issue #11): an entry expires only when what it still holds is below the
 * threshold of its asset AND it has been inactive `idleDays`. Without a minAmount
 * for the asset, only an emptied entry can expire.
 */
export function isEntryExpired(entry: { readonly status: string; readonly remaining: string; readonly lastSeen: string; readonly provenance: { readonly asset: Asset } }, nowMs: number, rules: Pick<FollowRules, 'minAmount' | 'idleDays'>): boolean {
  if (entry.status !== 'active') return false;
  const idleMs = nowMs - Date.parse(entry.lastSeen);
  if (!(idleMs >= rules.idleDays * 86_400_000)) return false;
  const remaining = BigInt(entry.remaining);
  const min = minAmountOf(entry.provenance.asset, rules);
  return min === undefined ? remaining <= 0n : remaining < min;
}
