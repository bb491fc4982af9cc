import { SEVERITIES } from '../movement.js';
import type { AlertMatch, TokenClass } from './alert-match.js';
import { decimalToBaseUnits, usdToScaled } from './decimal.js';
import type { MovementFacts } from './movement-facts.js';

/** True when every condition of `match` holds for the movement (see AlertMatch). Pure. */
export function matchAlert(match: AlertMatch, f: MovementFacts): boolean {
  if (match.chain !== undefined && !match.chain.includes(f.chain)) return false;
  if (match.incident !== undefined && !f.incidents.some((i) => match.incident!.includes(i))) return false;
  if (match.tag !== undefined && !f.tags.some((t) => match.tag!.includes(t))) return false;
  if (match.direction !== undefined && !match.direction.includes(f.direction)) return false;
  if (match.kind !== undefined && !match.kind.includes(f.kind)) return false;
  if (match.token !== undefined && !match.token.some((t) => hasTokenClass(f, t))) return false;
  if (match.asset !== undefined && (f.symbol === null || !match.asset.includes(f.symbol))) return false;
  if (match.minUsd !== undefined && (f.usdScaled === null || f.usdScaled < usdToScaled(match.minUsd))) return false;
  if (match.maxUsd !== undefined && (f.usdScaled === null || f.usdScaled >= usdToScaled(match.maxUsd))) return false;
  if (match.minAmount !== undefined) {
    const bound = f.symbol === null ? undefined : match.minAmount[f.symbol];
    if (bound === undefined || f.amount < decimalToBaseUnits(bound, f.decimals)) return false;
  }
  if (match.maxAmount !== undefined) {
    const bound = f.symbol === null ? undefined : match.maxAmount[f.symbol];
    if (bound === undefined || f.amount >= decimalToBaseUnits(bound, f.decimals)) return false;
  }
  if (match.counterpartyCategory !== undefined && (f.counterpartyCategory === null || !match.counterpartyCategory.includes(f.counterpartyCategory))) return false;
  if (match.severity !== undefined && (f.severity === undefined || !match.severity.includes(f.severity))) return false;
  if (match.minSeverity !== undefined && (f.severity === undefined || SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(match.minSeverity))) return false;
  return true;
}

function hasTokenClass(f: MovementFacts, t: TokenClass): boolean {
  switch (t) {
    case 'known':
      return f.known && !f.spoofed;
    case 'unknown':
      return !f.known;
    case 'spoofed':
      return f.spoofed;
  }
}
