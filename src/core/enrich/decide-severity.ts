import type { Severity } from '../movement.js';
import type { SeverityRule } from './alert-match.js';
import { matchAlert } from './match-alert.js';
import type { MovementFacts } from './movement-facts.js';

export const DEFAULT_SEVERITY: Severity = 'medium';

/** Ordered rules, first match wins; no match gives `medium`. */
export function decideSeverity(rules: readonly SeverityRule[], facts: MovementFacts): Severity {
  for (const rule of rules) if (matchAlert(rule.match, facts)) return rule.severity;
  return DEFAULT_SEVERITY;
}
