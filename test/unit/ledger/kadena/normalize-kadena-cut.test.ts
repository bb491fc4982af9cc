import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../../src/core/errors.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { normalizeKadenaCut } from '../../../../src/core/ledger/kadena/normalize-kadena-cut.js';
import { kadenaOptionsSchema } from '../../../../src/core/ledger/kadena/kadena-profile.js';
import { KADENA_RECORDED_REQUEST_KEY, KADENA_RECORDED_SENDER, kadenaAssembledTx, kadenaRecordedPayload, kadenaReplayBlock } from '../../../helpers/kadena-fixtures.js';

const chainBlock = (c: number, h: number, txs: readonly (readonly [string, string])[]) => ({ chainId: c, ...kadenaReplayBlock(c, h, txs) });
const SHIPPED = 'k:a9f3672d7ad7a1e4592702d73b220cbc61db1fa17f89a56131d965bc03959913';

describe('Kadena addresses', () => {
  it('validates the shipped address; k: keys match in any case, other names verbatim', () => {
    expect(normalizeLedgerAddress('kadena', SHIPPED).matchKey).toBe(SHIPPED);
    expect(normalizeLedgerAddress('kadena', SHIPPED.toUpperCase().replace('K:', 'k:')).matchKey).toBe(SHIPPED);
    expect(normalizeLedgerAddress('kadena', 'binance').matchKey).toBe('binance');
    expect(normalizeLedgerAddress('kadena', 'Binance').matchKey).not.toBe('binance');
    expect(() => normalizeLedgerAddress('kadena', 'k:abc')).toThrow(/64-hex-digit/);
    expect(() => normalizeLedgerAddress('kadena', 'ab')).toThrow(/3 to 256/);
    expect(() => normalizeLedgerAddress('kadena', 'a\nb c')).toThrow(/Latin-1/);
  });

  it('options: chains default to all 20, refuse ids outside 0-19 and repeats', () => {
    expect(kadenaOptionsSchema.parse({}).chains).toHaveLength(20);
    expect(kadenaOptionsSchema.safeParse({ chains: [20] }).success).toBe(false);
    expect(kadenaOptionsSchema.safeParse({ chains: [1, 1] }).success).toBe(false);
  });
});

describe('normalizeKadenaCut', () => {
  const H = 4_950_000;

  it('a whole recorded block (testnet04 chain 0 height 2: header and the payload with outputs it names): hash and parent as recorded, the coinbase is no transaction', () => {
    const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(import.meta.dirname, '../../../fixtures/ledger/kadena', name), 'utf8')) as Record<string, unknown>;
    const header = read('testnet04-chain0-height2-header.json');
    const payloadWithOutputs = read('testnet04-chain0-height2-payload-with-outputs.json');
    // The header commits to this payload.
    expect(payloadWithOutputs['payloadHash']).toBe(header['payloadHash']);
    const { block, skipped } = normalizeKadenaCut(2, [{ chainId: 0, header, payloadWithOutputs }]);
    expect(skipped).toEqual([]);
    const digest = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(block.header).toEqual({ number: 2, hash: digest('0:M4doD-jMHyxi4TvfBDUy3x9VMkcLxgnpjtvbbd0yUQA'), parentHash: digest('0:3eH11vI_wZuP3lEKcilfCx89_kZ78nFuJJbty44iNBo') });
    expect(block.transactions).toEqual([]);
  });

  it('reads the recorded chain 4 transaction: request key, sender, fee = gas x gasPrice, equal to the gas TRANSFER event', () => {
    const recorded = kadenaRecordedPayload();
    const { block, skipped } = normalizeKadenaCut(H, [chainBlock(4, H, recorded.transactions)]);
    expect(skipped).toEqual([]);
    const [tx] = block.transactions;
    expect(tx!.hash).toBe(KADENA_RECORDED_REQUEST_KEY);
    expect(tx!.success).toBe(true);
    expect(tx!.signer!.key).toBe(KADENA_RECORDED_SENDER);
    // The output's gas TRANSFER event pays 4.35e-6 KDA to the miner: 4.35e-6 * 1e12 base units.
    expect(tx!.fee).toBe(4_350_000n);
    // That event is the fee, not a movement; the oracle update moved no KDA.
    expect(tx!.transfers).toEqual([]);
  });

  it('turns coin TRANSFER and TRANSFER_XCHAIN events into KDA legs, skips burn/mint halves, and drops the legs of a failure', () => {
    const ok = kadenaAssembledTx({
      sender: KADENA_RECORDED_SENDER,
      status: 'success',
      tag: 'ok',
      eventsJson: [
        `{"params":["${KADENA_RECORDED_SENDER}","${SHIPPED}",12.000000000001],"name":"TRANSFER","module":{"namespace":null,"name":"coin"}}`,
        `{"params":["${KADENA_RECORDED_SENDER}","",1.5],"name":"TRANSFER","module":{"namespace":null,"name":"coin"}}`,
        `{"params":["${KADENA_RECORDED_SENDER}","binance",1.5,"2"],"name":"TRANSFER_XCHAIN","module":{"namespace":null,"name":"coin"}}`,
        `{"params":["${KADENA_RECORDED_SENDER}","${SHIPPED}",99],"name":"TRANSFER","module":{"namespace":"free","name":"coin"}}`,
      ].join(','),
    });
    const failed = kadenaAssembledTx({ sender: SHIPPED, status: 'failure', tag: 'failed', eventsJson: '' });
    const { block } = normalizeKadenaCut(H, [chainBlock(4, H, [ok, failed])]);
    const [t1, t2] = block.transactions;
    expect(t1!.transfers.map((t) => [t.leg, t.from.key, t.to.key, t.amount])).toEqual([
      ['ev0', KADENA_RECORDED_SENDER, SHIPPED, 12_000_000_000_001n],
      ['ev2', KADENA_RECORDED_SENDER, 'binance', 1_500_000_000_000n],
    ]);
    expect(t2).toMatchObject({ success: false, transfers: [], fee: 5_000_000n });
    expect(t2!.signer!.key).toBe(SHIPPED);
  });

  it('skips one unreadable transaction but keeps the block; refuses more than 12 decimal places', () => {
    const tooFine = kadenaAssembledTx({ sender: KADENA_RECORDED_SENDER, status: 'success', tag: 'fine', eventsJson: `{"params":["${KADENA_RECORDED_SENDER}","${SHIPPED}",0.0000000000001],"name":"TRANSFER","module":{"namespace":null,"name":"coin"}}` });
    const recorded = kadenaRecordedPayload().transactions[0]!;
    const { block, skipped } = normalizeKadenaCut(H, [chainBlock(4, H, [['not-json', 'x'], tooFine, recorded])]);
    expect(block.transactions.map((t) => t.hash)).toEqual([KADENA_RECORDED_REQUEST_KEY]);
    expect(skipped.map((s) => s.reason)).toEqual([expect.any(String), expect.stringMatching(/not a KDA decimal/)]);
  });

  it('hashes the cut over every chain so that each block links to the previous height; a bad header is retried', () => {
    const at = (h: number) => normalizeKadenaCut(h, [chainBlock(5, h, []), chainBlock(4, h, [])]).block.header;
    expect(at(H + 1).parentHash).toBe(at(H).hash);
    expect(at(H).hash).not.toBe(normalizeKadenaCut(H, [chainBlock(4, H, [])]).block.header.hash);
    expect(() => normalizeKadenaCut(H, [{ chainId: 4, header: { hash: 'x', parent: 'y', height: H + 1, chainId: 4 }, payloadWithOutputs: { transactions: [] } }])).toThrow(RetryableError);
    expect(() => normalizeKadenaCut(H, [{ ...chainBlock(4, H, []), payloadWithOutputs: null }])).toThrow(RetryableError);
  });
});
