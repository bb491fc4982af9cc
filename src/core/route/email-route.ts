import type { AlertMatch } from '../enrich/alert-match.js';
import type { MovementEvent, Severity } from '../movement.js';

/** One entry of `email.routes`: movements matching `match` go to `to`; `continue` keeps looking. */
export interface EmailRoute {
  readonly match: AlertMatch;
  readonly to: readonly string[];
  readonly continue: boolean;
  /** Lifecycle events this route is emailed (issue #10); absent = the policy's `events`. */
  readonly events?: readonly MovementEvent[];
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
  /** Lifecycle events emailed by default (absent = DEFAULT_EMAIL_EVENTS). */
  readonly events?: readonly MovementEvent[];
}

/** What a route is emailed unless it says otherwise: the detection, its retraction, a dropped mempool sighting. */
export const DEFAULT_EMAIL_EVENTS: readonly MovementEvent[] = ['movement.detected', 'movement.reorged', 'movement.dropped'];

/**
 * Whether the route `routeId` (`route<N>` or `default`) is emailed `event`. A retraction
 * (`movement.reorged`) always is: a route that got an alert must learn that it was wrong.
 * Follow-ups also need the original to have reached the route; the dispatcher checks that.
 */
export function routeWantsEvent(event: MovementEvent, routeId: string, routes: readonly EmailRoute[], policy: Pick<EmailPolicy, 'events'>): boolean {
  if (event === 'movement.reorged') return true;
  const index = /^route(\d+)$/.exec(routeId)?.[1];
  const own = index === undefined ? undefined : routes[Number(index)]?.events;
  return (own ?? policy.events ?? DEFAULT_EMAIL_EVENTS).includes(event);
}

/** Where a movement's email goes: `route<N>` (index in email.routes) or `default` (email.to). */
export interface EmailDestination {
  readonly routeId: string;
  readonly to: readonly string[];
}
