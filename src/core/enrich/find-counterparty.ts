import type { Counterparty, LabelBook } from '../labels/address-label.js';
import type { Movement } from '../movement.js';

/** Match key of an address on a chain (see labelMatchKey); undefined when it is not one. */
export type MatchKeyOf = (chain: string, address: string) => string | undefined;

/**
 * The labelled other side of a movement (issue #11, `data.counterparty`): the
 * recipient of an outflow, the sender of an inflow. Bitcoin outflows pay several
 * outputs: the largest labelled output that is not the watched address (change)
 * is the counterparty. Inflows from several inputs: the first labelled input
 * address. `self` movements and unlabelled sides have none. Pure.
 */
export function findCounterparty(m: Movement, book: LabelBook, matchKeyOf: MatchKeyOf): Counterparty | undefined {
  if (book.size === 0 || m.direction === 'self') return undefined;
  const watched = matchKeyOf(m.chain, m.watchedAddress) ?? m.watchedAddress.toLowerCase();
  const candidates = m.direction === 'out' ? outCandidates(m) : asList(m.from).map((address) => ({ address, amount: 0n }));
  let best: { counterparty: Counterparty; amount: bigint } | undefined;
  for (const c of candidates) {
    const key = matchKeyOf(m.chain, c.address);
    if (key === undefined || key === watched) continue;
    const label = book.lookup(m.chain, key);
    if (label === undefined) continue;
    if (best === undefined || c.amount > best.amount) best = { counterparty: { label: label.label, category: label.category, address: c.address }, amount: c.amount };
    // Inflows: the first labelled sender is the counterparty.
    if (m.direction === 'in') break;
  }
  return best?.counterparty;
}

function outCandidates(m: Movement): { address: string; amount: bigint }[] {
  if (m.outputs !== undefined && m.outputs !== null && m.outputs.length > 0) {
    return m.outputs.flatMap((o) => (o.address === null ? [] : [{ address: o.address, amount: o.amount }]));
  }
  return asList(m.to).map((address) => ({ address, amount: 0n }));
}

function asList(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : v;
}
