/** VeChain (issue #14): addresses and the Thor block normaliser on a recorded mainnet block (test/fixtures/ledger/vechain/NOTES.md). */
import { readFileSync } from 'node:fs';
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import { RetryableError } from '../../../src/core/errors.js';
import { matchLedgerBlock } from '../../../src/core/ledger/match-ledger-block.js';
import { normalizeLedgerAddress } from '../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeVechainBlock } from '../../../src/core/ledger/vechain/normalize-vechain-block.js';
import { VECHAIN_PROFILE } from '../../../src/core/ledger/vechain/vechain-profile.js';

type RawTx = { id: string; origin: string; paid: string; reverted: boolean; clauses: { to: string; value: string; data: string }[]; outputs: { transfers: { amount: string }[]; events: { address: string; topics: string[]; data: string }[] }[] };
const raw = JSON.parse(readFileSync(new URL('../../fixtures/ledger/vechain/block-17229578.json', import.meta.url), 'utf8')) as { number: number; id: string; parentID: string; transactions: RawTx[] };
const E18 = 10n ** 18n;

describe('VeChain addresses', () => {
  it('accepts the shipped CoinEx address (EIP-55 checksummed) and matches it as lowercase', () => {
    const a = normalizeLedgerAddress('vechain', '0xBcbb4cA01cF62c07DB339C985c609a67acdf1DBC');
    expect(a).toEqual({ matchKey: '0xbcbb4ca01cf62c07db339c985c609a67acdf1dbc', display: '0xBcbb4cA01cF62c07DB339C985c609a67acdf1DBC' });
    expect(normalizeLedgerAddress('vechain', '0xbcbb4ca01cf62c07db339c985c609a67acdf1dbc').display).toBe('0xBcbb4cA01cF62c07DB339C985c609a67acdf1DBC');
  });

  it('refuses a broken checksum, a short address and non-hex with a clear invalid_ledger_address error', () => {
    expect(() => normalizeLedgerAddress('vechain', '0xBcbb4cA01cF62c07DB339C985c609a67acdf1DBc')).toThrow(/not a VeChain address: bad EIP-55 checksum/);
    expect(() => normalizeLedgerAddress('vechain', '0xbcbb4ca01cf62c07db339c985c609a67acdf1d')).toThrow(/expected 40 hex digits/);
    try {
      normalizeLedgerAddress('vechain', 'zil1ntf5fv4swp9d2tns6dftsvy3apry5t4n2ydw4a');
      expect.unreachable();
    } catch (err) {
      expect((err as { code?: string }).code).toBe('invalid_ledger_address');
    }
  });
});

describe('normalizeVechainBlock on mainnet block 17229578', () => {
  const { block, malformed } = normalizeVechainBlock(raw, 17229578);

  it('keeps the header and every transaction', () => {
    expect(malformed).toEqual([]);
    expect(block.header).toEqual({ number: 17229578, hash: raw.id, parentHash: raw.parentID });
    // Thor block ids start with the block number (4 bytes big-endian): an independent check of the recorded pair.
    expect(Number.parseInt(raw.id.slice(2, 10), 16)).toBe(17229578);
    expect(Number.parseInt(raw.parentID.slice(2, 10), 16)).toBe(17229577);
    expect(block.transactions.map((t) => t.hash)).toEqual(raw.transactions.map((t) => t.id));
  });

  it('a plain VET payment: one native leg equal to its clause value, fee paid by the origin', () => {
    const rawTx = raw.transactions[3]!;
    const tx = block.transactions[3]!;
    expect(tx.success).toBe(true);
    expect(tx.signer?.key).toBe(rawTx.origin);
    expect(tx.fee).toBe(BigInt(rawTx.paid));
    expect(tx.transfers).toEqual([
      { leg: 'clause0.transfer0', kind: 'native', from: tx.signer, to: { key: rawTx.clauses[0]!.to, display: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) as unknown }, asset: VECHAIN_PROFILE.nativeAsset, amount: BigInt(rawTx.clauses[0]!.value), tokenId: null },
    ]);
    expect(BigInt(rawTx.clauses[0]!.value) / E18).toBe(4160n);
  });

  it('a DEX swap: VET in, the contract-internal VET move, and both VIP-180 Transfer events as token legs', () => {
    const tx = block.transactions[0]!;
    const rawTx = raw.transactions[0]!;
    expect(tx.transfers.map((t) => [t.leg, t.kind, t.from.key, t.to.key, t.asset.symbol, t.amount])).toEqual([
      ['clause0.transfer0', 'native', rawTx.origin, rawTx.clauses[0]!.to, 'VET', 300n * E18],
      ['clause0.transfer1', 'native', rawTx.clauses[0]!.to, '0x45429a2255e7248e57fce99e7239aed3f84b7a53', 'VET', 300n * E18],
      ['clause0.event1', 'token', rawTx.clauses[0]!.to, '0x1a8abd6d5627eb26ad71c0c7ae5224cdc640faf3', 'VIP180', 300n * E18],
      ['clause0.event2', 'token', '0x1a8abd6d5627eb26ad71c0c7ae5224cdc640faf3', rawTx.origin, 'VIP180', BigInt(rawTx.outputs[0]!.events[2]!.data)],
    ]);
    // The swap's clause value is what the router wrapped (the Deposit event's amount).
    expect(BigInt(rawTx.clauses[0]!.value)).toBe(BigInt(rawTx.outputs[0]!.events[0]!.data));
    expect(tx.transfers[3]!.asset).toMatchObject({ contract: getAddress('0x5db3c8a942333f6468176a870db36eef120a34dc'), rawUnits: true });
  });

  it('a reverted VTHO transfer is a failed transaction with no legs: its watched origin gets activity with the fee', () => {
    const rawTx = raw.transactions[2]!;
    const tx = block.transactions[2]!;
    expect(rawTx.clauses[0]!.data.startsWith('0xa9059cbb')).toBe(true);
    expect(tx).toMatchObject({ success: false, transfers: [], fee: BigInt(rawTx.paid) });
    const recipient = `0x${rawTx.clauses[0]!.data.slice(10 + 24, 10 + 64)}`;
    const index = buildWatchlistIndex(
      [rawTx.origin, recipient].map((address, i) => ({ chain: 'vechain', address, matchKey: address, label: `w${i}`, incident: 'x', source: 'https://example.org', tags: [], enabled: true, file: 'w.yaml', line: i + 1 })),
    );
    const got = matchLedgerBlock(block, { chain: 'vechain', index, headNumber: 17229578, profile: VECHAIN_PROFILE });
    expect(got.map((m) => [m.txHash, m.kind, m.watchedAddress.toLowerCase(), m.fee])).toEqual([[rawTx.id, 'activity', rawTx.origin, BigInt(rawTx.paid)]]);
  });

  it('VTHO transfers are VIP-180 legs of the known VTHO asset', () => {
    const rawTx = structuredClone(raw.transactions[2]!);
    const to = `0x${rawTx.clauses[0]!.data.slice(34, 74)}`;
    rawTx.reverted = false;
    const amount = `0x${rawTx.clauses[0]!.data.slice(74)}`;
    rawTx.outputs = [{ transfers: [], events: [{ address: '0x0000000000000000000000000000456e65726779', topics: ['0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', `0x${'0'.repeat(24)}${rawTx.origin.slice(2)}`, `0x${'0'.repeat(24)}${to.slice(2)}`], data: amount }] }];
    const { block: b } = normalizeVechainBlock({ ...raw, transactions: [rawTx] });
    expect(b.transactions[0]!.transfers).toMatchObject([{ leg: 'clause0.event0', kind: 'token', asset: { symbol: 'VTHO', decimals: 18, contract: '0x0000000000000000000000000000456E65726779' }, amount: BigInt(amount) }]);
  });

  it('hostile data: one malformed transaction is listed and kept as failed, the others survive; a malformed header is retryable', () => {
    const txs = structuredClone(raw.transactions) as unknown as Record<string, unknown>[];
    txs[1]!['paid'] = 'lots';
    txs[3]!['outputs'] = 'nope';
    txs.push({ id: 42 });
    const { block: b, malformed: bad } = normalizeVechainBlock({ ...raw, transactions: txs });
    expect(bad.map((m) => [m.index, m.hash])).toEqual([
      [1, raw.transactions[1]!.id],
      [3, raw.transactions[3]!.id],
      [4, null],
    ]);
    expect(b.transactions.map((t) => [t.hash, t.success, t.transfers.length])).toEqual([
      [raw.transactions[0]!.id, true, 4],
      [raw.transactions[1]!.id, false, 0],
      [raw.transactions[2]!.id, false, 0],
      [raw.transactions[3]!.id, false, 0],
    ]);
    expect(() => normalizeVechainBlock({ ...raw, parentID: 'x' })).toThrow(RetryableError);
    expect(() => normalizeVechainBlock(raw, 17229579)).toThrow(/answered block 17229578 when asked for block 17229579/);
    expect(() => normalizeVechainBlock(null)).toThrow(RetryableError);
  });
});
