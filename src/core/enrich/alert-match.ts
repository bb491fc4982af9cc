import type { LabelCategory } from '../labels/address-label.js';
import type { MovementDirection, MovementKind, Severity } from '../movement.js';

/** How a token leg is classified: `known` (native or listed, not spoofed), `unknown` (not listed), `spoofed`. */
export type TokenClass = 'known' | 'unknown' | 'spoofed';

/**
 * The matcher shared by severity rules (`alerts.rules[].match`) and email
 * routes (`email.routes[].match`). Every condition given must hold (AND); a
 * list means any of its values (OR). Amount bounds are decimal strings.
 */
export interface AlertMatch {
  readonly chain?: readonly string[];
  readonly incident?: readonly string[];
  readonly tag?: readonly string[];
  readonly direction?: readonly MovementDirection[];
  readonly kind?: readonly MovementKind[];
  readonly token?: readonly TokenClass[];
  /** Asset symbol of a known asset (native coin or listed token); unknown tokens never match. */
  readonly asset?: readonly string[];
  /** USD value >= minUsd (needs a known value). */
  readonly minUsd?: string;
  /** USD value < maxUsd (needs a known value). */
  readonly maxUsd?: string;
  /** Human amount per symbol: amount >= minAmount[symbol]; a symbol not listed does not match. */
  readonly minAmount?: Readonly<Record<string, string>>;
  /** Human amount per symbol: amount < maxAmount[symbol]. */
  readonly maxAmount?: Readonly<Record<string, string>>;
  /**
   * The labelled other side of the movement (config/labels, issue #11) is in one of these
   * categories; a movement whose other side is not labelled never matches.
   */
  readonly counterpartyCategory?: readonly LabelCategory[];
  /** Routes only: the movement's severity is one of these. */
  readonly severity?: readonly Severity[];
  /** Routes only: the movement's severity is at least this. */
  readonly minSeverity?: Severity;
}

export interface SeverityRule {
  readonly match: AlertMatch;
  readonly severity: Severity;
}
