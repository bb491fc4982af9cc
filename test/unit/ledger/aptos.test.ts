/**
 * Aptos (issue #14) on real recorded mainnet blocks from GetBlock's API docs
 * (test/fixtures/ledger/aptos/NOTES.md). Values are checked against facts the
 * recorded data states elsewhere (entry-function arguments, FeeStatement
 * events, version ranges), not against what the normaliser computes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/core/address/address-error.js';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import { RetryableError } from '../../../src/core/errors.js';
import { APTOS_PROFILE } from '../../../src/core/ledger/aptos/aptos-profile.js';
import { normalizeAptosBlock } from '../../../src/core/ledger/aptos/normalize-aptos-block.js';
import { matchLedgerBlock } from '../../../src/core/ledger/match-ledger-block.js';
import { normalizeLedgerAddress } from '../../../src/core/ledger/normalize-ledger-address.js';

type RawTx = { type: string; hash: string; sender?: string; success: boolean; gas_used: string; gas_unit_price?: string; payload?: { arguments: string[] }; events: { type: string; data: Record<string, unknown> }[]; signature?: { type: string; fee_payer_address?: string } };
type RawBlock = { block_height: string; block_hash: string; first_version: string; last_version: string; transactions: RawTx[] };
const load = (name: string): RawBlock => JSON.parse(readFileSync(new URL(`../../fixtures/ledger/aptos/${name}.json`, import.meta.url), 'utf8')) as RawBlock;

describe('Aptos addresses', () => {
  it('accepts the shipped CoinEx-theft address and short forms, keyed by 64 lowercase hex digits', () => {
    const shipped = normalizeLedgerAddress('aptos', '0x2a80f8be5f79fc6619cba022e38ed44cb3d15d05d26fc1c2238d8f90fbff94d6');
    expect(shipped).toEqual({ matchKey: '2a80f8be5f79fc6619cba022e38ed44cb3d15d05d26fc1c2238d8f90fbff94d6', display: '0x2a80f8be5f79fc6619cba022e38ed44cb3d15d05d26fc1c2238d8f90fbff94d6' });
    expect(normalizeLedgerAddress('aptos', '0x2A80F8BE5F79FC6619CBA022E38ED44CB3D15D05D26FC1C2238D8F90FBFF94D6').matchKey).toBe(shipped.matchKey);
    expect(APTOS_PROFILE.normalizeAddress('0x1', {})).toEqual({ matchKey: `${'0'.repeat(63)}1`, display: '0x1' });
    expect(APTOS_PROFILE.normalizeAddress('0xabc', {}).display).toBe(`0x${'0'.repeat(61)}abc`);
  });

  it('refuses what is not hex or longer than 32 bytes', () => {
    expect(() => normalizeLedgerAddress('aptos', `0x${'1'.repeat(65)}`)).toThrow(/65 hex digits/);
    expect(() => normalizeLedgerAddress('aptos', '0xg1')).toThrow(AddressError);
    expect(() => normalizeLedgerAddress('aptos', '0x')).toThrow(AddressError);
    expect(() => normalizeLedgerAddress('aptos', 'G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1kq')).toThrow(/not hex/);
  });
});

describe('normalizeAptosBlock on recorded mainnet blocks', () => {
  const raw = load('block-445814139');
  const { block, ref } = normalizeAptosBlock(445814139, raw, { hash: '0xparent', lastVersion: BigInt(raw.first_version) - 1n });

  it('links to the parent it was given when the versions are contiguous, and refuses a gap', () => {
    expect(block.header).toEqual({ number: 445814139, hash: raw.block_hash, parentHash: '0xparent' });
    expect(ref).toEqual({ hash: raw.block_hash, lastVersion: BigInt(raw.last_version) });
    expect(() => normalizeAptosBlock(445814139, raw, { hash: '0xparent', lastVersion: BigInt(raw.first_version) - 2n })).toThrow(RetryableError);
    expect(() => normalizeAptosBlock(445814140, raw, null)).toThrow(/came back as height/);
    expect(() => normalizeAptosBlock(445814139, { ...raw, transactions: raw.transactions.slice(1) }, null)).toThrow(/lists 4 transactions/);
  });

  it('lists the user transactions only, with the fungible-asset transfer the entry function asked for', () => {
    const users = raw.transactions.filter((t) => t.type === 'user_transaction');
    expect(block.transactions.map((t) => t.hash)).toEqual(users.map((t) => t.hash));
    const rawTx = users[1]!;
    const tx = block.transactions[1]!;
    // star_transfer(recipient, amount): the deposit store's owner and the amount are the arguments.
    const [recipient, amount] = rawTx.payload!.arguments;
    expect(tx.transfers).toHaveLength(1);
    expect(tx.transfers[0]).toMatchObject({ leg: 'ev0.1', kind: 'token', from: { display: rawTx.sender }, to: { display: recipient }, amount: BigInt(amount!) });
    expect(tx.transfers[0]!.asset.contract).toMatch(/^0x[0-9a-f]{64}$/);
    // Sponsored: the fee payer paid the gas, the sender did not.
    expect(rawTx.signature!.type).toBe('fee_payer_signature');
    expect(tx.fee).toBeNull();
    expect(tx.actors?.map((a) => a.display)).toEqual([rawTx.signature!.fee_payer_address]);
  });

  it('marks failed transactions failed, with gas used times price as the fee (as their FeeStatement counts it)', () => {
    const other = load('block-456015808');
    const out = normalizeAptosBlock(456015808, other, null);
    const failedRaw = other.transactions.find((t) => t.type === 'user_transaction' && !t.success && t.signature?.type !== 'fee_payer_signature')!;
    const failed = out.block.transactions.find((t) => t.hash === failedRaw.hash)!;
    const statement = failedRaw.events.find((e) => e.type === '0x1::transaction_fee::FeeStatement')!;
    expect(failed.success).toBe(false);
    expect(failed.transfers).toEqual([]);
    expect(failed.fee).toBe(BigInt(statement.data['total_charge_gas_units'] as string) * BigInt(failedRaw.gas_unit_price!));
  });

  it('alerts the recipient wallet and the failed sender (activity), exactly by their match keys', () => {
    const tx = block.transactions[1]!;
    const other = normalizeAptosBlock(456015808, load('block-456015808'), null).block;
    const failed = other.transactions.find((t) => !t.success)!;
    const index = buildWatchlistIndex(
      [tx.transfers[0]!.to, failed.signer!].map((p, i) => ({ chain: 'aptos', address: p.display, matchKey: p.key, label: `w${i}`, incident: 'test', source: 'https://example.org', tags: [], enabled: true, file: 't.yaml', line: i + 1 })),
    );
    const inbound = matchLedgerBlock(block, { chain: 'aptos', index, headNumber: 445814140, profile: APTOS_PROFILE });
    expect(inbound.map((m) => [m.txHash, m.direction, m.kind, m.amount])).toEqual([[tx.hash, 'in', 'token', tx.transfers[0]!.amount]]);
    expect(matchLedgerBlock(other, { chain: 'aptos', index, headNumber: 456015809, profile: APTOS_PROFILE }).map((m) => m.kind)).toEqual(['activity']);
  });

  it('skips one transaction whose transfer cannot be attributed and keeps the others', () => {
    const hostile = load('block-445814139');
    const victim = hostile.transactions[2]!;
    hostile.transactions[2] = { ...victim, events: victim.events.map((e) => (e.type === '0x1::fungible_asset::Deposit' ? { ...e, data: { ...e.data, store: '0x1234' } } : e)) };
    hostile.transactions[3] = { ...hostile.transactions[3]!, hash: 'not-a-hash' };
    const out = normalizeAptosBlock(445814139, hostile, null);
    expect(out.skipped.map((s) => s.version)).toEqual([2, 3].map((i) => (BigInt(hostile.first_version) + BigInt(i)).toString()));
    expect(out.block.transactions.map((t) => t.hash)).toEqual([block.transactions[0]!.hash]);
  });
});
