import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/app/logger.js';
import { createMetrics } from '../../../src/app/metrics.js';
import { createMovementEnricher } from '../../../src/app/movement-enricher.js';
import { evmChainSchema, bitcoinChainSchema, type ChainConfig, type Settings } from '../../../src/config/schema.js';
import { DECIMALS_SELECTOR, LATEST_ROUND_DATA_SELECTOR } from '../../../src/core/enrich/decode-chainlink-round.js';
import { btcOut, evmNativeOut } from '../alert/movements.js';

const BTC_FEED = '0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c';
const ETH_FEED = '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419';
const word = (v: bigint) => v.toString(16).padStart(64, '0');
const NOW = 1_800_000_000;

function settings(): Settings {
  return {
    chains: new Map<string, ChainConfig>([
      ['ethereum', { ...evmChainSchema.parse({ kind: 'evm', rpcUrls: ['http://127.0.0.1:1'] }), id: 'ethereum' }],
      ['bitcoin', { ...bitcoinChainSchema.parse({ kind: 'bitcoin', network: 'mainnet', esploraUrl: 'http://127.0.0.1:1' }), id: 'bitcoin' }],
    ]),
    email: undefined,
    webhooks: [],
    api: { port: 0, host: '127.0.0.1' },
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'x' },
    reloadIntervalMs: 2000,
    prices: {
      BTC: { chain: 'ethereum', chainlinkFeed: BTC_FEED, heartbeatSeconds: 3600 },
      ETH: { chain: 'ethereum', chainlinkFeed: ETH_FEED, heartbeatSeconds: 3600 },
    },
    tokens: {},
    alerts: { rules: [{ match: { direction: ['out'], minUsd: '100000' }, severity: 'critical' }], email: { minSeverity: 'low', groupBy: ['incident'], groupWaitMs: 0, groupIntervalMs: 0 } },
  };
}

describe('movement enricher (app)', () => {
  it('prices a Bitcoin movement from the BTC/USD feed on Ethereum, reading each feed once per step', async () => {
    const calls: string[] = [];
    let updatedAt = NOW - 60;
    const enricher = createMovementEnricher({
      settings: settings(),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      nowSeconds: () => NOW,
      ethCallFor: (chainId) => async (to, data) => {
        calls.push(`${chainId}:${to}:${data}`);
        if (data === DECIMALS_SELECTOR) return `0x${word(8n)}`;
        if (data === LATEST_ROUND_DATA_SELECTOR) {
          const answer = to === BTC_FEED ? 60_000n * 10n ** 8n : 3_000n * 10n ** 8n;
          return `0x${[1n, answer, BigInt(updatedAt), BigInt(updatedAt), 1n].map(word).join('')}`;
        }
        throw new Error('unexpected call');
      },
    });
    enricher.reset();
    const [btc] = await enricher.enrich([btcOut({ amount: 250_000_000n })]);
    const [eth1, eth2] = await enricher.enrich([evmNativeOut(), evmNativeOut({ id: 'other' })]);
    expect(btc!.enrichment).toEqual({ severity: 'critical', usdValue: '150000.00', assetKnown: true, spoofed: false });
    expect(eth1!.enrichment?.usdValue).toBe('4500.00');
    expect(eth2!.enrichment?.usdValue).toBe('4500.00');
    expect(calls.filter((c) => c.endsWith(LATEST_ROUND_DATA_SELECTOR))).toEqual([`ethereum:${BTC_FEED}:${LATEST_ROUND_DATA_SELECTOR}`, `ethereum:${ETH_FEED}:${LATEST_ROUND_DATA_SELECTOR}`]);

    // Next step: read again; now the feed is stale, so the value is unknown (not the old price).
    enricher.reset();
    updatedAt = NOW - 3601;
    const [stale] = await enricher.enrich([btcOut()]);
    expect(stale!.enrichment?.usdValue).toBeNull();
    expect(calls.filter((c) => c.endsWith(LATEST_ROUND_DATA_SELECTOR))).toHaveLength(3);
    // decimals() is read once per feed, ever.
    expect(calls.filter((c) => c.endsWith(DECIMALS_SELECTOR))).toHaveLength(2);
  });

  it('a failed feed read leaves the value unknown', async () => {
    const enricher = createMovementEnricher({
      settings: settings(),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      nowSeconds: () => NOW,
      ethCallFor: () => () => Promise.reject(new Error('connection refused')),
    });
    const [m] = await enricher.enrich([evmNativeOut()]);
    expect(m!.enrichment).toMatchObject({ usdValue: null, assetKnown: true, severity: 'medium' });
  });
});
