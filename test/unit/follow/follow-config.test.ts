import { describe, expect, it } from 'vitest';
import { formatConfigProblem } from '../../../src/config/config-error.js';
import { checkSettingsText } from '../../../src/config/load-settings.js';
import { loadSettings } from '../../../src/config/load-settings.js';

const BASE = `chains:
  ethereum: { kind: evm, rpcUrls: ["http://127.0.0.1:8545"] }
webhooks: []
subscriptions: {}
`;

describe('config: follow (issue #11)', () => {
  it('accepts the interface exactly as the issue writes it and fills the defaults', () => {
    const r = checkSettingsText(`${BASE}follow:
  enabled: true
  maxHops: 4
  minAmount: { ETH: "1", BTC: "0.05", USDT: "5000" }
  minFraction: "0.01"
  idleDays: 30
`, 'chainwatch.yaml', {});
    expect(r.problems).toEqual([]);
    expect(r.settings?.follow).toEqual({
      enabled: true, maxHops: 4, minAmount: { ETH: '1', BTC: '0.05', USDT: '5000' }, minFraction: '0.01', idleDays: 30,
      maxPeelSteps: 500, maxPerTransaction: 50, maxPerIncident: 10_000, depositForwardFraction: '0.9', depositWindowBlocks: 5000, maxRoundsPerBlock: 32, sweepIntervalMs: 3_600_000,
    });
  });

  it('is off when the section is absent', () => {
    expect(checkSettingsText(BASE, 'chainwatch.yaml', {}).settings?.follow).toBeUndefined();
  });

  it('reports each problem at file:line:field: maxHops above the hard cap of 10, numbers where decimal strings belong, a fraction above 1, unknown keys', () => {
    const r = checkSettingsText(`${BASE}follow:
  maxHops: 11
  minAmount: { ETH: 1 }
  minFraction: "1.5"
  maxHopz: 3
`, 'chainwatch.yaml', {});
    const lines = r.problems.map(formatConfigProblem);
    expect(r.settings).toBeUndefined();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^chainwatch\.yaml:6:.*follow\.maxHops.*hard cap/),
        expect.stringMatching(/^chainwatch\.yaml:7:.*follow\.minAmount\.ETH/),
        expect.stringMatching(/^chainwatch\.yaml:8:.*follow\.minFraction.*between 0 and 1/),
        expect.stringMatching(/^chainwatch\.yaml:9:.*maxHopz/),
      ]),
    );
  });

  it('the shipped config enables following with thresholds for the shipped chains\' coins', async () => {
    const settings = await loadSettings(new URL('../../../config', import.meta.url).pathname, { SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect(settings.follow).toMatchObject({ enabled: true, maxHops: 4, minFraction: '0.01', idleDays: 30 });
    expect(Object.keys(settings.follow!.minAmount)).toEqual(expect.arrayContaining(['ETH', 'BTC', 'USDT', 'USDC', 'TRX']));
  });
});
