import { factsOfEnriched } from '../enrich/enrich-movement.js';
import { matchAlert } from '../enrich/match-alert.js';
import { SEVERITIES, type Movement, type Severity } from '../movement.js';
import type { EmailDestination, EmailRoute } from './email-route.js';

/**
 * Which email routes a movement goes to, Alertmanager style: routes in order,
 * a matching route takes it and stops the walk unless it says `continue`;
 * when the walk reaches the end without being stopped (no route matched, or
 * every match said `continue`), the movement also goes to `email.to`. So
 * `{ match: { severity: [critical] }, to: [oncall], continue: true }` sends a
 * critical movement to on-call and to the compliance list in `email.to`. Below `minSeverity`: no email at all (the
 * movement still reaches webhooks and metrics). Pure.
 */
export function routeEmail(m: Movement, routes: readonly EmailRoute[], defaultTo: readonly string[], minSeverity: Severity): readonly EmailDestination[] {
  const facts = factsOfEnriched(m);
  if (SEVERITIES.indexOf(facts.severity ?? 'medium') < SEVERITIES.indexOf(minSeverity)) return [];
  const out: EmailDestination[] = [];
  let stopped = false;
  for (const [i, route] of routes.entries()) {
    if (!matchAlert(route.match, facts)) continue;
    out.push({ routeId: `route${i}`, to: route.to });
    if (!route.continue) {
      stopped = true;
      break;
    }
  }
  if (!stopped && defaultTo.length > 0) out.push({ routeId: 'default', to: defaultTo });
  return out;
}
