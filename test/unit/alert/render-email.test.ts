import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../src/core/alert/render-email.js';
import { formatAmount, formatBaseUnits } from '../../../src/core/alert/format-amount.js';
import { RONIN, btcOut, erc20In, evmNativeOut } from './movements.js';

const opts = { subjectPrefix: '[chainwatch]', explorerUrl: 'https://etherscan.io/' };

describe('renderEmail', () => {
  it('names incident, label, direction, human amount and chain in the subject', () => {
    expect(renderEmail(evmNativeOut(), opts).subject).toBe('[chainwatch] ronin-2022 (Ronin Bridge exploiter): OUT 1.5 ETH on ethereum');
    expect(renderEmail(erc20In(), opts).subject).toBe('[chainwatch] ronin-2022 (Ronin Bridge exploiter): IN 250 USDC on ethereum');
  });

  it('puts chain, block, tx, from, to, amount, watchlist details, confirmations and the explorer link in both parts', () => {
    const m = evmNativeOut();
    const { text, html } = renderEmail(m, opts);
    for (const part of [text, html]) {
      expect(part).toContain('ethereum');
      expect(part).toContain('19000000');
      expect(part).toContain(m.txHash);
      expect(part).toContain(RONIN.address);
      expect(part).toContain('0x8589427373D6D84E98730D7795D8f6f8731FDA16');
      expect(part).toContain('1.5 ETH');
      expect(part).toContain('Ronin Bridge exploiter');
      expect(part).toContain('ronin-2022');
      expect(part).toContain(RONIN.source);
      expect(part).toContain('lazarus, dprk');
      expect(part).toContain(`https://etherscan.io/tx/${m.txHash}`);
    }
    expect(text).toMatch(/Confirmations: +3/);
    expect(html).toContain(`<a href="https://etherscan.io/tx/${m.txHash}">`);
  });

  it('leaves the explorer link out when the chain has none', () => {
    const { text, html } = renderEmail(evmNativeOut(), { subjectPrefix: '[chainwatch]' });
    expect(text).not.toContain('/tx/');
    expect(html).not.toContain('<a ');
  });

  it('says UNCONFIRMED in the subject and body of a mempool sighting', () => {
    const r = renderEmail(btcOut({ confirmations: 0, blockNumber: null, blockHash: null }), { subjectPrefix: '[chainwatch]', explorerUrl: 'https://mempool.space' });
    expect(r.subject).toBe('[chainwatch] UNCONFIRMED stake-2023 (Stake.com theft / laundering address): OUT 0.5 BTC on bitcoin (mempool)');
    expect(r.text).toContain('UNCONFIRMED');
    expect(r.text).toMatch(/Block: +pending/);
    expect(r.text).toContain(`https://mempool.space/tx/${'ef'.repeat(32)}`);
  });

  it('lists Bitcoin outputs and the fee', () => {
    const { text } = renderEmail(btcOut(), opts);
    expect(text).toMatch(/Fee: +0\.00012345 BTC/);
    expect(text).toContain('- vout 1: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy 0.19987655 BTC');
  });

  it('strips CR/LF from a hostile label so it cannot inject headers or forge lines', () => {
    const evil = { ...RONIN, label: 'Evil\r\nBcc: victim@example.com\r\n\r\nfake body', incident: 'x-2024' };
    const r = renderEmail(evmNativeOut({ watchlist: [evil] }), opts);
    expect(r.subject).not.toMatch(/[\r\n]/);
    expect(r.subject).toContain('Evil Bcc: victim@example.com fake body');
    expect(r.text.split('\n')).not.toContain('Bcc: victim@example.com');
    expect(r.html).not.toMatch(/Evil[\r\n]/);
  });

  it('HTML-escapes everything in the HTML part', () => {
    const evil = { ...RONIN, label: '<script>alert("x")</script>', tags: ['<b>&'], source: 'https://x.example/?a=1&b="2"' };
    const { html, text } = renderEmail(evmNativeOut({ watchlist: [evil] }), opts);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;&amp;');
    expect(html).toContain('https://x.example/?a=1&amp;b=&quot;2&quot;');
    // The text part stays readable.
    expect(text).toContain('<script>alert("x")</script>');
  });

  it('mentions further matching entries in the subject and lists every one in the body', () => {
    const second = { ...RONIN, label: 'OFAC SDN', incident: 'ofac-sdn', source: 'https://sanctionssearch.ofac.treas.gov/' };
    const r = renderEmail(evmNativeOut({ watchlist: [RONIN, second] }), opts);
    expect(r.subject).toContain('ronin-2022 (Ronin Bridge exploiter) +1 more');
    expect(r.text).toContain('OFAC SDN');
    expect(r.html).toContain('ofac-sdn');
  });
});

describe('formatAmount', () => {
  it('formats base units without floating point', () => {
    expect(formatBaseUnits(1n, 18)).toBe('0.000000000000000001');
    expect(formatBaseUnits(123_456_789_000_000_000_000_000_000n, 18)).toBe('123456789');
    expect(formatBaseUnits(5n, 0)).toBe('5');
    expect(formatBaseUnits(-1_500_000n, 6)).toBe('-1.5');
  });
  it('names NFTs by token id', () => {
    const base = erc20In();
    expect(formatAmount({ ...base, kind: 'erc721', amount: 1n, tokenId: 7n, asset: { contract: '0x1', symbol: 'BAYC', decimals: 0 } })).toBe('NFT #7 (BAYC)');
    expect(formatAmount({ ...base, kind: 'erc1155', amount: 3n, tokenId: 9n, asset: { contract: '0x1', symbol: '', decimals: 0 } })).toBe('3 x #9');
    expect(formatAmount({ ...base, kind: 'activity', amount: 0n })).toBe('activity');
  });
});
