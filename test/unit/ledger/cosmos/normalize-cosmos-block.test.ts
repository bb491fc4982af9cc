/** Cosmos (CometBFT) block normalising and bech32 accounts on recorded blocks: crypto.org and Cosmos Hub mainnet, Croeseid testnet, Injective results (test/fixtures/ledger/cosmos/NOTES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { cosmosOptionsSchema, normalizeCosmosAddress } from '../../../../src/core/ledger/cosmos/cosmos-profile.js';
import { cosmosTxHash, normalizeCosmosBlock, parseCoins } from '../../../../src/core/ledger/cosmos/normalize-cosmos-block.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { RetryableError } from '../../../../src/core/errors.js';
import { assembledBlock, assembledBlockId, cometDataHash, COSMOS_HUB, CROESEID_AUTHZ, CROESEID_FAILED, CRYPTO_ORG, PLAIN_HEIGHT, plainResults, recordedHeight, recordedTxs } from '../../../helpers/cosmos-fixtures.js';

const INJ = cosmosOptionsSchema.parse({ nativeDenom: 'inj', nativeSymbol: 'INJ', nativeDecimals: 18 });
const FEE_COLLECTOR = 'inj17xpfvakm2amg962yls6f84z3kell8c5l6s5ye9';

type Fixture = typeof CRYPTO_ORG | typeof COSMOS_HUB | typeof CROESEID_AUTHZ | typeof CROESEID_FAILED;
const optionsOf = (f: Fixture) => cosmosOptionsSchema.parse(f.options);
function normalizeRecorded(f: Fixture, edit?: (recorded: ReturnType<typeof recordedHeight>) => void) {
  const recorded = recordedHeight(f);
  edit?.(recorded);
  return normalizeCosmosBlock(recorded, f.height, optionsOf(f));
}
/** The plain-attribute results have no recorded `/block`: an assembled one carries placeholder txs. */
function normalizePlain(results = plainResults()) {
  const count = (results['txs_results'] as unknown[]).length;
  return normalizeCosmosBlock({ block: assembledBlock(PLAIN_HEIGHT, count), results }, PLAIN_HEIGHT, INJ);
}
type RecordedEvents = { events: { type: string; attributes: { key: string; value: string }[] }[] }[];
const b64 = (text: string) => Buffer.from(text).toString('base64');
const legsOf = (t: { transfers: readonly { leg: string; kind: string; from: { display: string }; to: { display: string }; amount: bigint }[] }) => t.transfers.map((l) => [l.leg, l.kind, l.from.display, l.to.display, l.amount]);

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

  it('the recorded blocks are whole: each header commits to its recorded txs (data_hash), and results line up one per tx', () => {
    for (const f of [CRYPTO_ORG, COSMOS_HUB, CROESEID_AUTHZ, CROESEID_FAILED]) {
      const { block, results } = recordedHeight(f);
      const header = (block as { block: { header: { data_hash: string; height: string } } }).block.header;
      expect([f.name, cometDataHash(recordedTxs(block))]).toEqual([f.name, header.data_hash]);
      expect([header.height, results['height']]).toEqual([String(f.height), String(f.height)]);
      expect((results['txs_results'] as unknown[]).length).toBe(recordedTxs(block).length);
    }
  });

  it('crypto.org mainnet 643189 (base64 attributes, SDK 0.42): a send, a rewards payout, an IBC refund; fees are fees, not transfers', () => {
    const { block, skipped } = normalizeRecorded(CRYPTO_ORG);
    expect(skipped).toEqual([]);
    expect(block.header).toEqual({ number: 643189, hash: '7B0948F786F649A808DC6C31690FD478766D4B4D4295B914C8189DD8003F6C55', parentHash: '024041C1A27BBDE8592E19603E6D09374444FFAA254A47953C37744CC949FFD3' });
    expect(block.transactions.map((t) => t.hash)).toEqual(recordedTxs(recordedHeight(CRYPTO_ORG).block).map(cosmosTxHash));
    expect(block.transactions.map((t) => t.hash.slice(0, 12))).toEqual(['D314CD77CFB1', '73435AF4BF60', 'E86F52B60F3E']);
    // No `tx` fee attribute before SDK 0.44: the fee is the signer's payment to the fee collector before the first message.
    expect(block.transactions.map((t) => [t.success, t.signer?.display, t.fee])).toEqual([
      [true, 'cro1wdyk7kys6hcrljrmn2ppjcu559csvlpt8gpddy', 20000n],
      [true, 'cro1v32h6ccfvs8v6qc0natzhgs566es3mrwu42mw9', 20000n],
      [true, 'cro1q040rm026jmpfmxdsj6q9phm9tdceepnsau6me', 80000n],
    ]);
    const [withdraw, send, timeout] = block.transactions;
    // MsgWithdrawDelegatorReward: the distribution module pays the delegator, and is an actor of the tx.
    expect(legsOf(withdraw!)).toEqual([['e3.c0', 'native', 'cro1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8lyv94w', 'cro1wdyk7kys6hcrljrmn2ppjcu559csvlpt8gpddy', 1681170184n]]);
    expect(withdraw!.actors?.map((a) => a.display)).toEqual(['cro1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8lyv94w']);
    // MsgSend of 453.85034928 CRO.
    expect(legsOf(send!)).toEqual([['e3.c0', 'native', 'cro1v32h6ccfvs8v6qc0natzhgs566es3mrwu42mw9', 'cro1w2kvwrzp23aq54n3amwav4yy4a9ahq2kz2wtmj', 45385034928n]]);
    expect(send!.transfers[0]!.asset).toEqual({ contract: null, symbol: 'CRO', decimals: 8 });
    expect(send!.actors).toBeUndefined();
    // A relayer's MsgTimeout: the IBC escrow refunds the original sender; the relayer only signs.
    expect(legsOf(timeout!)).toEqual([['e6.c0', 'native', 'cro1wsxce0ls59rtj70fwcrxmtmmv32vpgmg4hylld', 'cro1s7cu28403gzdvy5tttyskm3zxjejxcv63espre', 1n]]);
    expect(block.transactions[0]!.signer!.key).toBe(normalizeCosmosAddress('cro1wdyk7kys6hcrljrmn2ppjcu559csvlpt8gpddy', { addressPrefix: 'cro' }).matchKey);
    // Same input, same legs: ids do not depend on anything but the block.
    expect(normalizeRecorded(CRYPTO_ORG).block).toEqual(block);
  });

  it('Cosmos Hub mainnet 9399574 (SDK 0.44): the `tx` event fee, a delegation paying out rewards, two MsgSends', () => {
    const { block, skipped } = normalizeRecorded(COSMOS_HUB);
    expect(skipped).toEqual([]);
    expect(block.header.hash).toBe('4509214727473F165747407CEDBEF4DC70C04FBC64283AD7501D5E20D2A9E2C9');
    expect(block.transactions.map((t) => [t.hash.slice(0, 12), t.signer?.display, t.fee, legsOf(t)])).toEqual([
      ['068558973695', 'cosmos14jayw662dsn2u050lmhpysqu64dz02cvcxrwnm', 2500n, [['e10.c0', 'native', 'cosmos1jv65s3grqf6v6jl3dp4t6c9t9rk99cd88lyufl', 'cosmos14jayw662dsn2u050lmhpysqu64dz02cvcxrwnm', 163n]]],
      ['C3C3FC901B9E', 'cosmos1l0znsvddllw9knha3yx2svnlxny676d8ns7uys', 3000n, [['e10.c0', 'native', 'cosmos1l0znsvddllw9knha3yx2svnlxny676d8ns7uys', 'cosmos1vkz5a2427p9z30h7wkj6m5p2u56zpjyvyv0ezk', 4999785000n]]],
      ['AC2BD4EF48A1', 'cosmos10v888l3d44rh65mjku0m96dgkegnwcxwpm3har', 500n, [['e10.c0', 'native', 'cosmos10v888l3d44rh65mjku0m96dgkegnwcxwpm3har', 'cosmos1k4r9xelttshp5jq7c9a2khwpyj0r69j7lzhu77', 900n]]],
    ]);
  });

  it('an authz MsgExec (Croeseid 113382): the grantee signs, the granter whose coins moved is an actor', () => {
    const [exec] = normalizeRecorded(CROESEID_AUTHZ).block.transactions;
    expect([exec!.signer?.display, exec!.fee, legsOf(exec!)]).toEqual(['tcro15zh5tn7xjdecu4zjclsmlnlht5ead2mx84gau2', 50000n, [['e9.c0', 'native', 'tcro1vurfhqf0j2jgfpjahlja6g6uq2ts2r60swm2d9', 'tcro1a93yfnsc3x7m0m445cjsvee2n7qz9c0purlzwq', 100000000n]]]);
    expect(exec!.actors?.map((a) => a.display)).toEqual(['tcro1vurfhqf0j2jgfpjahlja6g6uq2ts2r60swm2d9']);
  });

  it('a failed tx (Croeseid 492759, code 11 out of gas) moves nothing; SDK 0.42 kept no events for it, so no signer or fee either', () => {
    const { block, skipped } = normalizeRecorded(CROESEID_FAILED);
    expect(skipped).toEqual([]);
    expect(block.transactions.map((t) => [t.hash, t.success, t.signer, t.fee, t.transfers])).toEqual([['7CCAB9771B76F25E81C26E50265243014798172F9E8C06F8AD17442C61E592EC', false, null, null, []]]);
  });

  it('a failed tx that kept its events (code != 0) keeps its signer and fee and moves nothing', () => {
    const failed = normalizeRecorded(CRYPTO_ORG, ({ results }) => {
      const txs = results['txs_results'] as Record<string, unknown>[];
      txs[1] = { ...txs[1], code: 5, codespace: 'sdk' };
    }).block.transactions[1]!;
    expect([failed.success, failed.signer?.display, failed.fee, failed.transfers]).toEqual([false, 'cro1v32h6ccfvs8v6qc0natzhgs566es3mrwu42mw9', 20000n, []]);
  });

  it('reads plain attributes (CometBFT 1.0, results only): fee_payer signs, module payouts are transfers per coin with stable legs', () => {
    const { block, skipped } = normalizePlain();
    expect(skipped).toEqual([]);
    expect(block.header).toEqual({ number: PLAIN_HEIGHT, hash: assembledBlockId(PLAIN_HEIGHT), parentHash: assembledBlockId(PLAIN_HEIGHT - 1) });
    const undelegate = block.transactions[2]!;
    const recordedEvents = (plainResults()['txs_results'] as RecordedEvents)[2]!.events;
    const transferAt = (amount: string) => recordedEvents.findIndex((e) => e.type === 'transfer' && e.attributes.some((a) => a.key === 'amount' && a.value === amount));
    expect(undelegate.signer?.display).toBe('inj1wgd6mj5pr3cvuac5n6wrjzsp3kpcckssk080kg');
    expect(undelegate.fee).toBe(139706500000000n);
    expect(undelegate.transfers.map((t) => [t.leg, t.kind, t.from.display, t.to.display, t.amount, t.asset])).toEqual([
      [`e${transferAt('197643202602405085inj')}.c0`, 'native', 'inj1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8dkncm8', 'inj1wgd6mj5pr3cvuac5n6wrjzsp3kpcckssk080kg', 197643202602405085n, { contract: null, symbol: 'INJ', decimals: 18 }],
      [`e${transferAt('45909822537000000000inj')}.c0`, 'native', 'inj1fl48vsnmsdzcv85q5d2q4z5ajdha8yu3lj7tt0', 'inj1tygms3xhhs3yv487phx3dw4a95jn7t7ltjz6am', 45909822537000000000n, { contract: null, symbol: 'INJ', decimals: 18 }],
    ]);
    // Module accounts that sent inside the message are actors, the signer is not repeated.
    expect(undelegate.actors?.map((a) => a.display)).toEqual(['inj1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8dkncm8', 'inj1fl48vsnmsdzcv85q5d2q4z5ajdha8yu3lj7tt0']);
    expect(normalizePlain().block).toEqual(block);
  });

  it('multi-denom amounts: native and tokens (the denom is the contract), in raw units', () => {
    expect(parseCoins('1000ukava,5erc20/0x919C1c267BC06a7039e03fcc2eF738525769109c,7ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2')).toEqual([
      { amount: 1000n, denom: 'ukava' },
      { amount: 5n, denom: 'erc20/0x919C1c267BC06a7039e03fcc2eF738525769109c' },
      { amount: 7n, denom: 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2' },
    ]);
    // The recorded MsgSend's amount (event 3 of tx 1, base64 as CometBFT 0.34 wrote it) made multi-denom.
    const legs = normalizeRecorded(CRYPTO_ORG, ({ results }) => {
      const send = (results['txs_results'] as RecordedEvents)[1]!.events[3]!;
      send.attributes.find((a) => a.key === b64('amount'))!.value = b64('3basecro,9ibc/ABC');
    }).block.transactions[1]!.transfers;
    expect(legs.map((t) => [t.leg, t.kind, t.amount, t.asset])).toEqual([
      ['e3.c0', 'native', 3n, { contract: null, symbol: 'CRO', decimals: 8 }],
      ['e3.c1', 'token', 9n, { contract: 'ibc/ABC', symbol: 'IBC', decimals: 0, rawUnits: true }],
    ]);
  });

  it('an Ethermint-style `0x` message.sender (EVM txs on Kava, Evmos, Cronos) is the same account, not an unreadable tx', () => {
    const sender = 'cro1v32h6ccfvs8v6qc0natzhgs566es3mrwu42mw9';
    const key = normalizeCosmosAddress(sender, { addressPrefix: 'cro' }).matchKey;
    const hex = `0x${key.toUpperCase()}`;
    const { block, skipped } = normalizeRecorded(CRYPTO_ORG, ({ results }) => {
      for (const event of (results['txs_results'] as RecordedEvents)[1]!.events) {
        if (event.type !== 'message') continue;
        for (const a of event.attributes) if (a.key === b64('sender')) a.value = b64(hex);
      }
    });
    expect(skipped).toEqual([]);
    const send = block.transactions[1]!;
    expect(send.signer).toEqual({ key, display: hex.toLowerCase() });
    // The transfer event still names the bech32 form: one account, one key, so no extra actor either.
    expect(send.transfers[0]!.from.key).toBe(key);
    expect(send.actors).toBeUndefined();
  });

  it('hostile data: one unreadable tx is skipped and named, the others stay; a malformed block is retryable', () => {
    const txHashes = recordedTxs(recordedHeight(CRYPTO_ORG).block).map(cosmosTxHash);
    const { block, skipped } = normalizeRecorded(CRYPTO_ORG, ({ results }) => {
      const send = (results['txs_results'] as RecordedEvents)[1]!.events[3]!;
      send.attributes.find((a) => a.key === b64('amount'))!.value = b64('lots of cro');
    });
    expect(block.transactions.map((t) => t.hash)).toEqual([txHashes[0], txHashes[2]]);
    expect(skipped).toEqual([{ hash: txHashes[1], reason: expect.stringMatching(/not an amount/) as unknown }]);

    const options = optionsOf(CRYPTO_ORG);
    const { block: raw, results } = recordedHeight(CRYPTO_ORG);
    expect(() => normalizeCosmosBlock({ block: raw, results: { ...results, txs_results: [] } }, CRYPTO_ORG.height, options)).toThrow(RetryableError);
    expect(() => normalizeCosmosBlock({ block: { block_id: {} }, results }, CRYPTO_ORG.height, options)).toThrow(/no block header/);
    expect(() => normalizeCosmosBlock({ block: raw, results }, CRYPTO_ORG.height + 1, options)).toThrow(/answered block/);
  });
});
