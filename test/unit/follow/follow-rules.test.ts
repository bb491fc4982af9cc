import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Block, address, networks, payments } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { getAddress } from 'ethers';
import { applyEntryActivity } from '../../../src/core/follow/apply-entry-activity.js';
import { buildIncidentTotals } from '../../../src/core/follow/build-incident-totals.js';
import { buildIncidentTrail } from '../../../src/core/follow/build-incident-trail.js';
import { buildTagpack } from '../../../src/core/follow/build-tagpack.js';
import { collectOutgoingLegs, legOf } from '../../../src/core/follow/collect-outgoing-legs.js';
import { combineLabelBooks } from '../../../src/core/follow/combine-label-books.js';
import type { DerivedEntry } from '../../../src/core/follow/derived-entry.js';
import { formatFollowPath } from '../../../src/core/follow/format-follow-path.js';
import { isAtLeastFraction, isEntryExpired, meetsFollowThreshold, proRataUsd, type FollowRules } from '../../../src/core/follow/follow-rules.js';
import { planDerivedEntries, type PlanDerivedEntriesInput } from '../../../src/core/follow/plan-derived-entries.js';
import { txShapes } from '../../../src/core/follow/tx-shapes.js';
import { matchBitcoinTransactions } from '../../../src/core/btc/match-bitcoin-transactions.js';
import type { RememberedOutpoint } from '../../../src/core/btc/outpoint-store.js';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { matchEvmBlock } from '../../../src/core/evm/match-evm-block.js';
import { normalizeEvmBlock } from '../../../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../../../src/core/evm/normalize-evm-receipts.js';
import type { EvmBlockData } from '../../../src/core/evm/evm-block-data.js';
import type { AddressLabel } from '../../../src/core/labels/address-label.js';
import type { Movement } from '../../../src/core/movement.js';
import { followSchema } from '../../../src/config/follow-schema.js';
import { CHAIN, rpcTestResult, watchlistOf } from '../evm/fixtures.js';
import { watchlistOf as btcWatchlistOf } from '../btc/watchlist-of.js';

// Mainnet block 18,000,000 with its real receipts (erigontech/rpc-tests fixtures).
const normalized = normalizeEvmBlock(rpcTestResult('eth_getBlockByNumber/test_08.json'));
const receipts = normalizeEvmReceipts(rpcTestResult('eth_getBlockReceipts/test_02.json'), normalized.header);
const block: EvmBlockData = { ...normalized, logs: receipts.logs, internalTransfers: null, txStatus: receipts.txStatus };
const POISONED = '0x0865dfee215af901c0ff9e0db44b96074e434c63'; // a zero-value USDT "transfer" out of it, sent by someone else
const VALUE_SENDER = '0xe4edb277e41dc89ab076a1f049f4a3efa700bce8'; // sends 0.06997 ETH
const evmKey = (d: string): string | undefined => (/^0x[0-9a-fA-F]{40}$/.test(d) ? d.toLowerCase() : undefined);
const match = (...watched: string[]): Movement[] => matchEvmBlock(block, { chain: CHAIN, index: watchlistOf(...watched), headNumber: 18_000_000, nativeSymbol: 'ETH' });
const shape = txShapes(block.transactions);

const RULES: FollowRules = followSchema.parse({ maxHops: 2, minAmount: { ETH: '0.01', USDT: '1' } });
const NOW = '2026-01-01T00:00:00.000Z';

function plan(movements: readonly Movement[], extra: Partial<PlanDerivedEntriesInput> = {}) {
  return planDerivedEntries({
    chain: CHAIN,
    legs: movements.flatMap((m) => collectOutgoingLegs(m, evmKey)),
    rules: RULES,
    parentOf: (m) => (m.watchlist[0] === undefined ? undefined : { ref: m.watchlist[0] }),
    labelOf: () => undefined,
    contracts: new Set(),
    isWatched: () => false,
    txShape: shape,
    activeCount: () => 0,
    now: NOW,
    ...extra,
  });
}

function derived(over: Partial<DerivedEntry> & { matchKey: string }): DerivedEntry {
  return {
    chain: CHAIN, address: /^0x[0-9a-f]{40}$/i.test(over.matchKey) ? getAddress(over.matchKey) : over.matchKey, incident: 'test-hack', hop: 1, peelSteps: 0,
    provenance: { parentAddress: getAddress(VALUE_SENDER), txHash: '0x01', blockNumber: 17_999_990, blockHash: '0x02', leg: 'native', movementId: 'm', asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: '1000', rule: 'min-amount', createdAt: NOW },
    path: [getAddress(VALUE_SENDER), /^0x[0-9a-f]{40}$/i.test(over.matchKey) ? getAddress(over.matchKey) : over.matchKey], status: 'active', firstSeen: NOW, lastSeen: NOW, received: '1000', remaining: '1000',
    root: { address: getAddress(VALUE_SENDER), label: 'Exploiter', source: 'https://example.org/a' },
    ...over,
  };
}

describe('collectOutgoingLegs on mainnet block 18,000,000', () => {
  it('a native transfer the watched address sent is a leg to its recipient', () => {
    const out = match(VALUE_SENDER).find((m) => m.kind === 'native' && m.direction === 'out')!;
    const legs = collectOutgoingLegs(out, evmKey);
    expect(legs).toEqual([{ movement: out, leg: 'native', recipient: out.to, recipientKey: (out.to as string).toLowerCase(), amount: 69_970_000_000_000_014n, asset: out.asset }]);
  });

  it('a forged Transfer log out of a wallet (address poisoning, sent by someone else) gives no leg; incoming legs give none', () => {
    const forged = match(POISONED).filter((m) => m.kind === 'erc20' && m.direction === 'out');
    expect(forged.length).toBeGreaterThan(0);
    expect(forged.every((m) => m.txFrom?.toLowerCase() !== POISONED)).toBe(true);
    expect(forged.flatMap((m) => collectOutgoingLegs(m, evmKey))).toEqual([]);
    const inbound = match(...new Set(block.transactions.map((t) => t.to ?? ''))).filter((m) => m.direction === 'in');
    expect(inbound.flatMap((m) => collectOutgoingLegs(m, evmKey))).toEqual([]);
  });

  it('an ERC-20 transfer the watched wallet signed is a leg; the leg name is the movement id\'s', () => {
    const everyone = match(...new Set(block.transactions.map((t) => t.from)));
    const signed = everyone.find((m) => m.kind === 'erc20' && m.direction === 'out' && m.amount > 0n && m.txFrom?.toLowerCase() === (m.from as string).toLowerCase())!;
    expect(signed).toBeDefined();
    const [leg] = collectOutgoingLegs(signed, evmKey);
    expect(leg).toMatchObject({ recipient: signed.to, amount: signed.amount, leg: legOf(signed) });
    expect(leg!.leg).toMatch(/^txlog\d+$/);
  });
});

describe('planDerivedEntries (the follow rules)', () => {
  const out = (): Movement[] => match(VALUE_SENDER).filter((m) => m.kind === 'native' && m.direction === 'out');

  it('a listed wallet\'s qualifying send derives hop 1 with full provenance and path', () => {
    const [m] = out();
    const p = plan([m!]);
    expect(p.entries).toHaveLength(1);
    expect(p.entries[0]).toEqual({
      chain: CHAIN, address: m!.to, matchKey: (m!.to as string).toLowerCase(), incident: 'test-hack', hop: 1, peelSteps: 0,
      provenance: { parentAddress: m!.watchlist[0]!.address, txHash: m!.txHash, blockNumber: 18_000_000, blockHash: block.header.hash, leg: 'native', movementId: m!.id, asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: '69970000000000014', rule: 'min-amount', createdAt: NOW },
      path: [m!.watchlist[0]!.address, m!.to], status: 'active', firstSeen: NOW, lastSeen: NOW, received: '69970000000000014', remaining: '69970000000000014',
      root: { address: m!.watchlist[0]!.address, label: m!.watchlist[0]!.label, source: 'https://example.org/a' }, owner: 'derived:test-hack',
      evidence: [{ movementId: m!.id, leg: 'native', txHash: m!.txHash, blockNumber: 18_000_000, blockHash: block.header.hash, parentAddress: m!.watchlist[0]!.address, amount: '69970000000000014', hop: 1, path: [m!.watchlist[0]!.address, m!.to] }],
    });
  });

  it('below follow.minAmount, or an asset with no threshold, is not followed; minUsd decides when the movement is valued', () => {
    const [m] = out();
    expect(plan([m!], { rules: { ...RULES, minAmount: { ETH: '1' } } }).skipped.map((s) => s.reason)).toEqual(['below-min-amount']);
    expect(plan([m!], { rules: { ...RULES, minAmount: {} } }).skipped.map((s) => s.reason)).toEqual(['no-threshold']);
    const valued = { ...m!, enrichment: { severity: 'high' as const, usdValue: '180.00', assetKnown: true, spoofed: false } };
    expect(plan([valued], { rules: { ...RULES, minUsd: '1000' } }).skipped.map((s) => s.reason)).toEqual(['below-min-usd']);
    expect(plan([valued], { rules: { ...RULES, minUsd: '100', minAmount: {} } }).entries[0]?.provenance.rule).toBe('min-usd');
    expect(plan([{ ...valued, enrichment: { ...valued.enrichment, spoofed: true } }]).skipped.map((s) => s.reason)).toEqual(['spoofed']);
  });

  it('a derived parent: the hop grows, below follow.minFraction of what it received is dropped, beyond maxHops is dropped', () => {
    const [m] = out();
    const parent = derived({ matchKey: VALUE_SENDER, hop: 1, received: (69_970_000_000_000_014n * 50n).toString() });
    const ref = { ...m!.watchlist[0]!, hop: 1, path: parent.path, via: { address: 'x', txHash: '0x01' } };
    const asDerived = { ...m!, watchlist: [ref] };
    const parentOf = (): { ref: typeof ref; entry: DerivedEntry } => ({ ref, entry: parent });
    const p = plan([asDerived], { parentOf });
    expect(p.entries[0]).toMatchObject({ hop: 2, path: [...parent.path, m!.to], root: parent.root, provenance: { parentAddress: parent.address } });
    // 1/150 of what the parent received < 1 %.
    const bigParent = { ...parent, received: (69_970_000_000_000_014n * 150n).toString() };
    expect(plan([asDerived], { parentOf: () => ({ ref, entry: bigParent }) }).skipped.map((s) => s.reason)).toEqual(['below-min-fraction']);
    const atMax = { ref: { ...ref, hop: 2 }, entry: { ...parent, hop: 2 } };
    expect(plan([asDerived], { parentOf: () => atMax }).skipped.map((s) => s.reason)).toEqual(['max-hops']);
  });

  it('stops at labelled recipients (recording the sink), unlabelled contracts and addresses already watched', () => {
    const [m] = out();
    const to = (m!.to as string).toLowerCase();
    const label: AddressLabel = { chain: CHAIN, address: m!.to as string, label: 'Binance 14', category: 'exchange', source: 'https://etherscan.io' };
    const labelled = plan([m!], { labelOf: (k) => (k === to ? label : undefined) });
    expect(labelled.entries).toEqual([]);
    expect(labelled.sinks).toEqual([expect.objectContaining({ incident: 'test-hack', from: m!.watchlist[0]!.address, fromHop: 0, to: m!.to, label: 'Binance 14', category: 'exchange', amount: '69970000000000014', txHash: m!.txHash, leg: 'native' })]);
    expect(plan([m!], { contracts: new Set([to]) }).skipped.map((s) => s.reason)).toEqual(['contract']);
    expect(plan([m!], { isWatched: (k) => k === to }).skipped.map((s) => s.reason)).toEqual(['already-watched']);
  });

  it('a trail rooted at a tenant\'s own address stays that tenant\'s (owner), and never re-derives an address that owner already watches', () => {
    const [m] = out();
    const tenantRef = { ...m!.watchlist[0]!, owner: 'tenant:t-1' };
    const asked: string[] = [];
    const p = plan([{ ...m!, watchlist: [tenantRef] }], { parentOf: () => ({ ref: tenantRef }), isWatched: (_k, owner) => (asked.push(owner), false) });
    expect(p.entries[0]?.owner).toBe('tenant:t-1');
    expect(asked).toEqual(['tenant:t-1']);
    expect(plan([{ ...m!, watchlist: [tenantRef] }], { parentOf: () => ({ ref: tenantRef }), isWatched: (_k, owner) => owner === 'tenant:t-1' }).skipped.map((s) => s.reason)).toEqual(['already-watched']);
  });

  it('the deposit-address heuristic: a derived entry forwarding ≥ 90 % of what it received to one exchange within the window', () => {
    const [m] = out();
    const to = (m!.to as string).toLowerCase();
    const label: AddressLabel = { chain: CHAIN, address: m!.to as string, label: 'Kraken 4', category: 'exchange', source: 'https://example.org' };
    const parent = derived({ matchKey: VALUE_SENDER, received: '70000000000000000' });
    const ref = { ...m!.watchlist[0]!, hop: 1 };
    const run = (entry: DerivedEntry) => plan([{ ...m!, watchlist: [ref] }], { parentOf: () => ({ ref, entry }), labelOf: (k) => (k === to ? label : undefined) }).deposits;
    expect(run(parent)).toEqual([{ chain: CHAIN, entry: parent, exchange: label, txHash: m!.txHash }]);
    expect(run({ ...parent, received: '90000000000000000' })).toEqual([]); // forwards 78 %
    expect(run({ ...parent, provenance: { ...parent.provenance, blockNumber: 17_000_000 } })).toEqual([]); // outside depositWindowBlocks
  });

  it('caps: the largest legs of one transaction first (follow.maxPerTransaction), then active entries per incident (follow.maxPerIncident)', () => {
    const [m] = out();
    const legsOf = [3n, 1n, 2n].map((amount, i) => ({ ...m!, id: `${m!.id}-${i}`, to: getAddress(`0x${String(i + 1).repeat(40)}`), amount: amount * 10n ** 18n }));
    const capped = plan(legsOf, { rules: { ...RULES, maxPerTransaction: 2 } });
    expect(capped.entries.map((e) => e.provenance.amount)).toEqual([(3n * 10n ** 18n).toString(), (2n * 10n ** 18n).toString()]);
    expect(capped.caps).toEqual([{ cap: 'per-transaction', chain: CHAIN, incident: 'test-hack', txHash: m!.txHash, dropped: 1, limit: 2 }]);
    const full = plan(legsOf, { rules: { ...RULES, maxPerIncident: 5 }, activeCount: () => 4 });
    expect(full.entries).toHaveLength(1);
    expect(full.caps).toEqual([{ cap: 'per-incident', chain: CHAIN, incident: 'test-hack', txHash: m!.txHash, dropped: 2, limit: 5 }]);
  });
});

describe('Bitcoin peel chains on mainnet block 702,861', () => {
  const HASH = '000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae';
  const raw = readFileSync(fileURLToPath(new URL(`../../fixtures/btc/mainnet_block_${HASH}.raw`, import.meta.url)));
  const parsed = parseBitcoinBlock(raw, { height: 702_861, hash: HASH });
  const ref = Block.fromBuffer(raw).transactions!;
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const rhex = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');
  const btcKey = (d: string): string | undefined => {
    try {
      return hex(address.toOutputScript(d, networks.bitcoin));
    } catch {
      return undefined;
    }
  };
  const standard = (s: Uint8Array): boolean => {
    try {
      address.fromOutputScript(s, networks.bitcoin);
      return true;
    } catch {
      return false;
    }
  };
  // A real one-input, two-output spend with distinct amounts: a peel step's shape.
  const k = ref.findIndex((t, i) => i > 0 && t.ins.length === 1 && t.outs.length === 2 && t.outs.every((o) => standard(o.script)) && t.outs[0]!.value !== t.outs[1]!.value);
  const tx = ref[k]!;
  const watched = payments.p2wpkh({ hash: Buffer.alloc(20, 0x22), network: networks.bitcoin });
  const remembered = new Map<string, RememberedOutpoint>([[`${rhex(tx.ins[0]!.hash)}:${tx.ins[0]!.index}`, { txid: rhex(tx.ins[0]!.hash), vout: tx.ins[0]!.index, value: tx.outs[0]!.value + tx.outs[1]!.value + 1_000n, matchKey: hex(watched.output!), address: watched.address! }]]);
  const { movements } = matchBitcoinTransactions({ chain: 'bitcoin', network: networks.bitcoin, txs: parsed.txs, index: btcWatchlistOf('bitcoin', [{ address: watched.address!, scriptHex: hex(watched.output!) }]), remembered, block: { number: 702_861, hash: HASH }, confirmations: 1 });
  const btcShape = txShapes(parsed.txs.map((t) => ({ hash: t.txid, inputs: t.ins.length, outputs: t.outs.length })));
  const rules = { ...RULES, minAmount: { BTC: '0.00000001' } };
  const run = (extra: Partial<PlanDerivedEntriesInput> = {}) =>
    planDerivedEntries({ chain: 'bitcoin', legs: movements.flatMap((m) => collectOutgoingLegs(m, btcKey)), rules, parentOf: (m) => ({ ref: m.watchlist[0]! }), labelOf: () => undefined, contracts: new Set(), isWatched: () => false, txShape: btcShape, activeCount: () => 0, now: NOW, ...extra });

  it('the larger output continues the chain without spending a hop; the smaller is a hop of its own', () => {
    expect(k).toBeGreaterThan(0);
    const larger = tx.outs[0]!.value > tx.outs[1]!.value ? 0 : 1;
    const p = run();
    const byVout = new Map(p.entries.map((e) => [e.provenance.leg, e] as const));
    expect(byVout.get(`vout${larger}`)).toMatchObject({ hop: 1, peelSteps: 1, provenance: { rule: 'peel-chain', amount: tx.outs[larger]!.value.toString() } });
    expect(byVout.get(`vout${1 - larger}`)).toMatchObject({ hop: 1, peelSteps: 0, provenance: { rule: 'min-amount' } });
  });

  it('a continuing peel keeps its hop and counts steps; past maxPeelSteps it spends a hop', () => {
    const larger = tx.outs[0]!.value > tx.outs[1]!.value ? 0 : 1;
    const parent = { ref: { ...movements[0]!.watchlist[0]!, hop: 1 }, entry: { ...derived({ matchKey: hex(watched.output!) }), chain: 'bitcoin', hop: 1, peelSteps: 7, received: tx.outs[larger]!.value.toString(), provenance: { ...derived({ matchKey: VALUE_SENDER }).provenance, asset: { contract: null, symbol: 'BTC', decimals: 8 } } } };
    expect(run({ parentOf: () => parent }).entries.find((e) => e.provenance.leg === `vout${larger}`)).toMatchObject({ hop: 1, peelSteps: 8 });
    expect(run({ parentOf: () => parent, rules: { ...rules, maxPeelSteps: 7 } }).entries.find((e) => e.provenance.leg === `vout${larger}`)).toMatchObject({ hop: 2, peelSteps: 0 });
  });
});

describe('balances, expiry, paths, totals, export', () => {
  it('thresholds and fractions are exact decimal arithmetic', () => {
    expect(meetsFollowThreshold(5_000_000_000n, { contract: '0xdAC17F958D2ee523a2206206994597C13D831ec7', symbol: 'USDT', decimals: 6 }, null, { minAmount: { USDT: '5000' } })).toEqual({ ok: true, rule: 'min-amount' });
    expect(meetsFollowThreshold(4_999_999_999n, { contract: null, symbol: 'USDT', decimals: 6 }, null, { minAmount: { USDT: '5000' } })).toEqual({ ok: false, reason: 'below-min-amount' });
    expect(meetsFollowThreshold(1n, { contract: null, symbol: 'X', decimals: 0, rawUnits: true }, null, { minAmount: { X: '0' } })).toEqual({ ok: false, reason: 'no-threshold' });
    expect(isAtLeastFraction(1n, 100n, '0.01')).toBe(true);
    expect(isAtLeastFraction(99n, 10_000n, '0.01')).toBe(false);
    expect(proRataUsd('1000.00', 1n, 4n)).toBe('250.00');
  });

  it('an entry\'s balance follows its own movements: in adds, out subtracts, Bitcoin change back is not spent', () => {
    const e = derived({ matchKey: VALUE_SENDER, received: '1000', remaining: '1000' });
    const base = match(VALUE_SENDER).find((m) => m.kind === 'native')!;
    const afterIn = applyEntryActivity(e, { ...base, direction: 'in', amount: 500n }, '2026-02-01T00:00:00.000Z');
    expect(afterIn).toMatchObject({ received: '1500', remaining: '1500', lastSeen: '2026-02-01T00:00:00.000Z' });
    expect(applyEntryActivity(afterIn, { ...base, direction: 'out', amount: 2000n }, NOW).remaining).toBe('0');
    const btc = { ...derived({ matchKey: 'aa' }), address: 'bc1qexample', provenance: { ...e.provenance, asset: { contract: null, symbol: 'BTC', decimals: 8 } }, remaining: '1000' };
    const spend = { ...base, kind: 'btc' as const, direction: 'self' as const, asset: { contract: null, symbol: 'BTC', decimals: 8 }, amount: 1000n, outputs: [{ vout: 0, address: 'bc1qother', amount: 600n }, { vout: 1, address: 'bc1qexample', amount: 390n }] };
    expect(applyEntryActivity(btc, spend, NOW).remaining).toBe('390');
  });

  it('expires only below the threshold AND idle follow.idleDays; without a threshold only when emptied', () => {
    const rules = { minAmount: { ETH: '1' }, idleDays: 30 };
    const e = derived({ matchKey: VALUE_SENDER, remaining: '10', lastSeen: '2026-01-01T00:00:00.000Z' });
    const day = 86_400_000;
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    expect(isEntryExpired(e, t0 + 31 * day, rules)).toBe(true);
    expect(isEntryExpired(e, t0 + 29 * day, rules)).toBe(false);
    expect(isEntryExpired({ ...e, remaining: (10n ** 18n).toString() }, t0 + 31 * day, rules)).toBe(false);
    expect(isEntryExpired({ ...e, status: 'stopped' }, t0 + 31 * day, rules)).toBe(false);
    expect(isEntryExpired(e, t0 + 31 * day, { minAmount: {}, idleDays: 30 })).toBe(false);
    expect(isEntryExpired({ ...e, remaining: '0' }, t0 + 31 * day, { minAmount: {}, idleDays: 30 })).toBe(true);
  });

  it('the path an email shows names the root by its label and shortens the rest', () => {
    expect(formatFollowPath({ label: 'Ronin Bridge exploiter', hop: 2, path: ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96', '0xab5801a7d398351b8be11c439e05c5b3259aec12', '0xcd5801a7d398351b8be11c439e05c5b3259aec34'] })).toBe('Ronin Bridge exploiter → 0xab58…ec12 → 0xcd58…ec34, hop 2');
    expect(formatFollowPath({ label: 'listed', hop: 0 })).toBeUndefined();
  });

  it('totals per incident, the trail graph and a TagPack export that carries the provenance', () => {
    const a = derived({ matchKey: '0x' + 'a'.repeat(40), received: '100', remaining: '40' });
    const b = { ...derived({ matchKey: '0x' + 'b'.repeat(40), hop: 2, remaining: '30', received: '30' }), path: [...a.path, getAddress('0x' + 'b'.repeat(40))], provenance: { ...a.provenance, parentAddress: a.address, amount: '30' } };
    const sink = { chain: CHAIN, incident: 'test-hack', from: b.address, fromHop: 2, to: '0x28C6c06298d514Db089934071355E5743bf21d60', toKey: '0x28c6c06298d514db089934071355e5743bf21d60', label: 'Binance 14', category: 'exchange' as const, txHash: '0x05', blockNumber: 1, movementId: 'm2', leg: 'native', asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: '25', usdValue: null, at: NOW };
    const mixer = { ...sink, to: '0x' + 'c'.repeat(40), label: 'Tornado Cash', category: 'mixer' as const, amount: '5', movementId: 'm3', from: a.address, fromHop: 1 };
    const totals = buildIncidentTotals('test-hack', [a, b], [sink, mixer]);
    expect(totals).toEqual({ incident: 'test-hack', stolen: { ETH: '1000' }, stillHeld: { ETH: '70' }, toExchanges: [{ exchange: 'Binance 14', amounts: { ETH: '25' } }], toMixers: { ETH: '5' }, toBridges: {}, activeEntries: 2, maxHop: 2 });
    const trail = buildIncidentTrail('test-hack', [a, b], [sink]);
    expect(trail.nodes.map((n) => [n.address, n.hop])).toEqual([[a.path[0], 0], [a.address, 1], [b.address, 2], [sink.to, null]]);
    expect(trail.edges.map((e) => [e.from, e.to])).toEqual([[a.provenance.parentAddress, a.address], [a.address, b.address], [b.address, sink.to]]);
    const pack = parse(buildTagpack({ incident: 'test-hack', entries: [a, b], currencyOf: () => 'ETH', creator: 'chainwatch', lastmod: NOW })) as { title: string; tags: { address: string; currency: string; label: string; context: string }[] };
    expect(pack.tags.map((t) => [t.address, t.currency, t.label])).toEqual([[a.address, 'ETH', 'Exploiter (followed, hop 1)'], [b.address, 'ETH', 'Exploiter (followed, hop 2)']]);
    expect(JSON.parse(pack.tags[1]!.context)).toMatchObject({ hop: 2, parent: a.address, txHash: '0x01', amount: '30', rule: 'min-amount', path: b.path });
  });

  it('shipped labels win over runtime guesses', () => {
    const shipped: AddressLabel = { chain: CHAIN, address: '0x1', label: 'Binance', category: 'exchange', source: 's' };
    const guess: AddressLabel = { ...shipped, label: 'guess', category: 'exchange-deposit' };
    const book = combineLabelBooks({ size: 1, lookup: (_c, k) => (k === 'a' ? shipped : undefined) }, { size: 2, lookup: () => guess });
    expect(book.lookup(CHAIN, 'a')).toBe(shipped);
    expect(book.lookup(CHAIN, 'b')).toBe(guess);
    expect(book.size).toBe(3);
  });
});
