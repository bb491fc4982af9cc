import type { DerivedEntry, IncidentTotals } from './derived-entry.js';
import type { SinkEdge } from './sink-edge.js';

/**
 * Per-incident totals (issue #11, for the dashboard and `follow ls`), per asset symbol:
 * - stolen: what left the listed wallets along followed legs (entries paid by a listed wallet, plus sinks it paid directly);
 * - stillHeld: what active entries still hold by our accounting;
 * - toExchanges (per exchange; exchange-deposit addresses count for their exchange), toMixers, toBridges: sink payments.
 * Retracted entries (their legs were orphaned by a reorg) and what they paid count nowhere: they may never have held the funds.
 */
export function buildIncidentTotals(incident: string, entries: readonly DerivedEntry[], sinks: readonly SinkEdge[]): IncidentTotals {
  const stolen = new Map<string, bigint>();
  const stillHeld = new Map<string, bigint>();
  const toMixers = new Map<string, bigint>();
  const toBridges = new Map<string, bigint>();
  const toExchanges = new Map<string, Map<string, bigint>>();
  let activeEntries = 0;
  let maxHop = 0;
  const retracted = retractedSenders(entries);
  for (const e of entries) {
    if (e.incident !== incident || e.status === 'retracted') continue;
    const symbol = e.provenance.asset.symbol;
    // Paid straight out of the listed root (a first hop or the first step of a peel chain).
    if (e.path.length === 2) add(stolen, symbol, BigInt(e.provenance.amount));
    if (e.status === 'active') {
      activeEntries += 1;
      add(stillHeld, symbol, BigInt(e.remaining));
    }
    maxHop = Math.max(maxHop, e.hop);
  }
  for (const s of sinks) {
    if (s.incident !== incident || retracted.has(`${s.chain}|${s.from}`)) continue;
    const amount = BigInt(s.amount);
    if (s.fromHop === 0) add(stolen, s.asset.symbol, amount);
    if (s.category === 'exchange' || s.category === 'exchange-deposit') {
      const name = s.category === 'exchange-deposit' ? s.label.replace(/ deposit address.*$/, '') : s.label;
      const amounts = toExchanges.get(name) ?? new Map<string, bigint>();
      add(amounts, s.asset.symbol, amount);
      toExchanges.set(name, amounts);
    } else if (s.category === 'mixer') add(toMixers, s.asset.symbol, amount);
    else if (s.category === 'bridge') add(toBridges, s.asset.symbol, amount);
  }
  return {
    incident,
    stolen: record(stolen),
    stillHeld: record(stillHeld),
    toExchanges: [...toExchanges].sort(([a], [b]) => a.localeCompare(b)).map(([exchange, amounts]) => ({ exchange, amounts: record(amounts) })),
    toMixers: record(toMixers),
    toBridges: record(toBridges),
    activeEntries,
    maxHop,
  };
}

function add(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}

function record(map: Map<string, bigint>): Record<string, string> {
  return Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.toString()]));
}

/** `<chain>|<display address>` of the retracted entries: their sink payments are dropped with them. */
export function retractedSenders(entries: readonly DerivedEntry[]): ReadonlySet<string> {
  return new Set(entries.filter((e) => e.status === 'retracted').map((e) => `${e.chain}|${e.address}`));
}
