import { stringify } from 'yaml';
import type { DerivedEntry } from './derived-entry.js';

/**
 * An incident's followed trail as a GraphSense TagPack (YAML): one tag per derived
 * entry, labelled after the listed root, with the provenance (parent, transaction,
 * block, leg, asset, amount, rule, hop, path) as JSON in `context`, the TagPack
 * field for structured context. Sinks (exchanges, mixers...) are not re-tagged: their labels belong to their own sources.
 * Retracted entries (their legs were orphaned by a reorg) are not tagged: they may never have held the funds.
 */
export function buildTagpack(input: { readonly incident: string; readonly entries: readonly DerivedEntry[]; readonly currencyOf: (chain: string) => string; readonly creator: string; readonly lastmod: string }): string {
  const tags: Record<string, unknown>[] = [];
  for (const e of input.entries) {
    if (e.incident !== input.incident || e.status === 'retracted') continue;
    const p = e.provenance;
    tags.push({
      address: e.address,
      currency: input.currencyOf(e.chain),
      label: `${e.root?.label ?? input.incident} (followed, hop ${e.hop})`,
      source: e.root?.source ?? `chainwatch follow ${input.incident}`,
      category: 'perpetrator',
      confidence: 'heuristic',
      is_public: false,
      context: JSON.stringify({
        chain: e.chain, incident: e.incident, hop: e.hop, peelSteps: e.peelSteps, status: e.status, ...(e.statusReason !== undefined ? { statusReason: e.statusReason } : {}),
        parent: p.parentAddress, txHash: p.txHash, blockNumber: p.blockNumber, blockHash: p.blockHash, leg: p.leg,
        asset: p.asset.symbol, assetContract: p.asset.contract, decimals: p.asset.decimals, amount: p.amount, rule: p.rule, createdAt: p.createdAt, path: e.path,
      }),
      lastmod: p.createdAt.slice(0, 10),
    });
  }
  return stringify({
    title: `chainwatch followed trail: ${input.incident}`,
    creator: input.creator,
    description: `Addresses chainwatch derived by following funds out of the listed wallets of incident ${input.incident}; provenance of each in context.`,
    is_public: false,
    lastmod: input.lastmod.slice(0, 10),
    tags,
  });
}
