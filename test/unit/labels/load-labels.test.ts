import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatConfigProblem } from '../../../src/config/config-error.js';
import { checkLabels } from '../../../src/config/load-labels.js';
import type { KnownChain } from '../../../src/config/load-settings.js';
import { buildLabelBook } from '../../../src/core/labels/build-label-book.js';
import { normalizeBitcoinAddress } from '../../../src/core/address/normalize-bitcoin-address.js';

const CHAINS = new Map<string, KnownChain>([
  ['ethereum', { kind: 'evm' }],
  ['bitcoin', { kind: 'bitcoin', network: 'mainnet' }],
  ['tron', { kind: 'tron' }],
]);
const SHIPPED = new URL('../../../config', import.meta.url).pathname;
const dirs: string[] = [];

function labelDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chainwatch-labels-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'labels'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'labels', name), text);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const BINANCE_14 = '0x28C6c06298d514Db089934071355E5743bf21d60';
const ISSUE_LINE = `labels:\n  - { chain: ethereum, address: "${BINANCE_14}", label: Binance 14, category: exchange, source: https://etherscan.io/address/0x28c6c06298d514db089934071355e5743bf21d60 }\n`;

describe('config/labels/*.yaml', () => {
  it('reads the file exactly as the issue writes it: lookup by the watchlist match key (lowercase hex) gives the label', async () => {
    const check = await checkLabels(labelDir({ 'exchanges.yaml': ISSUE_LINE }), CHAINS);
    expect(check.problems).toEqual([]);
    const book = buildLabelBook(check.labels.map((l) => ({ matchKey: l.matchKey, label: l })));
    expect(book.size).toBe(1);
    expect(book.lookup('ethereum', BINANCE_14.toLowerCase())).toMatchObject({ chain: 'ethereum', address: BINANCE_14, label: 'Binance 14', category: 'exchange' });
    expect(book.lookup('ethereum', BINANCE_14)).toBeUndefined();
    expect(book.lookup('bsc', BINANCE_14.toLowerCase())).toBeUndefined();
  });

  it('the shipped label files load without a problem, and every category the issue stops at is there', async () => {
    const check = await checkLabels(SHIPPED, CHAINS);
    expect(check.problems).toEqual([]);
    expect(check.files.length).toBe(readdirSync(join(SHIPPED, 'labels')).length);
    const byCategory = new Map<string, number>();
    for (const l of check.labels) byCategory.set(l.category, (byCategory.get(l.category) ?? 0) + 1);
    for (const c of ['exchange', 'exchange-deposit', 'mixer', 'bridge', 'dex-router', 'ofac-service', 'burn']) expect(byCategory.get(c) ?? 0).toBeGreaterThan(0);
    const book = buildLabelBook(check.labels.map((l) => ({ matchKey: l.matchKey, label: l })));
    expect(book.lookup('ethereum', BINANCE_14.toLowerCase())?.label).toBe('Binance 14');
    // Tornado Cash 100 ETH pool (tornado-cash.csv): a mixer.
    expect(book.lookup('ethereum', '0xa160cdab225685da1d56aa342ad8841c3b53f291')).toMatchObject({ category: 'mixer', label: 'Tornado.Cash: 100 ETH' });
    // Exchanges' published reserve wallets on other chains (GraphSense TagPacks), keyed by scriptPubKey on Bitcoin.
    expect(book.lookup('bitcoin', normalizeBitcoinAddress('bc1q2qqqt87kh33s0er58akh7v9cwjgd83z5smh9rp', 'mainnet').matchKey)).toMatchObject({ label: 'Bybit reserve wallets', category: 'exchange' });
    // Every source cites where the label was read.
    expect(check.labels.every((l) => /^https:\/\//.test(l.source))).toBe(true);
  });

  it('reports every problem as file:line:col: field: message, and loads nothing from a broken entry', async () => {
    const text = [
      'labels:',
      '  - { chain: ethereum, address: "0x28c6c06298d514db089934071355e5743bf21D60", label: Binance 14, category: exchange, source: https://etherscan.io }',
      '  - { chain: ethereum, address: "0x0000000000000000000000000000000000000001", label: One, category: casino, source: https://etherscan.io }',
      '  - { chain: ethereum, address: "0x0000000000000000000000000000000000000002", label: Two, category: burn }',
      '  - { chain: etherum, address: "0x0000000000000000000000000000000000000003", label: Three, category: burn, source: https://etherscan.io }',
      '  - { chain: bitcoin, address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", label: Testnet, category: exchange, source: https://example.org }',
      '  - { chain: ethereum, address: "0x0000000000000000000000000000000000000004", label: Four, category: burn, source: not-a-url }',
      '  - { chain: ethereum, address: "0x0000000000000000000000000000000000000004", label: Four again, category: burn, source: https://etherscan.io }',
      '',
    ].join('\n');
    const check = await checkLabels(labelDir({ 'broken.yaml': text }), CHAINS);
    const lines = check.problems.map(formatConfigProblem).map((l) => l.replace(/^.*broken\.yaml/, 'broken.yaml'));
    expect(lines).toEqual([
      expect.stringMatching(/^broken\.yaml:2:\d+: labels\[0\]\.address: bad EIP-55 checksum, expected 0x28C6c06298d514Db089934071355E5743bf21d60$/),
      expect.stringMatching(/^broken\.yaml:3:\d+: labels\[1\]\.category: must be one of "exchange", "exchange-deposit", "mixer"/),
      expect.stringMatching(/^broken\.yaml:4:\d+: labels\[2\]\.source: required key is missing$/),
      expect.stringMatching(/^broken\.yaml:5:\d+: labels\[3\]\.chain: unknown chain "etherum"/),
      expect.stringMatching(/^broken\.yaml:6:\d+: labels\[4\]\.address: .*testnet/i),
      expect.stringMatching(/^broken\.yaml:7:\d+: labels\[5\]\.source: source must be the http\(s\) URL the label comes from$/),
    ]);
    // The one valid label (line 8) is kept: its duplicate at line 7 was rejected before it counted.
    expect(check.labels.map((l) => l.label)).toEqual(['Four again']);
  });

  it('a second entry for the same address in one file is an error naming the first line', async () => {
    const text = `${ISSUE_LINE}  - { chain: ethereum, address: "${BINANCE_14.toLowerCase()}", label: Binance hot, category: exchange, source: https://etherscan.io }\n`;
    const check = await checkLabels(labelDir({ 'dup.yaml': text }), CHAINS);
    expect(check.problems.map(formatConfigProblem)).toEqual([expect.stringMatching(/dup\.yaml:3:\d+: labels\[1\]\.address: duplicate address on ethereum, first labelled in the entry at line 2$/)]);
  });

  it('across files the one later in name order wins, with a warning naming both places; an identical repeat is silent', async () => {
    const other = `labels:\n  - { chain: ethereum, address: "${BINANCE_14}", label: My deposit desk, category: exchange-deposit, source: https://example.org/ours }\n`;
    const check = await checkLabels(labelDir({ 'a-shipped.yaml': ISSUE_LINE, 'zz-local.yaml': other, 'b-same.yaml': ISSUE_LINE }), CHAINS);
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toMatchObject({ severity: 'warning', code: 'conflicting_label', field: 'labels[0].label', line: 2 });
    expect(check.problems[0]!.file).toMatch(/zz-local\.yaml$/);
    expect(check.problems[0]!.message).toMatch(/labelled "Binance 14" \(exchange\) in .*b-same\.yaml:2; this file sorts later and wins/);
    expect(check.labels).toHaveLength(1);
    expect(check.labels[0]).toMatchObject({ label: 'My deposit desk', category: 'exchange-deposit' });
  });

  it('normalises with the watchlist normalisers: Bitcoin by scriptPubKey (any address form), Tron by its 21-byte hex', async () => {
    const bybitBtc = 'bc1q2qqqt87kh33s0er58akh7v9cwjgd83z5smh9rp'; // Bybit reserve wallet (GraphSense TagPack, test/fixtures/tagpack)
    const text = [
      'labels:',
      `  - { chain: bitcoin, address: "${bybitBtc.toUpperCase()}", label: Bybit, category: exchange, source: https://blog.bybit.com/ }`,
      '  - { chain: tron, address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", label: USDT contract, category: service, source: https://tronscan.org/ }',
      '  - { chain: tron, address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T", label: typo, category: service, source: https://tronscan.org/ }',
      '',
    ].join('\n');
    const check = await checkLabels(labelDir({ 'x.yaml': text }), CHAINS);
    expect(check.problems.map((p) => `${p.field} ${p.code}`)).toEqual(['labels[2].address invalid_tron_address']);
    const book = buildLabelBook(check.labels.map((l) => ({ matchKey: l.matchKey, label: l })));
    expect(book.lookup('bitcoin', normalizeBitcoinAddress(bybitBtc, 'mainnet').matchKey)?.address).toBe(bybitBtc);
    expect(book.lookup('tron', '41a614f803b6fd780986a42c78ec9c7f77e6ded13c')?.label).toBe('USDT contract');
  });

  it('an unquoted 0x address (a hex integer to YAML) is read as written; a disabled file labels nothing; no directory is no labels', async () => {
    const unquoted = `labels:\n  - { chain: ethereum, address: 0x28c6c06298d514db089934071355e5743bf21d60, label: Binance 14, category: exchange, source: https://etherscan.io }\n`;
    const check = await checkLabels(labelDir({ 'a.yaml': unquoted, 'b.yaml': `enabled: false\n${ISSUE_LINE.replace('Binance 14', 'Other')}` }), CHAINS);
    expect(check.problems).toEqual([]);
    expect(check.labels.map((l) => [l.address, l.label])).toEqual([[BINANCE_14, 'Binance 14']]);
    const empty = mkdtempSync(join(tmpdir(), 'chainwatch-nolabels-'));
    dirs.push(empty);
    expect(await checkLabels(empty, CHAINS)).toEqual({ labels: [], files: [], problems: [] });
  });

  it('YAML syntax errors and a file that is not a mapping are reported at their line', async () => {
    const check = await checkLabels(labelDir({ 'a.yaml': 'labels:\n  - { chain: ethereum, address: "0x1"\n', 'b.yaml': '- just a list\n' }), CHAINS);
    expect(check.problems.map((p) => [p.file.replace(/^.*labels\//, ''), p.line, p.code])).toEqual([
      ['a.yaml', expect.any(Number), 'yaml_syntax'],
      ['b.yaml', 1, 'invalid_type'],
    ]);
  });
});
