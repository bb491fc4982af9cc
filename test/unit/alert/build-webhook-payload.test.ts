import { describe, expect, it } from 'vitest';
import { buildWebhookPayload } from '../../../src/core/alert/build-webhook-payload.js';
import { RONIN, STAKE, btcOut, erc20In, evmNativeOut } from './movements.js';

const AT = new Date('2024-05-01T12:00:00.000Z');

describe('buildWebhookPayload', () => {
  it('builds the issue #2 body (plus #7 txFrom and #8 enrichment) for an EVM native transfer, field for field and in order', () => {
    const m = evmNativeOut();
    const body = JSON.stringify(buildWebhookPayload(m, AT));
    const expected = {
      type: 'movement.detected',
      timestamp: '2024-05-01T12:00:00.000Z',
      data: {
        id: m.id,
        chain: 'ethereum',
        direction: 'out',
        kind: 'native',
        txHash: m.txHash,
        blockNumber: 19000000,
        blockHash: m.blockHash,
        logIndex: null,
        from: RONIN.address,
        to: '0x8589427373D6D84E98730D7795D8f6f8731FDA16',
        asset: { contract: null, symbol: 'ETH', decimals: 18, known: true },
        amount: '1500000000000000000',
        tokenId: null,
        watchlist: [{ address: RONIN.address, label: RONIN.label, incident: 'ronin-2022', source: RONIN.source, tags: ['lazarus', 'dprk'], hop: 0 }],
        confirmations: 3,
        txFrom: null,
        severity: 'medium',
        usdValue: null,
        spoofed: false,
      },
    };
    expect(body).toBe(JSON.stringify(expected));
  });

  it('carries the token contract and log index for ERC-20 and the token id for NFTs', () => {
    const p = buildWebhookPayload(erc20In(), AT).data;
    expect(p).toMatchObject({ kind: 'erc20', direction: 'in', logIndex: 7, amount: '250000000', asset: { contract: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', symbol: 'USDC', decimals: 6 } });
    expect(p).not.toHaveProperty('vout');
    const nft = buildWebhookPayload(erc20In({ kind: 'erc721', tokenId: 7n, amount: 1n }), AT).data;
    expect(nft.tokenId).toBe('7');
  });

  it('adds tracePosition for internal transfers only', () => {
    expect(buildWebhookPayload(evmNativeOut({ kind: 'internal', tracePosition: '0.2.1' }), AT).data.tracePosition).toBe('0.2.1');
    expect(buildWebhookPayload(evmNativeOut(), AT).data).not.toHaveProperty('tracePosition');
  });

  it('gives Bitcoin movements vout/vin, address lists, fee and outputs, and a null logIndex', () => {
    const p = buildWebhookPayload(btcOut(), AT).data;
    expect(p).toMatchObject({
      chain: 'bitcoin',
      kind: 'btc',
      logIndex: null,
      vout: [],
      vin: [0, 2],
      from: [STAKE.address],
      to: ['bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
      amount: '50000000',
      fee: '12345',
      outputs: [
        { vout: 0, address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', amount: '30000000' },
        { vout: 1, address: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', amount: '19987655' },
      ],
    });
    // A single-address side still becomes a list for Bitcoin.
    expect(buildWebhookPayload(btcOut({ from: STAKE.address, fee: null }), AT).data).toMatchObject({ from: [STAKE.address], fee: null });
  });

  it('reports a mempool sighting with null block and zero confirmations', () => {
    const p = buildWebhookPayload(btcOut({ blockNumber: null, blockHash: null, confirmations: 0 }), AT).data;
    expect(p).toMatchObject({ blockNumber: null, blockHash: null, confirmations: 0 });
  });
});
