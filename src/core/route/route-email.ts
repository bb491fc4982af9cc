import { factsOfEnriched } from '../enrich/enrich-movement.js';
import { matchAlert } from '../enrich/match-alert.js';
import { SEVERITIES, type Movement, type Severity } from '../movement.js';
import type { EmailDestination, EmailRoute } from './email-route.js';

/**
 * Which email routes a movement goes to, Alertmanager style: routes in order,
 * the first match takes it and stops unless it says `continue`; a movement no
 * route takes goes to `email.to`. Below `minSeverity`: no email at all (the
 * movement still reaches webhooks and metrics). Pure.
 */
export function routeEmail(m: Movement, routes: readonly EmailRoute[], defaultTo: readonly string[], minSeverity: Severity): readonly EmailDestination[] {
  const facts = factsOfEnriched(m);
  if (SEVERITIES.indexOf(facts.severity ?? 'medium') < SEVERITIES.indexOf(minSeverity)) return [];
  const out: EmailDestination[] = [];
  for (const [i, route] of routes.entries()) {
    if (!matchAlert(route.match, facts)) continue;
    out.push({ routeId: `route${i}`, to: route.to });
    if (!route.continue) break;
  }
  if (out.length === 0 && defaultTo.length > 0) out.push({ routeId: 'default', to: defaultTo });
  return out;
}
