import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { useEffect, useRef } from 'preact/hooks';
import { navigate } from './router.js';
import { addressPath, formatAmount, formatUsd, shortAddress } from './format.js';
import type { IncidentTrail } from './types.js';

cytoscape.use(dagre);

// Cytoscape injects a <style> element unless one with this id exists; the strict CSP (style-src 'self') refuses it.
// Its one rule (container position: relative) is in styles.css instead; a marker element stops the injection.
const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet';
function preventStyleInjection(): void {
  if (document.getElementById(CYTOSCAPE_STYLESHEET_ID) !== null) return;
  const marker = document.createElement('meta');
  marker.id = CYTOSCAPE_STYLESHEET_ID;
  document.head.append(marker);
}

type NodeKind = 'listed' | 'hop' | 'recipient' | 'sink';

function kindOf(node: IncidentTrail['nodes'][number]): NodeKind {
  if (node.hop === null) return 'sink';
  if (node.hop === 0) return 'listed';
  return node.label === 'recipient (not followed)' ? 'recipient' : 'hop';
}

const id = (chain: string, address: string): string => `${chain}/${address.toLowerCase()}`;

/**
 * The incident's trail: listed wallets left, hops to the right, sinks at the
 * end (dagre, left to right); edge width grows with the amount (USD when
 * valued, else the asset amount) on a log scale so one huge edge does not hide
 * the rest. A node list below the canvas carries the same nodes as links, for
 * keyboards, screen readers and phones.
 */
export function TrailGraph({ trail, decimals }: { trail: IncidentTrail; decimals: ReadonlyMap<string, number> }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (container.current === null) return undefined;
    preventStyleInjection();
    const css = getComputedStyle(document.documentElement);
    const color = (name: string): string => css.getPropertyValue(name).trim() || '#888';
    const weights = trail.edges.map((e) => (e.usdValue !== null ? Number(e.usdValue) : Number(e.amount)));
    const maxWeight = Math.max(1, ...weights.filter((w) => Number.isFinite(w)));
    const known = new Set(trail.nodes.map((n) => id(n.chain, n.address)));
    const elements: ElementDefinition[] = [
      ...trail.nodes.map((n) => ({
        data: { id: id(n.chain, n.address), label: `${n.label !== undefined && n.label !== 'recipient (not followed)' ? `${n.label}\n` : ''}${shortAddress(n.address)}${n.hop !== null && n.hop > 0 ? ` · hop ${n.hop}` : ''}`, kind: kindOf(n), href: addressPath(n.chain, n.address) },
      })),
      ...trail.edges.flatMap((e, i) => {
        const from = id(e.chain, e.from);
        const to = id(e.chain, e.to);
        if (!known.has(from) || !known.has(to)) return [];
        const w = weights[i] ?? 0;
        const width = 1 + 9 * (Math.log1p(Math.max(0, w)) / Math.log1p(maxWeight));
        return [{ data: { id: `e${i}`, source: from, target: to, width, label: e.usdValue !== null ? formatUsd(e.usdValue) : decimals.has(e.asset) ? `${formatAmount(e.amount, decimals.get(e.asset)!)} ${e.asset}` : e.asset } }];
      }),
    ];
    const cy: Core = cytoscape({
      container: container.current,
      elements,
      wheelSensitivity: 0.2,
      minZoom: 0.1,
      maxZoom: 3,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, color: color('--fg'), 'text-valign': 'bottom', 'text-margin-y': 4, width: 22, height: 22, 'background-color': color('--graph-hop'), 'border-width': 2, 'border-color': color('--bg') } },
        { selector: 'node[kind = "listed"]', style: { 'background-color': color('--graph-listed'), shape: 'round-rectangle', width: 28, height: 28 } },
        { selector: 'node[kind = "recipient"]', style: { 'background-color': color('--graph-recipient'), 'border-style': 'dashed', 'border-color': color('--muted') } },
        { selector: 'node[kind = "sink"]', style: { 'background-color': color('--graph-sink'), shape: 'diamond', width: 30, height: 30 } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': color('--graph-edge'), 'target-arrow-color': color('--graph-edge'), 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8, color: color('--muted'), 'text-rotation': 'autorotate', 'text-background-color': color('--bg'), 'text-background-opacity': 0.8 } },
      ],
      layout: { name: 'dagre', rankDir: 'LR', nodeSep: 20, rankSep: 90, fit: true, padding: 20 } as cytoscape.LayoutOptions,
    });
    // A small trail fitted to the box would be drawn huge: cap the zoom.
    cy.one('layoutstop', () => {
      if (cy.zoom() > 1.2) {
        cy.zoom(1.2);
        cy.center();
      }
    });
    cy.on('tap', 'node', (event) => navigate(String(event.target.data('href'))));
    cy.on('mouseover', 'node', () => container.current?.classList.add('pointer'));
    cy.on('mouseout', 'node', () => container.current?.classList.remove('pointer'));
    return () => cy.destroy();
  }, [trail, decimals]);

  // Dagre puts each hop in one column: a wide fan-out (one wallet splitting to dozens) needs a taller box to stay readable.
  const widestColumn = Math.max(1, ...Object.values(trail.nodes.reduce<Record<string, number>>((acc, n) => ({ ...acc, [String(n.hop)]: (acc[String(n.hop)] ?? 0) + 1 }), {})));
  const heightPx = Math.min(2400, Math.max(420, widestColumn * 34));
  const ordered = [...trail.nodes].sort((a, b) => (a.hop ?? Number.MAX_SAFE_INTEGER) - (b.hop ?? Number.MAX_SAFE_INTEGER));
  return (
    <div class="trail">
      <div class="graph" ref={container} style={{ height: `${heightPx}px` }} role="img" aria-label={`Trail graph of ${trail.incident}: ${trail.nodes.length} addresses, ${trail.edges.length} transfers`} />
      <details class="node-list">
        <summary>{trail.nodes.length} addresses in the trail</summary>
        <ul>
          {ordered.map((n) => (
            <li key={id(n.chain, n.address)} data-node-kind={kindOf(n)} data-node-hop={n.hop ?? 'sink'}>
              <a href={addressPath(n.chain, n.address)}>{n.hop === null ? 'sink' : n.hop === 0 ? 'listed' : `hop ${n.hop}`} · {n.chain} · <code>{n.address}</code>{n.label !== undefined ? ` · ${n.label}` : ''}</a>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
