import { describe, expect, it } from 'vitest';
import { formatConfigProblem } from '../../../src/config/config-error.js';
import { checkSettingsText } from '../../../src/config/load-settings.js';

const BASE = `chains:
  ethereum: { kind: evm, rpcUrls: ["http://127.0.0.1:8545"] }
email:
  smtpUrl: smtp://127.0.0.1:2525
  from: a@example.com
  to: [b@example.com]
`;

describe('config: prices, tokens, alerts, email.routes', () => {
  it('accepts the issue #8 interface and fills defaults', () => {
    const text = `${BASE}  routes:
    - { match: { severity: [critical] }, to: [oncall@example.com], continue: true }
prices:
  ETH:  { chain: ethereum, chainlinkFeed: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419", heartbeatSeconds: 3600 }
  USDT: { usd: "1" }
tokens:
  ethereum:
    - { address: "0xdAC17F958D2ee523a2206206994597C13D831ec7", symbol: USDT, decimals: 6 }
alerts:
  rules:
    - { match: { direction: out, minUsd: "100000" }, severity: critical }
    - { match: { token: unknown }, severity: info }
    - { match: { maxUsd: 1 }, severity: info }
`;
    const r = checkSettingsText(text, 'chainwatch.yaml', {});
    expect(r.problems).toEqual([]);
    const s = r.settings!;
    expect(s.alerts?.email).toEqual({ minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 30000, groupIntervalMs: 300000 });
    expect(s.alerts?.rules[0]).toEqual({ match: { direction: ['out'], minUsd: '100000' }, severity: 'critical' });
    expect(s.alerts?.rules[2]?.match.maxUsd).toBe('1');
    expect(s.prices?.['ETH']).toMatchObject({ chain: 'ethereum', heartbeatSeconds: 3600 });
    expect(s.email?.routes?.[0]).toEqual({ match: { severity: ['critical'] }, to: ['oncall@example.com'], continue: true });
  });

  it('lifecycle emails (issue #10): alerts.email.events and email.routes[].events, checked at file:line', () => {
    const text = `${BASE}  routes:
    - { match: { severity: [critical] }, to: [oncall@example.com], events: [movement.detected, movement.confirmed] }
alerts:
  email:
    events: [movement.detected, movement.reorged]
`;
    const r = checkSettingsText(text, 'chainwatch.yaml', {});
    expect(r.problems).toEqual([]);
    expect(r.settings!.email?.routes?.[0]?.events).toEqual(['movement.detected', 'movement.confirmed']);
    expect(r.settings!.alerts?.email.events).toEqual(['movement.detected', 'movement.reorged']);
    const bad = `${BASE}  routes:
    - { match: { severity: [critical] }, to: [oncall@example.com], events: [movement.retracted] }
alerts:
  email:
    events: []
`;
    expect(checkSettingsText(bad, 'chainwatch.yaml', {}).problems.map(formatConfigProblem)).toEqual([
      expect.stringMatching(/^chainwatch\.yaml:8:\d+: email\.routes\[0\]\.events\[0\]: must be one of "movement\.detected", "movement\.reorged", "movement\.confirmed", "movement\.dropped"/),
      expect.stringMatching(/^chainwatch\.yaml:11:\d+: alerts\.email\.events: list at least one event type/),
    ]);
  });

  it('reports each problem at its file:line', () => {
    const text = `${BASE}  routes:
    - { match: { severity: [critical] }, to: [] }
prices:
  ETH: { chain: ethereum, chainlinkFeed: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8418" }
  USDT: { usd: "1,0" }
alerts:
  rules:
    - { severity: high }
    - { match: { minAmount: { ETH: "1e3" } }, severity: urgent }
`;
    const lines = checkSettingsText(text, 'chainwatch.yaml', {}).problems.map(formatConfigProblem);
    expect(lines).toEqual([
      'chainwatch.yaml:8:42: email.routes[0].to: a route needs at least one recipient in to',
      'chainwatch.yaml:10:42: prices.ETH.chainlinkFeed: bad EIP-55 checksum, expected 0x5F4Ec3DF9CbD43714fe2740F5e3616155c5b8418',
      'chainwatch.yaml:11:16: prices.USDT.usd: must be a non-negative decimal number like "100000" or "0.5"',
      'chainwatch.yaml:14:7: alerts.rules[0].match: required key is missing',
      'chainwatch.yaml:15:36: alerts.rules[1].match.minAmount.ETH: must be a non-negative decimal number like "100000" or "0.5"',
      'chainwatch.yaml:15:57: alerts.rules[1].severity: must be one of "info", "low", "medium", "high", "critical"',
    ]);
  });

  it('a feed must be read through a configured evm chain; an empty match is refused', () => {
    const text = `${BASE}prices:
  DAI: { chain: polygon, chainlinkFeed: "0xAed0c38402a5d19df6E4c03F4E2DceD6e29c1ee9" }
`;
    expect(checkSettingsText(text, 'c.yaml', {}).problems.map(formatConfigProblem)).toEqual([
      'c.yaml:8:17: prices.DAI.chain: "polygon" is not an evm chain in chains: the feed is read through that chain\'s RPC',
    ]);
    const empty = `${BASE}alerts:\n  rules:\n    - { match: {}, severity: info }\n`;
    expect(checkSettingsText(empty, 'c.yaml', {}).problems.map((p) => p.message)[0]).toMatch(/^a match needs at least one condition/);
  });
});
