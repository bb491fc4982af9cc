import type { AlertMatch } from '../enrich/alert-match.js';
import type { Severity } from '../movement.js';

/** One entry of `email.routes`: movements matching `match` go to `to`; `continue` keeps looking. */
export interface EmailRoute {
  readonly match: AlertMatch;
  readonly to: readonly string[];
  readonly continue: boolean;
}

/** Labels a group can be keyed by (`alerts.email.groupBy`). */
export const GROUP_LABELS = ['incident', 'label', 'chain', 'address', 'severity', 'direction', 'asset', 'kind'] as const;
export type GroupLabel = (typeof GROUP_LABELS)[number];

/** `alerts.email`: which movements are emailed, and how they are grouped. */
export interface EmailPolicy {
  readonly minSeverity: Severity;
  readonly groupBy: readonly GroupLabel[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
}

/** Where a movement's email goes: `route<N>` (index in email.routes) or `default` (email.to). */
export interface EmailDestination {
  readonly routeId: string;
  readonly to: readonly string[];
}
