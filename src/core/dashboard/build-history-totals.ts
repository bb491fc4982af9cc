import type { IncidentTotals } from '../follow/derived-entry.js';
import type { DashboardMovement } from './dashboard-movement.js';

/**
 * Per-incident totals from stored movements, for when no follow stage
 * (FollowReadModel) is wired: `stolen` is what left listed (hop 0) wallets,
 * sinks come from labelled counterparties. `stillHeld` is unknown without the
 * follow stage's accounting and stays empty. Amounts per asset symbol.
 */
export function buildHistoryTotals(incident: string, movements: readonly DashboardMovement[]): IncidentTotals {
  const stolen = new Map<string, bigint>();
  const toExchanges = new Map<string, Map<string, bigint>>();
  const toMixers = new Map<string, bigint>();
  const toBridges = new Map<string, bigint>();
  let maxHop = 0;
  const usd = { stolen: 0, toExchanges: 0, toMixers: 0, toBridges: 0 };
  let valued = false;
  const add = (map: Map<string, bigint>, symbol: string, amount: string): void => {
    map.set(symbol, (map.get(symbol) ?? 0n) + BigInt(amount));
  };
  for (const m of movements) {
    if (m.event !== 'movement.detected' || m.spoofed || m.direction !== 'out') continue;
    const ref = m.watchlist.find((w) => w.incident === incident);
    if (ref === undefined) continue;
    maxHop = Math.max(maxHop, ref.hop);
    const value = m.usdValue === null ? 0 : Number(m.usdValue);
    if (m.usdValue !== null) valued = true;
    if (ref.hop === 0) {
      add(stolen, m.asset.symbol, m.amount);
      usd.stolen += value;
    }
    const category = m.counterparty?.category;
    if (category === 'exchange' || category === 'exchange-deposit') {
      const name = m.counterparty!.label;
      const per = toExchanges.get(name) ?? new Map<string, bigint>();
      add(per, m.asset.symbol, m.amount);
      toExchanges.set(name, per);
      usd.toExchanges += value;
    } else if (category === 'mixer') {
      add(toMixers, m.asset.symbol, m.amount);
      usd.toMixers += value;
    } else if (category === 'bridge') {
      add(toBridges, m.asset.symbol, m.amount);
      usd.toBridges += value;
    }
  }
  const plain = (map: Map<string, bigint>): Record<string, string> => Object.fromEntries([...map.entries()].map(([k, v]) => [k, v.toString()]));
  return {
    incident,
    stolen: plain(stolen),
    stillHeld: {},
    toExchanges: [...toExchanges.entries()].map(([exchange, amounts]) => ({ exchange, amounts: plain(amounts) })),
    toMixers: plain(toMixers),
    toBridges: plain(toBridges),
    // No valued movement at all: USD is unknown, not zero.
    ...(valued ? { usd: { stolen: usd.stolen.toFixed(2), stillHeld: null, toExchanges: usd.toExchanges.toFixed(2), toMixers: usd.toMixers.toFixed(2), toBridges: usd.toBridges.toFixed(2) } } : {}),
    activeEntries: 0,
    maxHop,
  };
}
