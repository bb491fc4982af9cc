/** The shared ledger-chain matcher (issue #14) on a normalised block: directions, failures, activity, ids. */
import { describe, expect, it } from 'vitest';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction } from '../../../src/core/ledger/ledger-block.js';
import { matchLedgerBlock } from '../../../src/core/ledger/match-ledger-block.js';
import { parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import type { Asset } from '../../../src/core/movement.js';

const XRP: Asset = { contract: null, symbol: 'XRP', decimals: 6 };
const USD: Asset = { contract: 'rhub8VRN55s94qWKDv6jmDy1pUykJzF3wq', symbol: 'USD', decimals: 15 };
const party = (display: string): LedgerParty => ({ key: display.toLowerCase(), display });
const W = party('rWatchedAAAA');
const V = party('rWatchedBBBB');
const X = party('rStrangerCCC');

function index() {
  return buildWatchlistIndex(
    [W, V].map((p, i) => ({ chain: 'xrpl', address: p.display, matchKey: p.key, label: `watched ${i}`, incident: 'test-2024', source: 'https://example.org', tags: ['test'], enabled: true, file: 't.yaml', line: i + 1 })),
  );
}

function block(...transactions: LedgerTransaction[]): LedgerBlock {
  return { header: { number: 100, hash: 'H100', parentHash: 'H99' }, transactions };
}

const tx = (hash: string, over: Partial<LedgerTransaction>): LedgerTransaction => ({ hash, success: true, signer: null, fee: null, transfers: [], ...over });

describe('matchLedgerBlock', () => {
  const ctx = { chain: 'xrpl', index: index(), headNumber: 102, profile: { nativeAsset: XRP } };

  it('alerts out, in, self and both-watched legs with deterministic ids', () => {
    const b = block(
      tx('T1', { signer: W, fee: 12n, transfers: [{ leg: 'op0', kind: 'native', from: W, to: X, asset: XRP, amount: 5_000_000n, tokenId: null }] }),
      tx('T2', { signer: X, transfers: [{ leg: 'op0', kind: 'token', from: X, to: V, asset: USD, amount: 7n, tokenId: null }] }),
      tx('T3', { signer: W, transfers: [{ leg: 'op0', kind: 'native', from: W, to: W, asset: XRP, amount: 1n, tokenId: null }] }),
      tx('T4', { signer: W, transfers: [{ leg: 'op0', kind: 'native', from: W, to: V, asset: XRP, amount: 2n, tokenId: null }] }),
    );
    const got = matchLedgerBlock(b, ctx).map((m) => [m.txHash, m.direction, m.kind, m.watchedAddress, m.amount, m.fee ?? null, m.confirmations, m.id]);
    expect(got).toEqual([
      ['T1', 'out', 'native', 'rWatchedAAAA', 5_000_000n, 12n, 3, 'xrpl-t1-op0-rwatchedaaaa'],
      ['T2', 'in', 'token', 'rWatchedBBBB', 7n, null, 3, 'xrpl-t2-op0-rwatchedbbbb'],
      ['T3', 'self', 'native', 'rWatchedAAAA', 1n, null, 3, 'xrpl-t3-op0-rwatchedaaaa'],
      ['T4', 'out', 'native', 'rWatchedAAAA', 2n, null, 3, 'xrpl-t4-op0-rwatchedaaaa'],
      ['T4', 'in', 'native', 'rWatchedBBBB', 2n, null, 3, 'xrpl-t4-op0-rwatchedbbbb'],
    ]);
    // Same block twice -> the same ids (the queue dedupes).
    expect(matchLedgerBlock(b, ctx).map((m) => m.id)).toEqual(matchLedgerBlock(b, ctx).map((m) => m.id));
  });

  it('a failed transaction moves nothing: its watched signer gets activity, the recipient nothing', () => {
    const got = matchLedgerBlock(block(tx('F1', { success: false, signer: W, fee: 10n, transfers: [{ leg: 'op0', kind: 'native', from: W, to: V, asset: XRP, amount: 9n, tokenId: null }] })), ctx);
    expect(got.map((m) => [m.kind, m.watchedAddress, m.amount, m.fee])).toEqual([['activity', 'rWatchedAAAA', 0n, 10n]]);
  });

  it('a watched actor of a transaction that moved none of its value gets one activity; unwatched blocks give nothing', () => {
    const got = matchLedgerBlock(block(tx('A1', { signer: X, actors: [V, V], transfers: [{ leg: 'op0', kind: 'native', from: X, to: party('rOther'), asset: XRP, amount: 1n, tokenId: null }] })), ctx);
    expect(got.map((m) => [m.kind, m.watchedAddress, m.txFrom])).toEqual([['activity', 'rWatchedBBBB', 'rStrangerCCC']]);
    expect(matchLedgerBlock(block(tx('N1', { signer: X })), ctx)).toEqual([]);
  });

  it('token and nft movements survive the queue round trip', () => {
    const [m] = matchLedgerBlock(block(tx('J1', { signer: X, transfers: [{ leg: 'ev2', kind: 'nft', from: X, to: W, asset: { contract: 'C', symbol: 'NFT', decimals: 0 }, amount: 1n, tokenId: 42n }] })), ctx);
    expect(parseMovementJob(JSON.parse(JSON.stringify(serializeMovement(m!))))).toMatchObject({ kind: 'nft', tokenId: 42n, watchedAddress: 'rWatchedAAAA' });
  });
});
