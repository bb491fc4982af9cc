/**
 * Solana (issue #14) on real recorded mainnet data: the getBlock answer sava
 * recorded (test/fixtures/ledger/solana/NOTES.md), trimmed to seven of its
 * transactions. Values are checked against what sava's own test states about
 * that block and against the transactions' instruction bytes, not against
 * what the normaliser computes.
 */
import { readFileSync } from 'node:fs';
import bs58 from 'bs58';
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/core/address/address-error.js';
import { buildWatchlistIndex } from '../../../src/core/build-watchlist-index.js';
import { RetryableError } from '../../../src/core/errors.js';
import { matchLedgerBlock } from '../../../src/core/ledger/match-ledger-block.js';
import { normalizeLedgerAddress } from '../../../src/core/ledger/normalize-ledger-address.js';
import { decodeSolanaWireTransaction } from '../../../src/core/ledger/solana/decode-solana-wire-transaction.js';
import { normalizeSolanaBlock, skippedSolanaBlock } from '../../../src/core/ledger/solana/normalize-solana-block.js';
import { SOLANA_PROFILE } from '../../../src/core/ledger/solana/solana-profile.js';

const SLOT = 361774429;
type RawTx = { transaction: [string, string]; meta: { err: unknown; fee: number; preBalances: number[]; postBalances: number[]; postTokenBalances: { accountIndex: number; owner: string; mint: string; uiTokenAmount: { amount: string } }[]; preTokenBalances: { accountIndex: number; uiTokenAmount: { amount: string } }[] } };
type RawBlock = { blockhash: string; previousBlockhash: string; parentSlot: number; transactions: RawTx[] };
const recorded = (): RawBlock => (JSON.parse(readFileSync(new URL('../../fixtures/ledger/solana/block-361774429-trimmed.json', import.meta.url), 'utf8')) as { result: RawBlock }).result;
const wire = (tx: RawTx): Buffer => Buffer.from(tx.transaction[0], 'base64');

describe('Solana addresses', () => {
  it('accepts the shipped CoinEx-theft address and the system program, keyed by their 32 bytes', () => {
    const shipped = normalizeLedgerAddress('solana', 'G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1kq');
    expect(shipped.display).toBe('G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1kq');
    expect(shipped.matchKey).toBe(Buffer.from(bs58.decode('G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1kq')).toString('hex'));
    expect(shipped.matchKey).toMatch(/^[0-9a-f]{64}$/);
    expect(SOLANA_PROFILE.normalizeAddress('11111111111111111111111111111111', {}).matchKey).toBe('0'.repeat(64));
  });

  it('refuses what is not base58 or not 32 bytes, saying why', () => {
    for (const bad of ['G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1k0', 'G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1kqI', '']) {
      expect(() => normalizeLedgerAddress('solana', bad)).toThrow(AddressError);
    }
    expect(() => normalizeLedgerAddress('solana', 'G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mT')).toThrow(/decodes to \d+ bytes, not 32/);
    expect(() => normalizeLedgerAddress('solana', 'G3udanrxk8stVe8Se2zXmJ3QwU8GSFJMn28mTfn8t1kqq')).toThrow(/not 32/);
    expect(() => normalizeLedgerAddress('solana', '0xdac17f958d2ee523a2206206994597c13d831ec7')).toThrow(/not base58/);
  });
});

describe('normalizeSolanaBlock on recorded mainnet block', () => {
  const raw = recorded();
  const { block, skipped } = normalizeSolanaBlock(SLOT, raw);

  it('links the slot by the recorded blockhash and previousBlockhash (as sava states them)', () => {
    expect(block.header).toEqual({ number: SLOT, hash: '8qSPsbs79i4UvK7dqxHYSPBX1u1BU4pTEewnsrQnogQw', parentHash: '7YUEp2UrHXFMzD5N3rjon624vcbQQQiw2LDgUBRmnZfb' });
    expect(skipped).toEqual([]);
    expect(block.transactions).toHaveLength(raw.transactions.length);
  });

  it('reads the first and last transaction as sava states them: fee only, and fee plus a 5000-lamport payment', () => {
    const first = block.transactions[0]!;
    // sava: fee 6109, account 0 from 59065310538 to 59065304429 (exactly the fee): nothing transferred.
    expect(first.fee).toBe(6109n);
    expect(first.success).toBe(true);
    expect(first.transfers).toEqual([]);
    expect(first.hash).toBe(bs58.encode(wire(raw.transactions[0]!).subarray(1, 65)));
    const last = block.transactions.at(-1)!;
    // sava: fee 5802, account 0 from 12220068453 to 12220057651: 10802 left it, 5000 of it to another account.
    expect(last.fee).toBe(5802n);
    expect(last.transfers.map((t) => [t.kind, t.from.display, t.amount])).toEqual([['native', last.signer!.display, 12220068453n - 12220057651n - 5802n]]);
  });

  it('marks the failed transaction failed, with its fee and no transfers', () => {
    const failed = block.transactions[1]!;
    expect(raw.transactions[1]!.meta.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(failed.success).toBe(false);
    expect(failed.fee).toBe(BigInt(raw.transactions[1]!.meta.fee));
    expect(failed.transfers).toEqual([]);
  });

  it('derives a SOL transfer whose amount is the one in its System Program transfer instruction', () => {
    const tx = block.transactions[2]!;
    expect(tx.transfers).toHaveLength(1);
    const [leg] = tx.transfers;
    // SystemInstruction::Transfer = u32 LE 2, then the lamports as u64 LE.
    const data = Buffer.alloc(12);
    data.writeUInt32LE(2, 0);
    data.writeBigUInt64LE(leg!.amount, 4);
    expect(wire(raw.transactions[2]!).includes(data)).toBe(true);
    expect(leg).toMatchObject({ leg: 'sol0.1', kind: 'native', asset: { contract: null, symbol: 'SOL', decimals: 9 } });
    expect(leg!.from).toEqual(tx.signer);
    const keys = decodeSolanaWireTransaction(wire(raw.transactions[2]!)).staticAccountKeys;
    expect(leg!.to.display).toBe(keys[1]);
  });

  it('names token parties by the owner wallets of the token accounts, per mint', () => {
    const rawTx = raw.transactions[3]!;
    const tx = block.transactions[3]!;
    const tokenLegs = tx.transfers.filter((t) => t.kind === 'token');
    expect(tokenLegs.length).toBeGreaterThan(0);
    for (const leg of tokenLegs) {
      const [, fromIndex, toIndex] = /^tok(\d+)\.(\d+)$/.exec(leg.leg)!;
      const ownerOf = (i: string) => rawTx.meta.postTokenBalances.find((b) => b.accountIndex === Number(i))?.owner;
      expect(leg.from.display).toBe(ownerOf(fromIndex!));
      expect(leg.to.display).toBe(ownerOf(toIndex!));
      expect(leg.asset.contract).toBe(rawTx.meta.postTokenBalances.find((b) => b.accountIndex === Number(toIndex))!.mint);
      const received = (i: string) => BigInt(rawTx.meta.postTokenBalances.find((b) => b.accountIndex === Number(i))!.uiTokenAmount.amount) - BigInt(rawTx.meta.preTokenBalances.find((b) => b.accountIndex === Number(i))?.uiTokenAmount.amount ?? '0');
      expect(leg.amount).toBe(received(toIndex!));
    }
  });

  it('alerts a watched owner wallet for tokens sent to its token account, and its failed transaction as activity only', () => {
    const tx = block.transactions[3]!;
    const tokenLeg = tx.transfers.find((t) => t.kind === 'token')!;
    const failed = block.transactions[1]!;
    const index = buildWatchlistIndex(
      [tokenLeg.to, failed.signer!].map((p, i) => ({ chain: 'solana', address: p.display, matchKey: p.key, label: `w${i}`, incident: 'test', source: 'https://example.org', tags: [], enabled: true, file: 't.yaml', line: i + 1 })),
    );
    const movements = matchLedgerBlock(block, { chain: 'solana', index, headNumber: SLOT, profile: SOLANA_PROFILE });
    const tokenIn = movements.find((m) => m.txHash === tx.hash && m.kind === 'token');
    expect(tokenIn).toMatchObject({ direction: 'in', to: tokenLeg.to.display, amount: tokenLeg.amount, asset: tokenLeg.asset, blockNumber: SLOT });
    expect(movements.filter((m) => m.txHash === failed.hash).map((m) => m.kind)).toEqual(['activity']);
    for (const m of movements) expect(m.id.split('-')).toHaveLength(4);
  });

  it('skips one unreadable transaction and keeps the rest; refuses an unreadable block', () => {
    const hostile = recorded();
    hostile.transactions[0] = { ...hostile.transactions[0]!, transaction: [hostile.transactions[0]!.transaction[0].slice(0, 40), 'base64'] };
    hostile.transactions[2] = { ...hostile.transactions[2]!, meta: { ...hostile.transactions[2]!.meta, postBalances: [1] } };
    (hostile.transactions as unknown[])[4] = { transaction: null, meta: null };
    const out = normalizeSolanaBlock(SLOT, hostile);
    expect(out.skipped.map((s) => s.index)).toEqual([0, 2, 4]);
    expect(out.block.transactions.map((t) => t.hash)).toEqual([1, 3, 5, 6].map((i) => block.transactions[i]!.hash));
    expect(() => normalizeSolanaBlock(SLOT, { ...raw, blockhash: undefined })).toThrow(RetryableError);
    expect(() => normalizeSolanaBlock(SLOT, { ...raw, transactions: undefined })).toThrow(/transactionDetails/);
    expect(() => normalizeSolanaBlock(SLOT, null)).toThrow(RetryableError);
  });

  it('passes a skipped slot through with the previous blockhash', () => {
    expect(skippedSolanaBlock(SLOT + 1, block.header.hash)).toEqual({ header: { number: SLOT + 1, hash: block.header.hash, parentHash: block.header.hash }, transactions: [] });
  });
});
