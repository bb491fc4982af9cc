import { describe, expect, it } from 'vitest';
import { AbiCoder, getAddress, getCreateAddress, zeroPadValue, toBeHex } from 'ethers';
import { matchEvmBlock, type MatchEvmBlockContext } from '../../../src/core/evm/match-evm-block.js';
import { findEvmLookupNeeds } from '../../../src/core/evm/find-evm-lookup-needs.js';
import { normalizeEvmBlock } from '../../../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../../../src/core/evm/normalize-evm-receipts.js';
import { TRANSFER_BATCH_TOPIC, TRANSFER_SINGLE_TOPIC, TRANSFER_TOPIC } from '../../../src/core/evm/collect-evm-legs.js';
import { tokenMetadataKey } from '../../../src/core/evm/token-metadata-key.js';
import type { EvmBlockData, EvmLog, EvmTransaction } from '../../../src/core/evm/evm-block-data.js';
import type { WatchlistIndex } from '../../../src/core/watchlist.js';
import { CHAIN, rpcTestResult, watchlistOf } from './fixtures.js';

const W = '0x1111111111111111111111111111111111111111';
const W2 = '0x2222222222222222222222222222222222222222';
const X = '0x3333333333333333333333333333333333333333';
const TOKEN = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const h = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const topic = (address: string): string => zeroPadValue(address, 32).toLowerCase();
const word = (n: bigint): string => toBeHex(n, 32).slice(2);

function block(parts: Partial<EvmBlockData> = {}): EvmBlockData {
  return { header: { number: 100, hash: h(0xb100), parentHash: h(0xb099) }, timestamp: 1, transactions: [], logs: [], internalTransfers: null, txStatus: null, ...parts };
}
function tx(n: number, from: string, to: string | null, value = 0n): EvmTransaction {
  return { hash: h(n), index: n, from, to, value, nonce: 7 };
}
function erc20Log(txN: number, logIndex: number, from: string, to: string, amount: bigint, address = TOKEN): EvmLog {
  return { address, topics: [TRANSFER_TOPIC, topic(from), topic(to)], data: `0x${word(amount)}`, logIndex, txHash: h(txN), txIndex: txN };
}
function ctx(index: WatchlistIndex, extra: Partial<MatchEvmBlockContext> = {}): MatchEvmBlockContext {
  return { chain: CHAIN, index, headNumber: 105, nativeSymbol: 'ETH', ...extra };
}
const summary = (ms: ReturnType<typeof matchEvmBlock>) => ms.map((m) => `${m.kind} ${m.direction} ${m.watchedAddress.slice(0, 6)} ${m.amount}${m.tokenId === null ? '' : ` #${m.tokenId}`} ${m.id.split('-').slice(2, -1).join('-')}`);

describe('matchEvmBlock', () => {
  it('native out / in, with EIP-55 addresses, native asset, confirmations and deterministic ids', () => {
    const ms = matchEvmBlock(block({ transactions: [tx(1, W, X, 5n), tx(2, X, W, 6n)] }), ctx(watchlistOf(W)));
    expect(ms).toHaveLength(2);
    expect(ms[0]).toEqual({
      id: `${CHAIN}-${h(1)}-native-${W}`, chain: CHAIN, direction: 'out', kind: 'native', txHash: h(1), blockNumber: 100, blockHash: h(0xb100), logIndex: null, tracePosition: null,
      from: getAddress(W), to: getAddress(X), asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount: 5n, tokenId: null, watchedAddress: W,
      watchlist: watchlistOf(W).lookup(CHAIN, W), confirmations: 6, txFrom: getAddress(W),
    });
    expect(ms[1]).toMatchObject({ direction: 'in', kind: 'native', amount: 6n, from: getAddress(X), to: getAddress(W), txFrom: getAddress(X) });
  });

  it('self transfer gives one self movement; both sides watched gives one movement per watched address', () => {
    const ms = matchEvmBlock(block({ transactions: [tx(1, W, W, 1n), tx(2, W, W2, 2n)], logs: [erc20Log(2, 0, W, W2, 9n)] }), ctx(watchlistOf(W, W2)));
    expect(summary(ms)).toEqual([
      `native self 0x1111 1 native`,
      `native out 0x1111 2 native`,
      `native in 0x2222 2 native`,
      `erc20 out 0x1111 9 txlog0`,
      `erc20 in 0x2222 9 txlog0`,
    ]);
  });

  it('ERC-20 where the watched address is only in the log topics (tx between unrelated accounts), with token metadata', () => {
    const b = block({ transactions: [tx(1, X, '0x4444444444444444444444444444444444444444')], logs: [erc20Log(1, 3, W, X, 1_000_000n)] });
    const ms = matchEvmBlock(b, ctx(watchlistOf(W), { tokens: new Map([[tokenMetadataKey('erc20', TOKEN), { symbol: 'USDT', decimals: 6 }]]) }));
    expect(ms).toHaveLength(1);
    // The id names the log by its position in the transaction (first log: txlog0); logIndex stays block-wide.
    expect(ms[0]).toMatchObject({ kind: 'erc20', direction: 'out', amount: 1_000_000n, logIndex: 3, tokenId: null, asset: { contract: getAddress(TOKEN), symbol: 'USDT', decimals: 6 }, id: `${CHAIN}-${h(1)}-txlog0-${W}` });
    expect(ms[0]!.legacyIds).toEqual([`${CHAIN}-${h(1)}-log3-${W}`]);
    // Unknown metadata falls back rather than failing the block, in raw units, flagged.
    expect(matchEvmBlock(b, ctx(watchlistOf(W)))[0]!.asset).toEqual({ contract: getAddress(TOKEN), symbol: 'ERC20', decimals: 0, rawUnits: true });
  });

  it('token leg ids survive a reorg that re-mines the transaction at another position: the log is named by its place in the transaction', () => {
    const index = watchlistOf(W);
    const alone = block({ transactions: [tx(1, X, TOKEN)], logs: [erc20Log(1, 0, X, TOKEN, 1n), erc20Log(1, 1, W, X, 5n)] });
    const behindAnother = block({
      header: { number: 100, hash: h(0xb200), parentHash: h(0xb099) },
      transactions: [tx(2, X, TOKEN), tx(1, X, TOKEN)],
      logs: [erc20Log(2, 0, X, X, 1n), erc20Log(2, 1, X, X, 1n), erc20Log(2, 2, X, X, 1n), erc20Log(1, 3, X, TOKEN, 1n), erc20Log(1, 4, W, X, 5n)],
    });
    const [before] = matchEvmBlock(alone, ctx(index));
    const [after] = matchEvmBlock(behindAnother, ctx(index));
    expect(before!.logIndex).toBe(1);
    expect(after!.logIndex).toBe(4);
    expect(after!.id).toBe(before!.id);
    expect(before!.id).toBe(`${CHAIN}-${h(1)}-txlog1-${W}`);
    expect([before!.legacyIds, after!.legacyIds]).toEqual([[`${CHAIN}-${h(1)}-log1-${W}`], [`${CHAIN}-${h(1)}-log4-${W}`]]);
  });

  it('tells ERC-721 (tokenId as 4th topic) from ERC-20 (value in data) under the same Transfer topic0', () => {
    const nft: EvmLog = { address: X, topics: [TRANSFER_TOPIC, topic(X), topic(W), h(0x22dc)], data: '0x', logIndex: 1, txHash: h(1), txIndex: 1 };
    const ms = matchEvmBlock(block({ logs: [erc20Log(1, 0, X, W, 500n), nft] }), ctx(watchlistOf(W), { tokens: new Map([[tokenMetadataKey('erc721', X), { symbol: 'BAYC', decimals: 0 }]]) }));
    expect(ms.map((m) => [m.kind, m.amount, m.tokenId, m.asset.decimals])).toEqual([
      ['erc20', 500n, null, 0],
      ['erc721', 1n, 0x22dcn, 0],
    ]);
    expect(ms[1]!.asset.symbol).toBe('BAYC');
  });

  it('a hybrid (ERC-404-style) contract gets metadata per standard: its ERC-20 legs keep their decimals beside its ERC-721 legs', () => {
    const hybrid = X;
    const nft: EvmLog = { address: hybrid, topics: [TRANSFER_TOPIC, topic(X), topic(W), h(0x22dc)], data: '0x', logIndex: 1, txHash: h(1), txIndex: 1 };
    const b = block({ transactions: [tx(1, X, hybrid)], logs: [nft, erc20Log(1, 2, X, W, 10n ** 18n, hybrid)] });
    const needs = findEvmLookupNeeds(b, CHAIN, watchlistOf(W));
    expect(needs.tokens).toEqual([{ contract: hybrid, standard: 'erc721' }, { contract: hybrid, standard: 'erc20' }]);
    const tokens = new Map([
      [tokenMetadataKey('erc721', hybrid), { symbol: 'PANDORA', decimals: 0 }],
      [tokenMetadataKey('erc20', hybrid), { symbol: 'PANDORA', decimals: 18 }],
    ]);
    const ms = matchEvmBlock(b, ctx(watchlistOf(W), { tokens, legs: needs.legs }));
    expect(ms.map((m) => [m.kind, m.amount, m.tokenId, m.asset.symbol, m.asset.decimals])).toEqual([
      ['erc721', 1n, 0x22dcn, 'PANDORA', 0],
      ['erc20', 10n ** 18n, null, 'PANDORA', 18],
    ]);
    // Without the ERC-20 lookup, the ERC-20 leg is raw units (flagged), never the ERC-721 side's metadata.
    const onlyNft = new Map([[tokenMetadataKey('erc721', hybrid), { symbol: 'PANDORA', decimals: 0 }]]);
    expect(matchEvmBlock(b, ctx(watchlistOf(W), { tokens: onlyNft }))[1]!.asset).toEqual({ contract: getAddress(hybrid), symbol: 'ERC20', decimals: 0, rawUnits: true });
  });

  it('ERC-1155 TransferSingle and TransferBatch where the watched address is only an event argument', () => {
    const operator = topic(X);
    const single: EvmLog = { address: X, topics: [TRANSFER_SINGLE_TOPIC, operator, topic(X), topic(W)], data: `0x${word(7n)}${word(100n)}`, logIndex: 4, txHash: h(1), txIndex: 1 };
    const batchData = AbiCoder.defaultAbiCoder().encode(['uint256[]', 'uint256[]'], [[1n, 2n, 3n], [10n, 20n, 30n]]);
    const batch: EvmLog = { address: X, topics: [TRANSFER_BATCH_TOPIC, operator, topic(W), topic(X)], data: batchData, logIndex: 5, txHash: h(1), txIndex: 1 };
    const ms = matchEvmBlock(block({ transactions: [tx(1, X, X)], logs: [single, batch] }), ctx(watchlistOf(W)));
    expect(summary(ms)).toEqual([
      'erc1155 in 0x1111 100 #7 txlog0',
      'erc1155 out 0x1111 10 #1 txlog1-0',
      'erc1155 out 0x1111 20 #2 txlog1-1',
      'erc1155 out 0x1111 30 #3 txlog1-2',
    ]);
    expect(ms.map((m) => m.legacyIds?.[0]?.split('-').slice(2, -1).join('-'))).toEqual(['log4', 'log5-0', 'log5-1', 'log5-2']);
    expect(ms[0]!.asset).toEqual({ contract: getAddress(X), symbol: 'ERC1155', decimals: 0 });
  });

  it('skips logs that do not decode (wrong topic count, non-address topics, broken batch arrays) without failing the block', () => {
    const logs: EvmLog[] = [
      { address: X, topics: [TRANSFER_TOPIC, topic(W)], data: `0x${word(1n)}`, logIndex: 0, txHash: h(1), txIndex: 1 },
      { address: X, topics: [TRANSFER_TOPIC, `0xff${topic(W).slice(4)}`, topic(X)], data: `0x${word(1n)}`, logIndex: 1, txHash: h(1), txIndex: 1 },
      { address: X, topics: [TRANSFER_TOPIC, topic(W), topic(X)], data: '0x', logIndex: 2, txHash: h(1), txIndex: 1 },
      { address: X, topics: [TRANSFER_BATCH_TOPIC, topic(X), topic(W), topic(X)], data: `0x${word(64n)}${word(96n)}${word(5n)}`, logIndex: 3, txHash: h(1), txIndex: 1 },
      { address: X, topics: [TRANSFER_SINGLE_TOPIC, topic(X), topic(W), topic(X)], data: `0x${word(1n)}`, logIndex: 4, txHash: h(1), txIndex: 1 },
    ];
    expect(matchEvmBlock(block({ logs }), ctx(watchlistOf(W)))).toEqual([]);
  });

  it('activity: a watched sender with no value gets activity; not when the tx moved its tokens out; still when it only received', () => {
    const b = block({
      transactions: [tx(1, W, TOKEN), tx(2, W, TOKEN), tx(3, W, TOKEN)],
      logs: [erc20Log(2, 0, W, X, 5n), erc20Log(3, 1, X, W, 8n)],
    });
    expect(summary(matchEvmBlock(b, ctx(watchlistOf(W))))).toEqual([
      'activity out 0x1111 0 activity',
      'activity out 0x1111 0 activity',
      'erc20 out 0x1111 5 txlog0',
      'erc20 in 0x1111 8 txlog0',
    ]);
    expect(matchEvmBlock(b, ctx(watchlistOf(W))).filter((m) => m.kind === 'activity').map((m) => m.txHash)).toEqual([h(1), h(3)]);
  });

  it('a reverted transaction moved nothing: the watched sender gets activity, a watched recipient nothing, internal transfers are dropped', () => {
    const b = block({
      transactions: [tx(1, W, X, 10n), tx(2, X, W2, 20n)],
      internalTransfers: [{ txHash: h(1), position: '0', from: X, to: W2, value: 3n, callType: 'call' }],
    });
    const failed = new Map([[h(1), false], [h(2), false]]);
    expect(summary(matchEvmBlock(b, ctx(watchlistOf(W, W2), { txStatus: failed })))).toEqual(['activity out 0x1111 0 activity']);
    // The same block with receipts already in it (eth_getBlockReceipts) decides the same way.
    expect(summary(matchEvmBlock({ ...b, txStatus: failed }, ctx(watchlistOf(W, W2))))).toEqual(['activity out 0x1111 0 activity']);
    expect(summary(matchEvmBlock(b, ctx(watchlistOf(W, W2))))).toEqual(['native out 0x1111 10 native', 'native in 0x2222 20 native', 'internal in 0x2222 3 trace0']);
  });

  it('internal transfers from traces carry kind internal, the call position, and a leg id without dots or colons', () => {
    const b = block({ transactions: [tx(1, X, X)], internalTransfers: [{ txHash: h(1), position: '0.2.1', from: X, to: W, value: 42n, callType: 'call' }] });
    const [m] = matchEvmBlock(b, ctx(watchlistOf(W)));
    expect(m).toMatchObject({ kind: 'internal', direction: 'in', amount: 42n, tracePosition: '0.2.1', asset: { contract: null, symbol: 'ETH', decimals: 18 } });
    expect(m!.id).toBe(`${CHAIN}-${h(1)}-trace0_2_1-${W}`);
    expect(m!.txFrom).toBe(getAddress(X));
  });

  it('a contract creation by a watched address names the created contract as recipient', () => {
    const [m] = matchEvmBlock(block({ transactions: [tx(1, W, null)] }), ctx(watchlistOf(W)));
    expect(m).toMatchObject({ kind: 'activity', to: getCreateAddress({ from: W, nonce: 7 }) });
  });

  it('property: adding unrelated transactions and logs to a block never changes the movements found', () => {
    const base = block({
      transactions: [tx(1, W, X, 5n), tx(2, X, W2)],
      logs: [erc20Log(2, 0, X, W2, 9n)],
      internalTransfers: [{ txHash: h(2), position: '1', from: X, to: W, value: 2n, callType: 'call' }],
    });
    const index = watchlistOf(W, W2);
    const expected = matchEvmBlock(base, ctx(index));
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const randomAddress = (): string => `0x${Array.from({ length: 40 }, () => Math.floor(rand() * 16).toString(16)).join('')}`;
    for (let round = 0; round < 50; round++) {
      const noiseTxs = Array.from({ length: 1 + Math.floor(rand() * 20) }, (_, i) => tx(1000 + i, randomAddress(), rand() < 0.1 ? null : randomAddress(), BigInt(Math.floor(rand() * 1e9))));
      const topics = [TRANSFER_TOPIC, TRANSFER_SINGLE_TOPIC, TRANSFER_BATCH_TOPIC, h(0xdead)];
      const noiseLogs: EvmLog[] = noiseTxs.map((t, i) => ({
        address: randomAddress(), topics: [topics[i % 4]!, topic(randomAddress()), topic(randomAddress()), topic(randomAddress())].slice(0, 3 + (i % 2)),
        data: `0x${word(BigInt(i))}${word(3n)}`, logIndex: 100 + i, txHash: t.hash, txIndex: t.index,
      }));
      const noisy: EvmBlockData = {
        ...base,
        transactions: [...noiseTxs.slice(0, 3), ...base.transactions, ...noiseTxs.slice(3)],
        logs: [...base.logs, ...noiseLogs],
        internalTransfers: [...(base.internalTransfers ?? []), ...noiseTxs.map((t, i) => ({ txHash: t.hash, position: `${i}`, from: randomAddress(), to: randomAddress(), value: 1n, callType: 'call' }))],
      };
      expect(matchEvmBlock(noisy, ctx(index))).toEqual(expected);
    }
  });
});

describe('matchEvmBlock on mainnet block 18,000,000 with its real receipts', () => {
  const normalized = normalizeEvmBlock(rpcTestResult('eth_getBlockByNumber/test_08.json'));
  const receipts = normalizeEvmReceipts(rpcTestResult('eth_getBlockReceipts/test_02.json'), normalized.header);
  const b: EvmBlockData = { ...normalized, logs: receipts.logs, internalTransfers: null, txStatus: receipts.txStatus };

  it('finds an ERC-20 (USDT) out, an ERC-721 in, native value out, and a reverted value transfer as activity', () => {
    const usdtSender = '0x0865dfee215af901c0ff9e0db44b96074e434c63';
    const nftReceiver = '0x84b4fe12c5af4d8e067041924601bbb5c3bfabb6';
    const revertedSender = '0x8902b29f9f442b9041c68d45629efd2e9edacae9';
    const valueSender = '0xe4edb277e41dc89ab076a1f049f4a3efa700bce8';
    const ms = matchEvmBlock(b, ctx(watchlistOf(usdtSender, nftReceiver, revertedSender, valueSender), { headNumber: 18_000_000 }));
    const byWatched = (a: string) => ms.filter((m) => m.watchedAddress === a).map((m) => [m.kind, m.direction, m.txHash, m.amount, m.tokenId]);
    expect(byWatched(usdtSender)).toContainEqual(['erc20', 'out', '0x6742cd57e6aefce4b96887bb3090371ac49414c6b45a21e43d9e41e0ea9ed5ab', 0n, null]);
    expect(byWatched(nftReceiver)).toContainEqual(['erc721', 'in', '0xd7e72a37c6f709a4f26e22d721b42ff0f1065ecd9edc60468868a7c74f521154', 1n, 0x22dcn]);
    expect(byWatched(revertedSender)).toEqual([['activity', 'out', '0x10a315bbd6c9500b24debc5882cc7d9193ed314b864e26a23a2d4d343dfdfc28', 0n, null]]);
    expect(byWatched(valueSender)).toContainEqual(['native', 'out', '0x5119dcc6bb07181742fd0366196021b120cc1c022c62ce3d3e272a7584fe4e2f', 69_970_000_000_000_014n, null]);
    expect(ms.every((m) => m.confirmations === 1 && m.blockHash === normalized.header.hash)).toBe(true);
    expect(new Set(ms.map((m) => m.id)).size).toBe(ms.length);
  });

  it('every EVM movement kind carries txFrom, the real sender: a zero-value USDT "transfer" out of a wallet in a transaction it did not send (address poisoning), an NFT in, a contract creation', () => {
    const poisoned = '0x0865dfee215af901c0ff9e0db44b96074e434c63';
    const nftReceiver = '0x84b4fe12c5af4d8e067041924601bbb5c3bfabb6';
    const creator = '0xc0f1c87de7d8235cb960ed8742659503a4881c73';
    const valueSender = '0xe4edb277e41dc89ab076a1f049f4a3efa700bce8';
    const ms = matchEvmBlock(b, ctx(watchlistOf(poisoned, nftReceiver, creator, valueSender), { headNumber: 18_000_000 }));
    const forged = ms.find((m) => m.watchedAddress === poisoned && m.kind === 'erc20')!;
    expect(forged).toMatchObject({ direction: 'out', from: getAddress(poisoned), amount: 0n, txFrom: getAddress('0x6ddf03e87c471f4034b50ecfac3359c9263d83e6') });
    expect(ms.find((m) => m.watchedAddress === nftReceiver && m.kind === 'erc721')!.txFrom).toBe(getAddress('0x7d88160b804af6e973331ee1e42c2bded1a3132a'));
    const creation = ms.find((m) => m.watchedAddress === creator)!;
    expect(creation).toMatchObject({ kind: 'activity', to: getCreateAddress({ from: creator, nonce: 5 }), txFrom: getAddress(creator) });
    expect(ms.find((m) => m.watchedAddress === valueSender && m.kind === 'native')!.txFrom).toBe(getAddress(valueSender));
    // Whatever the kind, txFrom is the sender of the movement's transaction, EIP-55.
    const everyone = matchEvmBlock(b, ctx(watchlistOf(...new Set(b.transactions.flatMap((t) => [t.from, ...(t.to ? [t.to] : [])]))), { headNumber: 18_000_000 }));
    expect(new Set(everyone.map((m) => m.kind))).toEqual(new Set(['native', 'erc20', 'erc721', 'activity']));
    const senders = new Map(b.transactions.map((t) => [t.hash, getAddress(t.from)]));
    for (const m of everyone) expect(m.txFrom).toBe(senders.get(m.txHash));
  });

  it('property: the movements of the full block equal those of a block cut down to the matched transactions', () => {
    const watched = [...new Set(b.transactions.slice(0, 30).map((t) => t.from))];
    const index = watchlistOf(...watched);
    const full = matchEvmBlock(b, ctx(index));
    expect(full.length).toBeGreaterThan(20);
    const keep = new Set(full.map((m) => m.txHash));
    const cut: EvmBlockData = { ...b, transactions: b.transactions.filter((t) => keep.has(t.hash)), logs: b.logs.filter((l) => keep.has(l.txHash)) };
    expect(matchEvmBlock(cut, ctx(index))).toEqual(full);
  });

  it('looks up each address seen once per occurrence, whatever the watchlist size', () => {
    const counting = (size: number): { index: WatchlistIndex; calls: () => number } => {
      let calls = 0;
      const set = new Set(Array.from({ length: size }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`));
      return { index: { version: 'v', size, keysFor: () => set, lookup: (_c, k) => (calls++, set.has(k) ? [] : undefined) }, calls: () => calls };
    };
    const small = counting(10);
    const big = counting(100_000);
    matchEvmBlock(b, ctx(small.index));
    matchEvmBlock(b, ctx(big.index));
    expect(small.calls()).toBeGreaterThan(0);
    expect(big.calls()).toBe(small.calls());
  });

  it('findEvmLookupNeeds asks only for the matched tokens, and no statuses when the block has receipts', () => {
    const needs = findEvmLookupNeeds(b, CHAIN, watchlistOf('0x0865dfee215af901c0ff9e0db44b96074e434c63'));
    expect(needs.tokens).toEqual([{ contract: TOKEN, standard: 'erc20' }]);
    expect(needs.txHashes).toEqual([]);
    const withoutReceipts = findEvmLookupNeeds({ ...b, txStatus: null }, CHAIN, watchlistOf('0xe4edb277e41dc89ab076a1f049f4a3efa700bce8'));
    expect(withoutReceipts.txHashes).toContain('0x5119dcc6bb07181742fd0366196021b120cc1c022c62ce3d3e272a7584fe4e2f');
  });
});

describe('findEvmLookupNeeds: statuses only where the logs do not settle them', () => {
  it('asks no receipt for a transaction that emitted a log (a revert discards them) and still asks one for a plain value transfer', () => {
    // tx 1: a watched sender's value call that also emitted a Transfer (so it succeeded); tx 2: a plain value transfer to W.
    const b = block({ transactions: [tx(1, W, X, 5n), tx(2, X, W, 6n)], logs: [erc20Log(1, 0, X, W2, 9n)] });
    const needs = findEvmLookupNeeds(b, CHAIN, watchlistOf(W));
    expect(needs.txHashes).toEqual([h(2)]);
    // With the status map the adapter fetched (tx 2 reverted), tx 1 counts as successful: its native leg is alerted, no activity.
    const ms = matchEvmBlock(b, ctx(watchlistOf(W), { legs: needs.legs, txStatus: new Map([[h(2), false]]) }));
    expect(summary(ms)).toEqual(['native out 0x1111 5 native']);
  });
});
