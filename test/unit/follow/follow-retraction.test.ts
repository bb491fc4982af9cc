import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildIncidentTotals } from '../../../src/core/follow/build-incident-totals.js';
import { buildIncidentTrail } from '../../../src/core/follow/build-incident-trail.js';
import { buildTagpack } from '../../../src/core/follow/build-tagpack.js';
import { collectOutgoingLegs } from '../../../src/core/follow/collect-outgoing-legs.js';
import { corroborateDerivedEntry } from '../../../src/core/follow/corroborate-derived-entry.js';
import type { DerivedEntry, FollowEvidence } from '../../../src/core/follow/derived-entry.js';
import { evidenceOf } from '../../../src/core/follow/evidence-of.js';
import { planDerivedEntries } from '../../../src/core/follow/plan-derived-entries.js';
import { planFollowRetraction } from '../../../src/core/follow/plan-follow-retraction.js';
import { restoreDerivedEntry } from '../../../src/core/follow/restore-derived-entry.js';
import type { SinkEdge } from '../../../src/core/follow/sink-edge.js';
import { txShapes } from '../../../src/core/follow/tx-shapes.js';
import { matchEvmBlock } from '../../../src/core/evm/match-evm-block.js';
import { normalizeEvmBlock } from '../../../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../../../src/core/evm/normalize-evm-receipts.js';
import type { EvmBlockData } from '../../../src/core/evm/evm-block-data.js';
import { followSchema } from '../../../src/config/follow-schema.js';
import { CHAIN, rpcTestResult, watchlistOf } from '../evm/fixtures.js';

/**
 * Reorgs and followed funds (issue #11 with #10): an entry stands on the legs that derived it;
 * a reorg that orphans all of them retracts it and, transitively, what it derived; other
 * evidence keeps it; a re-mined leg restores it; retracted entries count nowhere.
 */
const NOW = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-02T00:00:00.000Z';
const ROOT = '0x1111111111111111111111111111111111111111';
const ORPHANED = { number: 100, hash: '0xorphaned100' };
const KEPT_BLOCK = { number: 90, hash: '0xcanonical90' };

const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;

function leg(over: Partial<FollowEvidence> & { block: { number: number; hash: string } }): FollowEvidence {
  const { block, ...rest } = over;
  return { movementId: `m-${block.number}-${rest.txHash ?? 't'}`, leg: 'native', txHash: '0xtx', blockNumber: block.number, blockHash: block.hash, parentAddress: ROOT, amount: '5', hop: 1, path: [ROOT], ...rest };
}

function entry(n: number, evidence: readonly FollowEvidence[] | undefined, over: Partial<DerivedEntry> = {}): DerivedEntry {
  const first = evidence?.[0] ?? leg({ block: ORPHANED });
  const address = addr(n);
  return {
    chain: CHAIN, address, matchKey: address, incident: 'hack', hop: first.hop, peelSteps: 0,
    provenance: { parentAddress: first.parentAddress, txHash: first.txHash, blockNumber: first.blockNumber, blockHash: first.blockHash, leg: first.leg, movementId: first.movementId, asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: first.amount, rule: 'min-amount', createdAt: NOW },
    path: [...first.path, address], status: 'active', firstSeen: NOW, lastSeen: NOW, received: first.amount, remaining: first.amount,
    root: { address: ROOT, label: 'Exploiter', source: 'https://example.org/a' },
    ...(evidence !== undefined ? { evidence } : {}),
    ...over,
  };
}

describe('planFollowRetraction', () => {
  it('retracts an entry whose only leg was in an orphaned block, says why, and takes it out of the overlay; one paid in a surviving block stays', () => {
    const x = entry(1, [leg({ block: ORPHANED, txHash: '0xpayx' })]);
    const w = entry(2, [leg({ block: KEPT_BLOCK, txHash: '0xpayw' })]);
    const plan = planFollowRetraction({ entries: [x, w], orphaned: [ORPHANED], at: LATER });
    expect(plan.retracted.map((c) => c.after)).toEqual([
      expect.objectContaining({
        address: x.address, status: 'retracted',
        statusReason: `reorg: block 100 (0xorphaned100) carrying tx 0xpayx that paid it was orphaned`,
        retraction: { orphanedBlock: ORPHANED, cause: 'orphaned', txHash: '0xpayx', at: LATER, previousStatus: 'active' },
      }),
    ]);
    expect(plan.unwatch.map((e) => e.address)).toEqual([x.address]);
    expect(plan.trimmed).toEqual([]);
  });

  it('retracts transitively what a retracted entry derived, whatever the order, even from legs outside the orphaned blocks', () => {
    const x = entry(1, [leg({ block: ORPHANED, txHash: '0xpayx' })]);
    const y = entry(2, [leg({ block: { number: 101, hash: '0xother101' }, parentAddress: x.address, parentKey: x.matchKey, hop: 2, path: [ROOT, x.address], txHash: '0xpayy' })]);
    const z = entry(3, [leg({ block: { number: 102, hash: '0xother102' }, parentAddress: y.address, parentKey: y.matchKey, hop: 3, path: [ROOT, x.address, y.address], txHash: '0xpayz' })]);
    const plan = planFollowRetraction({ entries: [z, y, x], orphaned: [ORPHANED], at: LATER });
    expect(plan.retracted.map((c) => c.after.address).sort()).toEqual([x.address, y.address, z.address].sort());
    const yAfter = plan.retracted.find((c) => c.after.address === y.address)!.after;
    expect(yAfter.retraction).toMatchObject({ cause: 'parent-retracted', parentAddress: x.address, txHash: '0xpayy' });
    expect(yAfter.statusReason).toBe(`reorg: its parent ${x.address} (tx 0xpayy) was retracted`);
  });

  it('keeps an entry that has another leg, moving its provenance, hop and path to the surviving leg and re-writing its overlay ref', () => {
    const other = addr(9);
    const x = entry(1, [leg({ block: ORPHANED, txHash: '0xfirst' }), leg({ block: KEPT_BLOCK, txHash: '0xsecond', parentAddress: other, parentKey: other, hop: 2, path: [ROOT, other, addr(1)] })]);
    const plan = planFollowRetraction({ entries: [x], orphaned: [ORPHANED], at: LATER });
    expect(plan.retracted).toEqual([]);
    const after = plan.trimmed[0]!.after;
    expect(after).toMatchObject({ status: 'active', hop: 2, path: [ROOT, other, addr(1)], provenance: { txHash: '0xsecond', blockHash: KEPT_BLOCK.hash, parentAddress: other } });
    expect(after.evidence).toHaveLength(1);
    expect(plan.rewatch).toEqual([after]);
  });

  it('is idempotent: run again over its own result it changes nothing and repeats only the overlay removals', () => {
    const x = entry(1, [leg({ block: ORPHANED })]);
    const y = entry(2, [leg({ block: KEPT_BLOCK }), leg({ block: ORPHANED, txHash: '0xb' })]);
    const first = planFollowRetraction({ entries: [x, y], orphaned: [ORPHANED], at: LATER });
    const stored = [first.retracted[0]!.after, first.trimmed[0]!.after];
    const again = planFollowRetraction({ entries: stored, orphaned: [ORPHANED], at: '2026-01-03T00:00:00.000Z' });
    expect(again.retracted).toEqual([]);
    expect(again.trimmed).toEqual([]);
    expect(again.unwatch).toEqual([first.retracted[0]!.after]);
  });

  it('an entry written before evidence was recorded stands on its provenance alone', () => {
    const legacy = entry(1, undefined, { provenance: { ...entry(1, undefined).provenance, blockHash: ORPHANED.hash.toUpperCase() } });
    expect(evidenceOf(legacy)).toHaveLength(1);
    expect(planFollowRetraction({ entries: [legacy], orphaned: [ORPHANED], at: LATER }).retracted).toHaveLength(1);
  });

  it('a stopped entry is retracted too (not exported), remembers it was stopped, and a restore keeps the operator\'s stop', () => {
    const x = entry(1, [leg({ block: ORPHANED })], { status: 'stopped', statusReason: 'operator: known OTC desk' });
    const plan = planFollowRetraction({ entries: [x], orphaned: [ORPHANED], at: LATER });
    const retracted = plan.retracted[0]!.after;
    expect(retracted.retraction).toMatchObject({ previousStatus: 'stopped', previousReason: 'operator: known OTC desk' });
    expect(plan.unwatch).toEqual([]); // it was not watched
    const rederived = entry(1, [leg({ block: { number: 100, hash: '0xnew100' } })], { firstSeen: LATER });
    expect(restoreDerivedEntry(retracted, rederived, LATER)).toMatchObject({ status: 'stopped', statusReason: 'operator: known OTC desk', firstSeen: NOW });
  });
});

describe('restoreDerivedEntry and corroborateDerivedEntry', () => {
  it('restores a retracted entry as active with the new leg, its first sighting and where it came back from', () => {
    const x = planFollowRetraction({ entries: [entry(1, [leg({ block: ORPHANED })])], orphaned: [ORPHANED], at: LATER }).retracted[0]!.after;
    const newLeg = leg({ block: { number: 101, hash: '0xnew101' } });
    const restored = restoreDerivedEntry(x, entry(1, [newLeg], { firstSeen: LATER }), LATER);
    expect(restored).toMatchObject({ status: 'active', firstSeen: NOW, evidence: [newLeg], provenance: { blockHash: '0xnew101' }, restoredAfter: { orphanedBlockHash: ORPHANED.hash, at: LATER } });
    expect(restored.retraction).toBeUndefined();
    expect(restored.statusReason).toBeUndefined();
  });

  it('adds a new leg once; a known leg or an inactive entry gives nothing', () => {
    const x = entry(1, [leg({ block: KEPT_BLOCK })]);
    const more = leg({ block: { number: 95, hash: '0x95' }, movementId: 'other' });
    const once = corroborateDerivedEntry(x, more)!;
    expect(once.evidence).toHaveLength(2);
    expect(corroborateDerivedEntry(once, more)).toBeUndefined();
    expect(corroborateDerivedEntry({ ...x, status: 'expired' }, more)).toBeUndefined();
  });
});

describe('planDerivedEntries records evidence', () => {
  // Mainnet block 18,000,000 with its real receipts: a watched wallet sends 0.06997 ETH.
  const normalized = normalizeEvmBlock(rpcTestResult('eth_getBlockByNumber/test_08.json'));
  const receipts = normalizeEvmReceipts(rpcTestResult('eth_getBlockReceipts/test_02.json'), normalized.header);
  const block: EvmBlockData = { ...normalized, logs: receipts.logs, internalTransfers: null, txStatus: receipts.txStatus };
  const SENDER = '0xe4edb277e41dc89ab076a1f049f4a3efa700bce8';
  const evmKey = (d: string): string | undefined => (/^0x[0-9a-fA-F]{40}$/.test(d) ? d.toLowerCase() : undefined);
  const out = matchEvmBlock(block, { chain: CHAIN, index: watchlistOf(SENDER), headNumber: 18_000_000, nativeSymbol: 'ETH' }).filter((m) => m.kind === 'native' && m.direction === 'out');
  const to = (out[0]!.to as string).toLowerCase();
  const plan = (extra: Partial<Parameters<typeof planDerivedEntries>[0]>) =>
    planDerivedEntries({
      chain: CHAIN, legs: out.flatMap((m) => collectOutgoingLegs(m, evmKey)), rules: followSchema.parse({ maxHops: 2, minAmount: { ETH: '0.01' } }),
      parentOf: (m) => ({ ref: m.watchlist[0]! }), labelOf: () => undefined, contracts: new Set(), isWatched: () => false, txShape: txShapes(block.transactions), activeCount: () => 0, now: NOW, ...extra,
    });

  it('a new entry carries its creating leg (with the block hash a reorg is checked against)', () => {
    const [created] = plan({}).entries;
    expect(created!.evidence).toEqual([expect.objectContaining({ movementId: out[0]!.id, leg: 'native', txHash: out[0]!.txHash, blockHash: block.header.hash, hop: 1, amount: '69970000000000014' })]);
  });

  it('a qualifying leg to an active derived entry of the same incident corroborates it; another incident\'s or an inactive entry\'s does not', () => {
    const existing = { ...entry(5, [leg({ block: KEPT_BLOCK })]), address: out[0]!.to as string, matchKey: to, incident: 'test-hack' };
    const corroborated = plan({ isWatched: (k) => k === to, derivedEntryOf: (k) => (k === to ? existing : undefined) });
    expect(corroborated.entries).toEqual([]);
    expect(corroborated.skipped.map((s) => s.reason)).toEqual(['already-watched']);
    expect(corroborated.corroborations).toEqual([{ matchKey: to, evidence: expect.objectContaining({ movementId: out[0]!.id, blockHash: block.header.hash }) }]);
    expect(plan({ isWatched: (k) => k === to, derivedEntryOf: () => ({ ...existing, incident: 'other' }) }).corroborations).toEqual([]);
    expect(plan({ isWatched: (k) => k === to, derivedEntryOf: () => ({ ...existing, status: 'stopped' }) }).corroborations).toEqual([]);
  });
});

describe('retracted entries count nowhere', () => {
  it('totals, trail and TagPack leave out retracted entries and what they paid', () => {
    const kept = entry(1, [leg({ block: KEPT_BLOCK })]);
    const gone = planFollowRetraction({ entries: [entry(2, [leg({ block: ORPHANED })])], orphaned: [ORPHANED], at: LATER }).retracted[0]!.after;
    const sink = (from: string): SinkEdge => ({ chain: CHAIN, incident: 'hack', from, fromHop: 1, to: addr(99), toKey: addr(99), label: 'Binance', category: 'exchange', txHash: `0xsink${from.slice(-1)}`, blockNumber: 110, movementId: `s${from}`, leg: 'native', asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: '3', usdValue: null, at: NOW });
    const totals = buildIncidentTotals('hack', [kept, gone], [sink(kept.address), sink(gone.address)]);
    expect(totals).toMatchObject({ activeEntries: 1, stolen: { ETH: '5' }, stillHeld: { ETH: '5' }, toExchanges: [{ exchange: 'Binance', amounts: { ETH: '3' } }] });
    const trail = buildIncidentTrail('hack', [kept, gone], [sink(kept.address), sink(gone.address)]);
    expect(trail.nodes.map((n) => n.address)).not.toContain(gone.address);
    expect(trail.edges.map((e) => e.from)).not.toContain(gone.address);
    const tags = (parse(buildTagpack({ incident: 'hack', entries: [kept, gone], currencyOf: () => 'ETH', creator: 't', lastmod: NOW })) as { tags: { address: string }[] }).tags;
    expect(tags.map((t) => t.address)).toEqual([kept.address]);
  });
});
