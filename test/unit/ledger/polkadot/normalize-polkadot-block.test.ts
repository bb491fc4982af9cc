/** Polkadot (Substrate API Sidecar) block normalising and SS58 accounts on recorded mainnet blocks (test/fixtures/ledger/polkadot/NOTES.md). */
import { blake2b } from '@noble/hashes/blake2.js';
import { describe, expect, it } from 'vitest';
import type { AddressError } from '../../../../src/core/address/address-error.js';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { normalizePolkadotBlock } from '../../../../src/core/ledger/polkadot/normalize-polkadot-block.js';
import { normalizePolkadotAddress } from '../../../../src/core/ledger/polkadot/polkadot-profile.js';
import { decodeSs58, encodeSs58 } from '../../../../src/core/ledger/polkadot/ss58.js';
import { recordedRawBlock789629, recordedSidecarBlock } from '../../../helpers/polkadot-fixtures.js';

// The Substrate docs' development account Alice: one public key, two SS58 networks.
const ALICE_KEY = 'd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALICE_GENERIC = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_POLKADOT = '15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5';
const DOT = { contract: null, symbol: 'DOT', decimals: 10 };

describe('SS58 addresses', () => {
  it('decodes the documented Alice addresses to her public key and encodes them back', () => {
    expect(Buffer.from(decodeSs58(ALICE_GENERIC)!.accountId).toString('hex')).toBe(ALICE_KEY);
    expect(decodeSs58(ALICE_POLKADOT)).toEqual({ prefix: 0, accountId: Uint8Array.from(Buffer.from(ALICE_KEY, 'hex')) });
    expect(encodeSs58(Buffer.from(ALICE_KEY, 'hex'), 42)).toBe(ALICE_GENERIC);
    expect(encodeSs58(Buffer.from(ALICE_KEY, 'hex'), 0)).toBe(ALICE_POLKADOT);
    // Two-byte prefixes round-trip (e.g. 1284 is Moonbeam's, 2007 Shiden's).
    for (const prefix of [64, 1284, 2007, 16383]) expect(decodeSs58(encodeSs58(Buffer.from(ALICE_KEY, 'hex'), prefix))?.prefix).toBe(prefix);
  });

  it('accepts the shipped Polkadot address; the same account in another format has the same key and shows as Polkadot', () => {
    const shipped = normalizeLedgerAddress('polkadot', '1WUqwCnEpTN8cEHBqmVrFxxgDArBuBb2KBVtbKBTVFhFxAs');
    expect(shipped.matchKey).toMatch(/^[0-9a-f]{64}$/);
    expect(shipped.display).toBe('1WUqwCnEpTN8cEHBqmVrFxxgDArBuBb2KBVtbKBTVFhFxAs');
    expect(normalizePolkadotAddress(ALICE_GENERIC, {})).toEqual({ matchKey: ALICE_KEY, display: ALICE_POLKADOT });
  });

  it('refuses a bad checksum, bad base58 and the wrong length with a clear message', () => {
    const message = (a: string) => {
      try {
        normalizePolkadotAddress(a, {});
      } catch (err) {
        expect((err as AddressError).code).toBe('invalid_ledger_address');
        return (err as Error).message;
      }
      throw new Error(`${a} accepted`);
    };
    expect(message(`${ALICE_POLKADOT.slice(0, -1)}6`)).toMatch(/checksum/);
    expect(message('0x1234')).toMatch(/not an SS58/);
    expect(message('1111111111111111111114oLvT2')).toMatch(/not an SS58/);
  });
});

describe('normalizePolkadotBlock', () => {
  it('block 19772575: balances.Transfer legs, signer, actual fee, header', () => {
    const raw = recordedSidecarBlock(19772575);
    const { block, skipped } = normalizePolkadotBlock(raw, 19772575, 0);
    expect(skipped).toEqual([]);
    expect(block.header).toEqual({ number: 19772575, hash: raw.hash, parentHash: raw.parentHash });
    expect(block.transactions.map((t) => t.hash)).toEqual(raw.extrinsics.map((x) => x.hash));
    const transfer = block.transactions[2]!;
    // As the recorded events state: Transfer(16Xuv8..., 1pNEBq..., 209894644000), TransactionFeePaid 160099813.
    expect([transfer.success, transfer.signer?.display, transfer.fee]).toEqual([true, '16Xuv8TZpqSP9iSxquSJ9CQDfnJink7tFFNg8YYLqE5DiXkn', 160099813n]);
    expect(transfer.transfers.map((t) => [t.leg, t.kind, t.from.display, t.to.display, t.amount, t.asset])).toEqual([['ev1', 'native', '16Xuv8TZpqSP9iSxquSJ9CQDfnJink7tFFNg8YYLqE5DiXkn', '1pNEBqhMUrv8YLiVWg3aHkbG2UvegxkhfWJV6Wdy9QfvQE4', 209894644000n, DOT]]);
    // utility.batchAll: its three inner transfers are legs of the one extrinsic.
    const batch = block.transactions[4]!;
    const recordedTransfers = raw.extrinsics[4]!.events.filter((e) => e.method.pallet === 'balances' && e.method.method === 'Transfer').map((e) => [e.data[1], BigInt(e.data[2] as string)]);
    expect(recordedTransfers).toHaveLength(3);
    expect(batch.transfers.map((t) => [t.to.display, t.amount])).toEqual(recordedTransfers);
    // Inherents have no signer and no fee.
    expect(block.transactions.slice(0, 2).map((t) => [t.signer, t.fee, t.transfers.length])).toEqual([[null, null, 0], [null, null, 0]]);
  });

  it('extrinsic hashes are blake2b-256 of the recorded raw extrinsics (block 789629, old runtime, signer written as a plain string)', () => {
    const raw = recordedRawBlock789629();
    const { block } = normalizePolkadotBlock(recordedSidecarBlock(789629), 789629, 0);
    expect(block.transactions.map((t) => t.hash)).toEqual(raw.extrinsics.map((x) => `0x${Buffer.from(blake2b(Buffer.from(x.slice(2), 'hex'), { dkLen: 32 })).toString('hex')}`));
    expect(block.transactions[3]!.signer?.display).toBe('143eus3Ki72VUJ9AWYsFEGvkUAjeFw8yMfTaSiuAEq3n8yZc');
  });

  it('reads event data given as named fields the same as the positional list', () => {
    const raw = structuredClone(recordedSidecarBlock(19772575));
    for (const e of raw.extrinsics[2]!.events) {
      if (e.method.method === 'Transfer') e.data = { from: e.data[0], to: e.data[1], amount: e.data[2] } as unknown as unknown[];
      if (e.method.method === 'TransactionFeePaid') e.data = { who: e.data[0], actualFee: e.data[1], tip: e.data[2] } as unknown as unknown[];
    }
    expect(normalizePolkadotBlock(raw, 19772575, 0)).toEqual(normalizePolkadotBlock(recordedSidecarBlock(19772575), 19772575, 0));
  });

  it('shows accounts under the configured prefix (Kusama 2) and keys them by public key', () => {
    const { block } = normalizePolkadotBlock(recordedSidecarBlock(19772575), 19772575, 2);
    const leg = block.transactions[2]!.transfers[0]!;
    expect(leg.from.key).toBe(normalizePolkadotAddress('16Xuv8TZpqSP9iSxquSJ9CQDfnJink7tFFNg8YYLqE5DiXkn', {}).matchKey);
    expect(leg.from.display).toBe(encodeSs58(Buffer.from(leg.from.key, 'hex'), 2));
  });

  it('a failed extrinsic keeps signer and fee and moves nothing; one unreadable extrinsic is skipped; a malformed block is retryable', () => {
    const raw = structuredClone(recordedSidecarBlock(19772575));
    raw.extrinsics[2]!.success = false;
    raw.extrinsics[3]!.events.find((e) => e.method.method === 'Transfer')!.data[2] = '-5';
    const { block, skipped } = normalizePolkadotBlock(raw, 19772575, 0);
    const failed = block.transactions.find((t) => t.hash === raw.extrinsics[2]!.hash)!;
    expect([failed.success, failed.signer?.display, failed.fee, failed.transfers]).toEqual([false, '16Xuv8TZpqSP9iSxquSJ9CQDfnJink7tFFNg8YYLqE5DiXkn', 160099813n, []]);
    expect(skipped).toEqual([{ hash: raw.extrinsics[3]!.hash, reason: expect.stringMatching(/not an amount in planck/) as unknown }]);
    expect(block.transactions).toHaveLength(raw.extrinsics.length - 1);
    expect(() => normalizePolkadotBlock({ ...raw, parentHash: undefined }, 19772575, 0)).toThrow(RetryableError);
    expect(() => normalizePolkadotBlock(raw, 19772576, 0)).toThrow(/answered block 19772575/);
  });
});
