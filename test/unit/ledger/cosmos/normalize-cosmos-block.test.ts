/** Cosmos (CometBFT) block normalising and bech32 accounts on recorded Injective/tendermint data (test/fixtures/ledger/cosmos/NOTES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { cosmosOptionsSchema, normalizeCosmosAddress } from '../../../../src/core/ledger/cosmos/cosmos-profile.js';
import { cosmosTxHash, normalizeCosmosBlock, parseCoins } from '../../../../src/core/ledger/cosmos/normalize-cosmos-block.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { RetryableError } from '../../../../src/core/errors.js';
import { assembledBlock, assembledBlockId, assembledTxs, BASE64_HEIGHT, PLAIN_HEIGHT, recordedResults } from '../../../helpers/cosmos-fixtures.js';

const INJ = cosmosOptionsSchema.parse({ nativeDenom: 'inj', nativeSymbol: 'INJ', nativeDecimals: 18 });
const key = (address: string) => normalizeCosmosAddress(address, { addressPrefix: 'inj' }).matchKey;
const FEE_COLLECTOR = 'inj17xpfvakm2amg962yls6f84z3kell8c5l6s5ye9';

function normalize(height: number, results = recordedResults(height)) {
  const count = (results['txs_results'] as unknown[]).length;
  return normalizeCosmosBlock({ block: assembledBlock(height, count), results }, height, INJ);
}

describe('Cosmos addresses', () => {
  it('accepts the shipped Kava address (kava-cosmos, prefix kava) and keys it by its 20 bytes', () => {
    const shipped = normalizeLedgerAddress('cosmos', 'kava1spv566tt3gt05n7cx9vfz47j3z878h88yywgan', { addressPrefix: 'kava' });
    expect(shipped.matchKey).toMatch(/^[0-9a-f]{40}$/);
    expect(shipped.display).toBe('kava1spv566tt3gt05n7cx9vfz47j3z878h88yywgan');
    // Upper case is the same bech32 string (BIP-173), and the same key.
    expect(normalizeCosmosAddress('KAVA1SPV566TT3GT05N7CX9VFZ47J3Z878H88YYWGAN', { addressPrefix: 'kava' }).matchKey).toBe(shipped.matchKey);
  });

  it('refuses a bad checksum, another chain prefix and non-bech32 text with a clear message', () => {
    const bad = (a: string, p = 'kava') => {
      try {
        normalizeCosmosAddress(a, { addressPrefix: p });
      } catch (err) {
        expect(err).toBeInstanceOf(AddressError);
        expect((err as AddressError).code).toBe('invalid_ledger_address');
        return (err as Error).message;
      }
      throw new Error(`${a} accepted`);
    };
    expect(bad('kava1spv566tt3gt05n7cx9vfz47j3z878h88yywgam')).toMatch(/valid checksum/);
    expect(bad(FEE_COLLECTOR)).toMatch(/prefix "inj".*"kava1"/);
    expect(bad('0x1234')).toMatch(/not a Cosmos account/);
  });
});

describe('normalizeCosmosBlock', () => {
  it('computes tx hashes as CometBFT does: the recorded tx_search hashes of the recorded tx bytes', () => {
    const recorded = JSON.parse(readFileSync(join(import.meta.dirname, '../../../fixtures/ledger/cosmos/kvstore-tx-search.json'), 'utf8')) as { result: { txs: { hash: string; tx: string }[] } };
    expect(recorded.result.txs.length).toBeGreaterThan(3);
    for (const t of recorded.result.txs) expect(cosmosTxHash(t.tx)).toBe(t.hash);
  });

  it('reads base64 attributes (CometBFT 0.34): fees to the fee collector are fees, not transfers; signer from message.sender', () => {
    const { block, skipped } = normalize(BASE64_HEIGHT);
    expect(skipped).toEqual([]);
    expect(block.header).toEqual({ number: BASE64_HEIGHT, hash: assembledBlockId(BASE64_HEIGHT), parentHash: assembledBlockId(BASE64_HEIGHT - 1) });
    expect(block.transactions.map((t) => t.hash)).toEqual(assembledTxs(BASE64_HEIGHT, 4).map(cosmosTxHash));
    // Values as the recorded events state them (tx event `fee`, message sender).
    expect(block.transactions.map((t) => [t.success, t.signer?.display, t.fee, t.transfers.length])).toEqual([
      [true, 'inj1x2ck0ql2ngyxqtw8jteyc0tchwnwxv7npaungt', 60673500000000n, 0],
      [true, 'inj1yzmv3utcm0xx4ahsn7lyew0zzdjp4z7wlx44vx', 59340000000000n, 0],
      [true, 'inj1pdrwxwts36jds77jlnrpv98ppxkrwja7hc2659', 46083500000000n, 0],
      // MsgDelegate: no `tx` fee attribute here, the fee is its payment to the fee collector before the message.
      [true, 'inj1wh6v2dv64y6f8a4kcznrctu4n7g23ax9x68r57', 200000000000000n, 0],
    ]);
    expect(block.transactions[0]!.signer!.key).toBe(key('inj1x2ck0ql2ngyxqtw8jteyc0tchwnwxv7npaungt'));
  });

  it('reads plain attributes (CometBFT 1.0): fee_payer signs, module payouts are transfers per coin with stable legs', () => {
    const { block, skipped } = normalize(PLAIN_HEIGHT);
    expect(skipped).toEqual([]);
    const undelegate = block.transactions[2]!;
    const recordedEvents = (recordedResults(PLAIN_HEIGHT)['txs_results'] as { events: { type: string; attributes: { key: string; value: string }[] }[] }[])[2]!.events;
    const transferAt = (amount: string) => recordedEvents.findIndex((e) => e.type === 'transfer' && e.attributes.some((a) => a.key === 'amount' && a.value === amount));
    expect(undelegate.signer?.display).toBe('inj1wgd6mj5pr3cvuac5n6wrjzsp3kpcckssk080kg');
    expect(undelegate.fee).toBe(139706500000000n);
    expect(undelegate.transfers.map((t) => [t.leg, t.kind, t.from.display, t.to.display, t.amount, t.asset])).toEqual([
      [`e${transferAt('197643202602405085inj')}.c0`, 'native', 'inj1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8dkncm8', 'inj1wgd6mj5pr3cvuac5n6wrjzsp3kpcckssk080kg', 197643202602405085n, { contract: null, symbol: 'INJ', decimals: 18 }],
      [`e${transferAt('45909822537000000000inj')}.c0`, 'native', 'inj1fl48vsnmsdzcv85q5d2q4z5ajdha8yu3lj7tt0', 'inj1tygms3xhhs3yv487phx3dw4a95jn7t7ltjz6am', 45909822537000000000n, { contract: null, symbol: 'INJ', decimals: 18 }],
    ]);
    // Module accounts that sent inside the message are actors, the signer is not repeated.
    expect(undelegate.actors?.map((a) => a.display)).toEqual(['inj1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8dkncm8', 'inj1fl48vsnmsdzcv85q5d2q4z5ajdha8yu3lj7tt0']);
    // Same input, same legs: ids do not depend on anything but the block.
    expect(normalize(PLAIN_HEIGHT).block).toEqual(block);
  });

  it('a failed tx (code != 0) keeps its signer and fee and moves nothing', () => {
    const results = structuredClone(recordedResults(PLAIN_HEIGHT));
    const txs = results['txs_results'] as Record<string, unknown>[];
    txs[2] = { ...txs[2], code: 5, codespace: 'sdk' };
    const failed = normalize(PLAIN_HEIGHT, results).block.transactions[2]!;
    expect([failed.success, failed.signer?.display, failed.fee, failed.transfers]).toEqual([false, 'inj1wgd6mj5pr3cvuac5n6wrjzsp3kpcckssk080kg', 139706500000000n, []]);
  });

  it('multi-denom amounts: native and tokens (the denom is the contract), in raw units', () => {
    expect(parseCoins('1000ukava,5erc20/0x919C1c267BC06a7039e03fcc2eF738525769109c,7ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2')).toEqual([
      { amount: 1000n, denom: 'ukava' },
      { amount: 5n, denom: 'erc20/0x919C1c267BC06a7039e03fcc2eF738525769109c' },
      { amount: 7n, denom: 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2' },
    ]);
    const results = structuredClone(recordedResults(PLAIN_HEIGHT));
    const events = (results['txs_results'] as { events: { type: string; attributes: { key: string; value: string }[] }[] }[])[2]!.events;
    const payout = events.findIndex((e) => e.type === 'transfer' && e.attributes.some((a) => a.value === '197643202602405085inj'));
    events[payout]!.attributes.find((a) => a.key === 'amount')!.value = '3inj,9ibc/ABC';
    const legs = normalize(PLAIN_HEIGHT, results).block.transactions[2]!.transfers;
    expect(legs.slice(0, 2).map((t) => [t.leg, t.kind, t.amount, t.asset])).toEqual([
      [`e${payout}.c0`, 'native', 3n, { contract: null, symbol: 'INJ', decimals: 18 }],
      [`e${payout}.c1`, 'token', 9n, { contract: 'ibc/ABC', symbol: 'IBC', decimals: 0, rawUnits: true }],
    ]);
  });

  it('hostile data: one unreadable tx is skipped and named, the others stay; a malformed block is retryable', () => {
    const results = structuredClone(recordedResults(PLAIN_HEIGHT));
    const events = (results['txs_results'] as { events: { type: string; attributes: { key: string; value: string }[] }[] }[])[1]!.events;
    events.find((e) => e.type === 'transfer')!.attributes.find((a) => a.key === 'amount')!.value = 'lots of inj';
    const { block, skipped } = normalize(PLAIN_HEIGHT, results);
    expect(block.transactions.map((t) => t.hash)).toEqual([0, 2].map((i) => cosmosTxHash(assembledTxs(PLAIN_HEIGHT, 3)[i]!)));
    expect(skipped).toEqual([{ hash: cosmosTxHash(assembledTxs(PLAIN_HEIGHT, 3)[1]!), reason: expect.stringMatching(/not an amount/) as unknown }]);

    const short = { ...recordedResults(PLAIN_HEIGHT), txs_results: [] };
    expect(() => normalizeCosmosBlock({ block: assembledBlock(PLAIN_HEIGHT, 3), results: short }, PLAIN_HEIGHT, INJ)).toThrow(RetryableError);
    expect(() => normalizeCosmosBlock({ block: { block_id: {} }, results: recordedResults(PLAIN_HEIGHT) }, PLAIN_HEIGHT, INJ)).toThrow(/no block header/);
    expect(() => normalizeCosmosBlock({ block: assembledBlock(PLAIN_HEIGHT + 1, 3), results: recordedResults(PLAIN_HEIGHT) }, PLAIN_HEIGHT, INJ)).toThrow(/answered block/);
  });
});
