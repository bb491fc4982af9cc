import { readFileSync } from 'node:fs';
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertsSchema } from '../../../src/config/alerts-schema.js';
import { checkLabels } from '../../../src/config/load-labels.js';
import type { KnownChain } from '../../../src/config/load-settings.js';
import { buildWebhookPayload } from '../../../src/core/alert/build-webhook-payload.js';
import { parseWebhookData } from '../../../src/core/alert/parse-webhook-data.js';
import { renderDigest } from '../../../src/core/alert/render-digest.js';
import type { SeverityRule } from '../../../src/core/enrich/alert-match.js';
import { enrichMovement, factsOfEnriched, type EnrichContext } from '../../../src/core/enrich/enrich-movement.js';
import { findCounterparty } from '../../../src/core/enrich/find-counterparty.js';
import { matchAlert } from '../../../src/core/enrich/match-alert.js';
import { buildTokenIndex } from '../../../src/core/enrich/token-index.js';
import { normalizeEvmBlock } from '../../../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../../../src/core/evm/normalize-evm-receipts.js';
import { matchEvmBlock } from '../../../src/core/evm/match-evm-block.js';
import type { AddressLabel, LabelBook } from '../../../src/core/labels/address-label.js';
import { buildLabelBook } from '../../../src/core/labels/build-label-book.js';
import { labelMatchKey } from '../../../src/core/labels/label-match-key.js';
import { parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import type { Movement } from '../../../src/core/movement.js';
import { matchSubscription } from '../../../src/core/route/match-subscription.js';
import { btcOut, evmNativeOut, RONIN, STAKE } from '../alert/movements.js';
import { CHAIN, rpcTestResult, watchlistOf } from '../evm/fixtures.js';

const CONFIG = new URL('../../../config/', import.meta.url);
const CHAINS = new Map<string, KnownChain>([
  ['ethereum', { kind: 'evm' }],
  ['bitcoin', { kind: 'bitcoin', network: 'mainnet' }],
]);
/** The shipped severity rules, read from config/chainwatch.yaml as the loader would. */
const SHIPPED_RULES = alertsSchema.parse((parse(readFileSync(new URL('chainwatch.yaml', CONFIG), 'utf8')) as { alerts: unknown }).alerts).rules as SeverityRule[];
const shippedBook = async (): Promise<LabelBook> => {
  const check = await checkLabels(CONFIG.pathname, CHAINS);
  expect(check.problems).toEqual([]);
  return buildLabelBook(check.labels.map((l) => ({ matchKey: l.matchKey, label: l })));
};
const matchKeyOf = (chain: string, address: string): string | undefined => labelMatchKey(CHAINS.get(chain) ?? { kind: 'none' }, address);
const ctx = (book: LabelBook | undefined, over: Partial<EnrichContext> = {}): EnrichContext => ({
  tokens: buildTokenIndex([{ chain: 'ethereum', address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', symbol: 'WETH', decimals: 18 }]),
  prices: new Map(),
  rules: SHIPPED_RULES,
  labels: book === undefined ? undefined : { book, matchKeyOf },
  ...over,
});

describe('counterparty on real mainnet blocks, with the shipped labels and rules', () => {
  it('block 16,000,000: a wallet paying OKX 3 (an OKX hot wallet) alerts with data.counterparty and the exchange severity, critical', async () => {
    const block = { ...normalizeEvmBlock(rpcTestResult('eth_getBlockByNumber/test_02.json')), logs: [], internalTransfers: null, txStatus: null };
    const sender = '0xf6f2caa89a7302ee79b7e15d330b9dc83033d5bb';
    const [m] = matchEvmBlock(block, { chain: CHAIN, index: watchlistOf(sender), headNumber: 16_000_000, nativeSymbol: 'ETH' });
    expect(m).toMatchObject({ direction: 'out', kind: 'native', txHash: '0x564c86cabdd70762b5d7895cd09fe8bb58b978171c5a36c7d4ee39b07f258343' });
    const enriched = enrichMovement(m!, ctx(await shippedBook()));
    const okx3 = getAddress('0xa7efae728d2936e78bda97dc267687568dd593f3');
    expect(enriched.counterparty).toEqual({ label: 'OKX 3', category: 'exchange', address: okx3 });
    expect(enriched.enrichment?.severity).toBe('critical');
    // Without labels the same outflow is only `high` (rule "any other outflow"): the label is what made it critical.
    const unlabelled = enrichMovement(m!, ctx(undefined));
    expect(unlabelled.counterparty).toBeUndefined();
    expect(unlabelled.enrichment?.severity).toBe('high');
    // The webhook carries it as data.counterparty: {label, category, address}.
    expect(buildWebhookPayload(enriched, new Date(0)).data.counterparty).toEqual({ label: 'OKX 3', category: 'exchange', address: okx3 });
    expect('counterparty' in buildWebhookPayload(unlabelled, new Date(0)).data).toBe(false);
  });

  it('block 18,000,000 with its receipts: WETH sent into the Synapse bridge is a bridge counterparty (severity high); a token leg whose other side is unlabelled has none', async () => {
    const normalized = normalizeEvmBlock(rpcTestResult('eth_getBlockByNumber/test_08.json'));
    const receipts = normalizeEvmReceipts(rpcTestResult('eth_getBlockReceipts/test_02.json'), normalized.header);
    const block = { ...normalized, logs: receipts.logs, internalTransfers: null, txStatus: receipts.txStatus };
    const depositor = '0x7e7a0e201fd38d3adaa9523da6c109a07118c96a';
    const ms = matchEvmBlock(block, { chain: CHAIN, index: watchlistOf(depositor), headNumber: 18_000_000, nativeSymbol: 'ETH' });
    const book = await shippedBook();
    const enriched = ms.map((m) => enrichMovement(m, ctx(book)));
    const toBridge = enriched.find((m) => m.txHash === '0x74c872dd23d2f4c979659c275a603dde518c25750cf6e2be35695702a0cf88ce' && m.kind === 'erc20')!;
    expect(toBridge).toMatchObject({ direction: 'out', asset: { symbol: 'WETH' }, counterparty: { label: 'Synapse: Bridge', category: 'bridge' } });
    expect(toBridge.enrichment?.severity).toBe('high');
    expect(matchAlert({ counterpartyCategory: ['bridge'] }, factsOfEnriched(toBridge))).toBe(true);
    expect(matchAlert({ counterpartyCategory: ['exchange'] }, factsOfEnriched(toBridge))).toBe(false);
  });
});

const label = (over: Partial<AddressLabel>): AddressLabel => ({ chain: 'ethereum', address: '', label: 'x', category: 'exchange', source: 'https://etherscan.io', ...over });

describe('findCounterparty', () => {
  const tornado = '0x8589427373D6D84E98730D7795D8f6f8731FDA16'; // evmNativeOut's recipient
  const book = buildLabelBook([{ matchKey: tornado.toLowerCase(), label: label({ address: tornado, label: 'Tornado.Cash: Donate', category: 'mixer' }) }]);

  it('out: the recipient; in: the sender; self or unlabelled: none', () => {
    expect(findCounterparty(evmNativeOut(), book, matchKeyOf)).toEqual({ label: 'Tornado.Cash: Donate', category: 'mixer', address: tornado });
    expect(findCounterparty(evmNativeOut({ direction: 'in', from: tornado, to: RONIN.address }), book, matchKeyOf)?.category).toBe('mixer');
    expect(findCounterparty(evmNativeOut({ direction: 'in' }), book, matchKeyOf)).toBeUndefined();
    expect(findCounterparty(evmNativeOut({ direction: 'self' }), book, matchKeyOf)).toBeUndefined();
    expect(findCounterparty(evmNativeOut({ to: 'not an address' }), book, matchKeyOf)).toBeUndefined();
  });

  it('Bitcoin out: the largest labelled output that is not change back to the watched address', () => {
    const bybit = 'bc1q2qqqt87kh33s0er58akh7v9cwjgd83z5smh9rp';
    const bybitLegacy = '1GrwDkr33gT6LuumniYjKEGjTLhsL5kmqC';
    const btcBook = buildLabelBook(
      [bybit, bybitLegacy, STAKE.address].map((a) => ({ matchKey: matchKeyOf('bitcoin', a)!, label: label({ chain: 'bitcoin', address: a, label: a === STAKE.address ? 'never' : `Bybit ${a.slice(0, 4)}` }) })),
    );
    const m = btcOut({
      outputs: [
        { vout: 0, address: STAKE.address, amount: 90_000_000n },
        { vout: 1, address: bybitLegacy, amount: 10_000_000n },
        { vout: 2, address: bybit.toUpperCase(), amount: 30_000_000n },
        { vout: 3, address: null, amount: 0n },
      ],
    });
    expect(findCounterparty(m, btcBook, matchKeyOf)).toEqual({ label: 'Bybit bc1q', category: 'exchange', address: bybit.toUpperCase() });
  });
});

describe('data.counterparty travels through the queue, the webhook, email preview, subscriptions and the email', () => {
  const counterparty = { label: 'Binance 14', category: 'exchange', address: '0x28C6c06298d514Db089934071355E5743bf21d60' } as const;
  const m: Movement = { ...evmNativeOut({ to: counterparty.address }), counterparty, enrichment: { severity: 'critical', usdValue: null, assetKnown: true, spoofed: false } };

  it('movement job round trip keeps it; a job with a bad category is refused', () => {
    const job = serializeMovement(m);
    expect(JSON.parse(JSON.stringify(job)).movement.counterparty).toEqual(counterparty);
    expect(parseMovementJob(JSON.parse(JSON.stringify(job)))).toEqual(m);
    const bad = JSON.parse(JSON.stringify(job)) as { movement: { counterparty: { category: string } } };
    bad.movement.counterparty.category = 'casino';
    expect(() => parseMovementJob(bad)).toThrow(/counterparty/);
  });

  it('email preview reads it back from a webhook body', () => {
    const body = JSON.parse(JSON.stringify(buildWebhookPayload(m, new Date(0)))) as unknown;
    expect(parseWebhookData(body).counterparty).toEqual(counterparty);
  });

  it('tenant subscriptions filter on its category; an unlabelled movement never passes such a filter', () => {
    expect(matchSubscription(m, { counterpartyCategories: ['exchange', 'exchange-deposit'] }, 't1')).toHaveLength(1);
    expect(matchSubscription(m, { counterpartyCategories: ['mixer'] }, 't1')).toBeUndefined();
    const { counterparty: _, ...unlabelled } = m;
    expect(matchSubscription(unlabelled, { counterpartyCategories: ['exchange'] }, 't1')).toBeUndefined();
  });

  it('the email names it in the subject, the text and the HTML', () => {
    const r = renderDigest([{ movement: m, detectedAt: new Date(0) }], { subjectPrefix: '[chainwatch]', explorerUrls: new Map() });
    expect(r.subject).toContain('→ Binance 14 (exchange)');
    expect(r.text).toContain(`To: Binance 14 (exchange) ${counterparty.address}`);
    expect(r.html).toContain('<strong>Binance 14 (exchange)</strong>');
    // Labels come from imported lists: a label with CR/LF cannot forge a header or a line.
    const hostile = { ...m, counterparty: { ...counterparty, label: 'Evil\r\nBcc: x@example.org <b>' } };
    const h = renderDigest([{ movement: hostile, detectedAt: new Date(0) }], { subjectPrefix: '', explorerUrls: new Map() });
    expect(h.subject).not.toMatch(/[\r\n]/);
    expect(h.text).not.toContain('\r\nBcc');
    expect(h.html).not.toContain('<b>');
  });
});

describe('severity rules: counterpartyCategory', () => {
  it('is validated like every condition (one value or a list of known categories)', () => {
    expect(alertsSchema.safeParse({ rules: [{ match: { counterpartyCategory: 'exchange' }, severity: 'critical' }] }).success).toBe(true);
    const bad = alertsSchema.safeParse({ rules: [{ match: { counterpartyCategory: ['casino'] }, severity: 'critical' }] });
    expect(bad.success).toBe(false);
  });
  it('the shipped rules: exchange and exchange-deposit critical, mixer and bridge high, a forged transfer to an exchange stays info', () => {
    const book = buildLabelBook([{ matchKey: '0x28c6c06298d514db089934071355e5743bf21d60', label: label({ address: '0x28C6c06298d514Db089934071355E5743bf21d60', label: 'Binance 14' }) }]);
    const base = evmNativeOut({ to: '0x28C6c06298d514Db089934071355E5743bf21d60' });
    const severityFor = (category: AddressLabel['category'], over: Partial<Movement> = {}): string | undefined => {
      const b = buildLabelBook([{ matchKey: '0x28c6c06298d514db089934071355e5743bf21d60', label: label({ address: base.to as string, category }) }]);
      return enrichMovement({ ...base, ...over }, ctx(b)).enrichment?.severity;
    };
    expect(enrichMovement(base, ctx(book)).enrichment?.severity).toBe('critical');
    expect(severityFor('exchange-deposit')).toBe('critical');
    expect(severityFor('mixer')).toBe('high');
    expect(severityFor('bridge')).toBe('high');
    const forged = { kind: 'erc20' as const, asset: { contract: '0x1111111111111111111111111111111111111111', symbol: 'USDT', decimals: 6 }, txFrom: '0x2222222222222222222222222222222222222222' };
    expect(severityFor('exchange', forged)).toBe('info');
  });
});
