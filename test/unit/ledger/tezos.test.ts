/** Tezos (issue #14): Base58Check addresses and the Octez block normaliser on recorded mainnet block 1470478 (test/fixtures/ledger/tezos/NOTES.md). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeTezosBlock } from '../../../src/core/ledger/tezos/normalize-tezos-block.js';
import { decodeTezosAddressBytes } from '../../../src/core/ledger/tezos/tezos-address.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/ledger/tezos/${name}`, import.meta.url), 'utf8')) as Json;
const recorded = fixture('block-1470478.json');
const key = (address: string) => normalizeLedgerAddress('tezos', address).matchKey;

describe('Tezos addresses', () => {
  it('accepts the shipped CoinEx address and every account kind of the recorded block', () => {
    expect(normalizeLedgerAddress('tezos', 'tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq2').display).toBe('tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq2');
    for (const a of ['tz1PaJwmmL2nrRt5K6HvwFEc6fUfxNe6Dyp5', 'KT1Hkg5qeNhfwpKW4fXvq7HGZB9z2EnmCCA9', 'tz2Ayd83C7j9tSfpNDSRMVvic2Hj3ingjrY2', 'tz3WXYtyDUNL91qfiCJtVUX746QpNv5i5ve5']) expect(normalizeLedgerAddress('tezos', a).display).toBe(a);
    expect(key('tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq2')).toMatch(/^tz1:[0-9a-f]{40}$/);
  });

  it('refuses a bad checksum, a wrong prefix and a truncated address', () => {
    expect(() => normalizeLedgerAddress('tezos', 'tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq3')).toThrow(/bad Base58Check checksum/);
    expect(() => normalizeLedgerAddress('tezos', 'tz9UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq2')).toThrow(/not a Tezos address/);
    expect(() => normalizeLedgerAddress('tezos', 'tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq')).toThrow(/36 characters/);
  });

  it('decodes Michelson bytes addresses to the accounts the same operation names in text', () => {
    // The marketplace contract is the internal transfer's source; the buyer paid the 0.5 tez (balance_updates).
    expect(decodeTezosAddressBytes('016498b7494a18a572c1d24484038545662c0454ed00')).toBe('KT1Hkg5qeNhfwpKW4fXvq7HGZB9z2EnmCCA9');
    expect(decodeTezosAddressBytes('00002b2c68041fe4a6d3219220a12d64a7cc06288e7a')).toBe('tz1PaJwmmL2nrRt5K6HvwFEc6fUfxNe6Dyp5');
    expect(decodeTezosAddressBytes('0000c7e376baa5650223728c95963f77119148e4f5f4')).toMatch(/^tz1/);
    expect(decodeTezosAddressBytes('02c7e376baa5650223728c95963f77119148e4f5f4aa')).toBeUndefined();
  });
});

describe('normalizeTezosBlock on mainnet block 1470478 (a hic et nunc collect)', () => {
  const { block, malformed } = normalizeTezosBlock(recorded, 1470478);
  const op = recorded['operations'][0][0] as Json;
  const content = op['contents'][0] as Json;

  it('keeps the header and the manager operation with its fee and the tez it paid', () => {
    expect(malformed).toEqual([]);
    expect(block.header).toEqual({ number: 1470478, hash: 'BLQFAtBgdUtRHoceLfvfVEL6ick7JvZrNoyvAdvqJGD1HWuJ7fV', parentHash: recorded['header']['predecessor'] });
    expect(block.transactions).toHaveLength(1);
    const tx = block.transactions[0]!;
    expect(tx).toMatchObject({ hash: 'oo4ZXrmij79uZfWKPzxQHsyVS3TLecHDVx8ZrLv6qpeijLLzP3b', success: true, fee: BigInt(content['fee']) });
    expect(tx.signer?.display).toBe(content['source']);
    // The tez leg equals what balance_updates moved from the buyer to the marketplace.
    const updates = content['metadata']['operation_result']['balance_updates'] as Json[];
    const paid = -BigInt(updates.find((u) => u['contract'] === content['source'])!['change']);
    expect(tx.transfers[0]).toMatchObject({ leg: 'c0', kind: 'native', amount: paid, from: { display: content['source'] }, to: { display: content['destination'] } });
  });

  it('decodes the internal FA2 transfer: the OBJKT token moves from the marketplace to the buyer', () => {
    const internal = content['metadata']['internal_operation_results'][0] as Json;
    const fa2 = block.transactions[0]!.transfers[1]!;
    expect(fa2).toMatchObject({ leg: 'c0.int0.fa0', kind: 'token', amount: 1n, tokenId: 77582n, asset: { contract: internal['destination'], symbol: 'FA2#77582' } });
    expect(fa2.from.display).toBe(internal['source']);
    // The buyer who signed and paid receives the token.
    expect(fa2.to).toEqual(block.transactions[0]!.signer);
  });

  it('a failed or backtracked group moves nothing but keeps signer and fee; FA1.2 transfers decode', () => {
    const failed = structuredClone(recorded);
    const c = failed['operations'][0][0]['contents'][0];
    c['metadata']['operation_result']['status'] = 'backtracked';
    c['metadata']['internal_operation_results'][0]['result'] = { status: 'failed', errors: [] };
    const tx = normalizeTezosBlock(failed).block.transactions[0]!;
    expect(tx).toMatchObject({ success: false, transfers: [], fee: BigInt(content['fee']) });
    const fa12 = structuredClone(recorded);
    const internal = fa12['operations'][0][0]['contents'][0]['metadata']['internal_operation_results'][0];
    internal['parameters']['value'] = { prim: 'Pair', args: [{ string: 'tz1PaJwmmL2nrRt5K6HvwFEc6fUfxNe6Dyp5' }, { prim: 'Pair', args: [{ string: 'tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq2' }, { int: '123456789' }] }] };
    expect(normalizeTezosBlock(fa12).block.transactions[0]!.transfers[1]).toMatchObject({ kind: 'token', amount: 123456789n, tokenId: null, asset: { symbol: 'FA1.2' }, to: { display: 'tz1UH89jqhV9x9W6UKByuUQkeGhWtWgm1Fq2' } });
  });

  it('hostile data: a malformed operation is flagged and kept as failed, the rest survives; a malformed header is retryable', () => {
    const hostile = structuredClone(recorded);
    const good = hostile['operations'][0][0];
    const bad = structuredClone(good);
    bad['hash'] = 'ooBghN2ok5EpgEuMqYWqvfwNLBiK9eNFoPai91iwqk2nRCyUKgE';
    bad['contents'][0]['amount'] = '-5';
    (hostile['operations'][0] as unknown[]).push(bad, { hash: 'garbage', contents: 7 });
    const { block: b, malformed: m } = normalizeTezosBlock(hostile);
    expect(m.map((x) => [x.index, x.hash])).toEqual([
      [1, 'ooBghN2ok5EpgEuMqYWqvfwNLBiK9eNFoPai91iwqk2nRCyUKgE'],
      [2, null],
    ]);
    expect(b.transactions.map((t) => [t.hash, t.success, t.transfers.length])).toEqual([
      ['oo4ZXrmij79uZfWKPzxQHsyVS3TLecHDVx8ZrLv6qpeijLLzP3b', true, 2],
      ['ooBghN2ok5EpgEuMqYWqvfwNLBiK9eNFoPai91iwqk2nRCyUKgE', false, 0],
    ]);
    expect(() => normalizeTezosBlock({ ...recorded, hash: 'nope' })).toThrow(RetryableError);
    expect(() => normalizeTezosBlock(recorded, 1470479)).toThrow(/answered block 1470478/);
  });
});
