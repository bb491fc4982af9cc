import type { DerivedEntry, IncidentTrail, TrailEdge, TrailNode } from './derived-entry.js';
import type { SinkEdge } from './sink-edge.js';
import { retractedSenders } from './build-incident-totals.js';

/**
 * The trail graph of an incident: listed roots, derived entries and the sinks they paid, with one edge per followed leg.
 * Retracted entries (legs orphaned by a reorg) and their payments are left out: the trail shows where the funds went.
 */
export function buildIncidentTrail(incident: string, allEntries: readonly DerivedEntry[], allSinks: readonly SinkEdge[]): IncidentTrail {
  const retracted = retractedSenders(allEntries);
  const entries = allEntries.filter((e) => e.status !== 'retracted');
  const sinks = allSinks.filter((s) => !retracted.has(`${s.chain}|${s.from}`));
  const nodes = new Map<string, TrailNode>();
  const edges: TrailEdge[] = [];
  const key = (chain: string, address: string): string => `${chain}|${address.toLowerCase()}`;
  for (const e of entries) {
    if (e.incident !== incident) continue;
    const root = e.path[0];
    if (root !== undefined && !nodes.has(key(e.chain, root))) nodes.set(key(e.chain, root), { chain: e.chain, address: root, hop: 0, ...(e.root !== undefined ? { label: e.root.label } : {}) });
  }
  for (const e of entries) {
    if (e.incident !== incident) continue;
    nodes.set(key(e.chain, e.address), { chain: e.chain, address: e.address, hop: e.hop, status: e.status });
    edges.push({ chain: e.chain, from: e.provenance.parentAddress, to: e.address, txHash: e.provenance.txHash, asset: e.provenance.asset.symbol, amount: e.provenance.amount, usdValue: null });
  }
  for (const s of sinks) {
    if (s.incident !== incident) continue;
    if (!nodes.has(key(s.chain, s.to))) nodes.set(key(s.chain, s.to), { chain: s.chain, address: s.to, hop: null, label: s.label, counterparty: { label: s.label, category: s.category, address: s.to } });
    edges.push({ chain: s.chain, from: s.from, to: s.to, txHash: s.txHash, asset: s.asset.symbol, amount: s.amount, usdValue: s.usdValue });
  }
  return { incident, nodes: [...nodes.values()], edges };
}
