import type { DerivedEntry, FollowEvidence } from './derived-entry.js';
import { evidenceKeyOf, evidenceOf } from './evidence-of.js';

/**
 * An active entry paid again by a followed parent of its incident, with a leg that would
 * have derived it had it not been watched already: the leg is kept as further evidence, so
 * a reorg that orphans the creating leg alone does not retract it. undefined when the leg is
 * known already (a block processed again) or the entry is not active.
 */
export function corroborateDerivedEntry(entry: DerivedEntry, leg: FollowEvidence): DerivedEntry | undefined {
  if (entry.status !== 'active') return undefined;
  const evidence = evidenceOf(entry);
  if (evidence.some((e) => evidenceKeyOf(e) === evidenceKeyOf(leg))) return undefined;
  return { ...entry, evidence: [...evidence, leg] };
}
