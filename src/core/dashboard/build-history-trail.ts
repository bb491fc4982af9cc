import type { IncidentTrail, TrailEdge, TrailNode } from '../follow/derived-entry.js';
import type { WatchlistEntry } from '../watchlist.js';
import type { DashboardMovement } from './dashboard-movement.js';

/**
 * An incident's trail graph from what exists without the follow stage:
 * listed wallets (hop 0), entries that movements say were derived (their
 * `hop` and `via`), recipients of outgoing movements (one hop further, shown
 * as not followed), and labelled counterparties as sinks (hop null). Edges
 * add up amounts per (from, to, asset). Pure: the dashboard feeds it the
 * watchlist and the stored movement history.
 */
export function buildHistoryTrail(incident: string, entries: readonly WatchlistEntry[], movements: readonly DashboardMovement[]): IncidentTrail {
  const nodes = new Map<string, TrailNode>();
  const key = (chain: string, address: string): string => `${chain}/${address.toLowerCase()}`;
  const put = (node: TrailNode): void => {
    const k = key(node.chain, node.address);
    const known = nodes.get(k);
    // A listed or derived node keeps its hop; a sink stays a sink; otherwise the lowest hop wins.
    if (known === undefined || (known.hop !== null && node.hop !== null && node.hop < known.hop) || (known.label === undefined && node.label !== undefined && known.hop === node.hop)) nodes.set(k, node);
  };
  for (const e of entries) {
    if (e.incident !== incident || e.removed !== undefined) continue;
    put({ chain: e.chain, address: e.address, hop: 0, label: e.label });
  }
  const edges = new Map<string, { edge: TrailEdge; amount: bigint; usd: number | null }>();
  const addEdge = (m: DashboardMovement, from: string, to: string): void => {
    const k = `${m.chain}/${from.toLowerCase()}/${to.toLowerCase()}/${m.asset.symbol}`;
    const known = edges.get(k);
    const usd = m.usdValue === null ? null : Number(m.usdValue);
    if (known === undefined) {
      edges.set(k, { edge: { chain: m.chain, from, to, txHash: m.txHash, asset: m.asset.symbol, amount: m.amount, usdValue: m.usdValue }, amount: BigInt(m.amount), usd });
      return;
    }
    known.amount += BigInt(m.amount);
    known.usd = known.usd === null || usd === null ? null : known.usd + usd;
    known.edge = { ...known.edge, txHash: m.txHash, amount: known.amount.toString(), usdValue: known.usd === null ? null : known.usd.toFixed(2) };
  };
  for (const m of movements) {
    if (m.event !== 'movement.detected' || m.spoofed) continue;
    const ref = m.watchlist.find((w) => w.incident === incident);
    if (ref === undefined) continue;
    if (ref.hop > 0) {
      put({ chain: m.chain, address: ref.address, hop: ref.hop, label: ref.label });
      if (ref.via !== undefined) {
        put({ chain: m.chain, address: ref.via.address, hop: ref.hop - 1 });
      }
    }
    if (m.direction !== 'out') continue;
    const from = ref.address;
    for (const to of m.to) {
      if (to.toLowerCase() === from.toLowerCase()) continue;
      if (m.counterparty !== null && m.counterparty.address.toLowerCase() === to.toLowerCase()) {
        put({ chain: m.chain, address: to, hop: null, label: m.counterparty.label, counterparty: m.counterparty });
      } else {
        put({ chain: m.chain, address: to, hop: ref.hop + 1, label: 'recipient (not followed)' });
      }
      addEdge(m, from, to);
    }
  }
  // A derived entry's own movements came from its parent: draw parent -> entry when only `via` says so.
  for (const m of movements) {
    const ref = m.watchlist.find((w) => w.incident === incident);
    if (ref?.via === undefined || ref.hop === 0) continue;
    const k = `${m.chain}/${ref.via.address.toLowerCase()}/${ref.address.toLowerCase()}`;
    if ([...edges.keys()].some((e) => e.startsWith(`${k}/`))) continue;
    edges.set(`${k}/via`, { edge: { chain: m.chain, from: ref.via.address, to: ref.address, txHash: ref.via.txHash, asset: m.asset.symbol, amount: '0', usdValue: null }, amount: 0n, usd: null });
  }
  return { incident, nodes: [...nodes.values()], edges: [...edges.values()].map((e) => e.edge) };
}
