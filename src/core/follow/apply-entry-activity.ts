import type { Movement } from '../movement.js';
import type { DerivedEntry } from './derived-entry.js';

/**
 * What a derived entry holds by our accounting, after one of its own movements:
 * incoming legs of its asset add to `received` and `remaining`, outgoing ones
 * (Bitcoin: what left it, change excluded, fee included) take from `remaining`.
 * Any movement refreshes `lastSeen` (activity postpones expiry). Other assets
 * only count as activity: the trail follows the asset it was derived from.
 */
export function applyEntryActivity(entry: DerivedEntry, m: Movement, now: string): DerivedEntry {
  const sameAsset = m.asset.symbol === entry.provenance.asset.symbol && (m.asset.contract ?? '').toLowerCase() === (entry.provenance.asset.contract ?? '').toLowerCase();
  let received = BigInt(entry.received);
  let remaining = BigInt(entry.remaining);
  if (sameAsset) {
    if (m.direction === 'in') {
      received += m.amount;
      remaining += m.amount;
    } else if (m.kind === 'btc') {
      const own = entry.address.toLowerCase();
      const back = (m.outputs ?? []).filter((o) => o.address?.toLowerCase() === own).reduce((s, o) => s + o.amount, 0n);
      remaining -= m.amount - back;
    } else if (m.direction === 'out') {
      remaining -= m.amount;
    }
  }
  if (remaining < 0n) remaining = 0n;
  return { ...entry, received: received.toString(), remaining: remaining.toString(), lastSeen: now };
}
