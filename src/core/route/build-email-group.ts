import { keccak256Hex } from '../hash/keccak256.js';
import type { Movement } from '../movement.js';
import type { GroupLabel } from './email-route.js';

export interface EmailGroup {
  /** Human-readable key: `default|incident=ronin-2022`. */
  readonly key: string;
  /** Short stable hash of the key: safe in Redis keys, job ids and Message-IDs. */
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Group key = route + the movement's values of the `groupBy` labels (Alertmanager's group_by). */
export function buildEmailGroup(m: Movement, routeId: string, groupBy: readonly GroupLabel[]): EmailGroup {
  const labels: Record<string, string> = {};
  for (const label of groupBy) labels[label] = labelValue(m, label);
  const key = [routeId, ...groupBy.map((l) => `${l}=${labels[l] ?? ''}`)].join('|');
  return { key, id: keccak256Hex(key).slice(0, 20), labels };
}

function labelValue(m: Movement, label: GroupLabel): string {
  const first = m.watchlist[0];
  switch (label) {
    case 'incident':
      return first?.incident ?? '';
    case 'label':
      return first?.label ?? '';
    case 'chain':
      return m.chain;
    case 'address':
      return m.watchedAddress;
    case 'severity':
      return m.enrichment?.severity ?? 'medium';
    case 'direction':
      return m.direction;
    case 'asset':
      return m.asset.symbol;
    case 'kind':
      return m.kind;
  }
}
