import type { ImportCandidate, InvalidImportRow, OfacAddressRecord } from './import-candidate.js';
import { mapOfacAssetToChain } from './map-ofac-asset-to-chain.js';
import { validateImportAddress } from './validate-import-address.js';

export const OFAC_INCIDENT = 'ofac-sdn';

/** The public OFAC page for one SDN entry, cited as each entry's source. */
export function ofacEntityUrl(uid: string): string {
  return /^\d+$/.test(uid) ? `https://sanctionssearch.ofac.treas.gov/Details.aspx?id=${uid}` : 'https://sanctionssearch.ofac.treas.gov/';
}

/** Tags for a sanctioned party: ofac always; dprk/lazarus when its programs or name say so. */
export function ofacTags(partyName: string, programs: readonly string[]): string[] {
  const tags = ['ofac'];
  const lazarus = /lazarus/i.test(partyName) || programs.some((p) => /lazarus/i.test(p));
  if (lazarus || programs.some((p) => /DPRK/i.test(p))) tags.push('dprk');
  if (lazarus) tags.push('lazarus');
  return tags;
}

export interface OfacCandidates {
  readonly candidates: readonly ImportCandidate[];
  readonly invalid: readonly InvalidImportRow[];
}

/**
 * Turns OFAC address records into watchlist candidates, one per (chain,
 * address). An address listed under several assets on the same chain (ETH and
 * USDT on Ethereum) becomes one entry; invalid or unplaceable addresses are
 * reported and never written.
 */
export function buildOfacCandidates(records: readonly OfacAddressRecord[]): OfacCandidates {
  const byKey = new Map<string, ImportCandidate>();
  const invalid: InvalidImportRow[] = [];
  for (const r of records) {
    const where = `SDN entry ${r.uid} (${r.partyName}), asset ${r.asset}`;
    const chain = mapOfacAssetToChain(r.asset, r.address);
    if (chain === undefined) {
      invalid.push({ where, address: r.address, reason: `no chain known for OFAC asset ${r.asset} with this address form` });
      continue;
    }
    const check = validateImportAddress(chain, r.address);
    if (!check.ok) {
      invalid.push({ where, address: r.address, reason: check.reason });
      continue;
    }
    const id = `${chain}\u0000${check.key}`;
    const tags = ofacTags(r.partyName, r.programs);
    const existing = byKey.get(id);
    if (existing !== undefined) {
      const mergedTags = [...new Set([...existing.tags, ...tags])];
      const label = existing.label === r.partyName || r.partyName === '' ? existing.label : `${existing.label} / ${r.partyName}`;
      byKey.set(id, { ...existing, label, tags: mergedTags });
      continue;
    }
    byKey.set(id, {
      chain,
      address: check.address,
      key: check.key,
      label: r.partyName === '' ? `OFAC SDN entry ${r.uid}` : r.partyName,
      incident: OFAC_INCIDENT,
      source: ofacEntityUrl(r.uid),
      tags,
    });
  }
  return { candidates: [...byKey.values()], invalid };
}
