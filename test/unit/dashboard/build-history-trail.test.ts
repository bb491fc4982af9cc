import { describe, expect, it } from 'vitest';
import { buildHistoryTotals } from '../../../src/core/dashboard/build-history-totals.js';
import { buildHistoryTrail } from '../../../src/core/dashboard/build-history-trail.js';
import { matchesMovementFilter, type DashboardMovement } from '../../../src/core/dashboard/dashboard-movement.js';
import type { WatchlistEntry } from '../../../src/core/watchlist.js';

const LISTED = '0x00000000000000000000000000000000000000A1';
const HOP1 = '0x00000000000000000000000000000000000000B1';
const HOP2 = '0x00000000000000000000000000000000000000C1';
const EXCHANGE = '0x00000000000000000000000000000000000000E1';
const PLAIN = '0x00000000000000000000000000000000000000F1';

const entry: WatchlistEntry = { chain: 'ethereum', address: LISTED, matchKey: LISTED.toLowerCase(), label: 'Hacker', incident: 'heist', source: 's', tags: [], enabled: true, file: 'w.yaml', line: 1 };

function out(from: { address: string; hop: number; via?: string }, to: string, amount: string, extra: Partial<DashboardMovement> = {}): DashboardMovement {
  return {
    key: `${from.address}-${to}-${amount}`, id: 'id', at: '2026-01-01T00:00:00.000Z', chain: 'ethereum', direction: 'out', kind: 'native', event: 'movement.detected', txHash: '0xtx', blockNumber: 1,
    from: [from.address], to: [to], asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount, tokenId: null, severity: 'high', usdValue: null, spoofed: false,
    watchedAddress: from.address.toLowerCase(),
    watchlist: [{ address: from.address, label: from.hop === 0 ? 'Hacker' : `hop ${from.hop}`, incident: 'heist', hop: from.hop, ...(from.via !== undefined ? { via: { address: from.via, txHash: '0xparent' } } : {}) }],
    counterparty: null, confirmations: 1, ...extra,
  };
}

describe('buildHistoryTrail', () => {
  const movements = [
    out({ address: LISTED, hop: 0 }, HOP1, '5'),
    out({ address: LISTED, hop: 0 }, HOP1, '7'),
    out({ address: HOP1, hop: 1, via: LISTED }, HOP2, '3'),
    out({ address: HOP2, hop: 2, via: HOP1 }, EXCHANGE, '2', { counterparty: { label: 'Big Exchange', category: 'exchange', address: EXCHANGE }, usdValue: '6000.00' }),
    out({ address: HOP2, hop: 2, via: HOP1 }, PLAIN, '1', { spoofed: true }),
  ];
  const trail = buildHistoryTrail('heist', [entry], movements);

  it('places listed wallets at hop 0, followed entries at their hop and labelled counterparties as sinks', () => {
    const hops = Object.fromEntries(trail.nodes.map((n) => [n.address, n.hop]));
    expect(hops).toEqual({ [LISTED]: 0, [HOP1]: 1, [HOP2]: 2, [EXCHANGE]: null });
    expect(trail.nodes.find((n) => n.address === EXCHANGE)?.counterparty?.category).toBe('exchange');
  });

  it('adds up amounts per edge and leaves forged legs out', () => {
    expect(trail.edges.find((e) => e.from === LISTED && e.to === HOP1)?.amount).toBe('12');
    expect(trail.edges.some((e) => e.to === PLAIN)).toBe(false);
    expect(trail.edges).toHaveLength(3);
  });

  it('ignores other incidents', () => {
    expect(buildHistoryTrail('other', [entry], movements)).toEqual({ incident: 'other', nodes: [], edges: [] });
  });

  it('totals what left listed wallets and what reached exchanges; USD unknown when nothing was valued', () => {
    const totals = buildHistoryTotals('heist', movements);
    expect(totals.stolen).toEqual({ ETH: '12' });
    expect(totals.toExchanges).toEqual([{ exchange: 'Big Exchange', amounts: { ETH: '2' } }]);
    expect(totals.usd?.toExchanges).toBe('6000.00');
    expect(totals.maxHop).toBe(2);
    expect(buildHistoryTotals('heist', movements.slice(0, 2)).usd).toBeUndefined();
  });
});

describe('matchesMovementFilter', () => {
  const m = out({ address: LISTED, hop: 0 }, HOP1, '5', { severity: 'medium' });
  it('matches on every given field and compares addresses case-insensitively', () => {
    expect(matchesMovementFilter(m, {})).toBe(true);
    expect(matchesMovementFilter(m, { minSeverity: 'medium', direction: 'out', chain: 'ethereum', incident: 'heist', address: HOP1.toLowerCase() })).toBe(true);
    expect(matchesMovementFilter(m, { minSeverity: 'high' })).toBe(false);
    expect(matchesMovementFilter(m, { incident: 'other' })).toBe(false);
    expect(matchesMovementFilter(m, { address: PLAIN })).toBe(false);
  });
});
