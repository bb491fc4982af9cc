import { RetryableError } from '../../errors.js';
import type { Asset } from '../../movement.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { pairLedgerFlows } from '../pair-ledger-flows.js';
import { decodeSolanaWireTransaction } from './decode-solana-wire-transaction.js';
import { KNOWN_SPL_TOKENS, SPL_FALLBACK_SYMBOL } from './known-spl-tokens.js';
import { normalizeSolanaAddress } from './normalize-solana-address.js';
import type { SolanaRawBlock, SolanaRawMeta, SolanaRawTokenBalance, SolanaRawTransaction } from './solana-block-data.js';

export const SOL_ASSET: Asset = { contract: null, symbol: 'SOL', decimals: 9 };

/** A transaction of the block that could not be read: left out of the block, for the source to count and log. */
export interface SolanaSkippedTransaction {
  readonly index: number;
  readonly reason: string;
}

export interface NormalizedSolanaBlock {
  readonly block: LedgerBlock;
  readonly skipped: readonly SolanaSkippedTransaction[];
}

/**
 * A Solana block (slot) from `getBlock` as a LedgerBlock: number = slot,
 * hash = blockhash, parentHash = previousBlockhash (the blockhash of
 * parentSlot; slots between are skipped and become pass-through blocks, see
 * skippedSolanaBlock). Value comes from balance records, not instructions, so
 * every lamport and token movement is seen whichever program made it:
 * - SOL: post minus pre lamports per account, the fee added back for the fee
 *   payer (account 0); the net flows are split into legs `sol<from>.<to>` by
 *   pairing senders and receivers in account order (exact per account; the
 *   pairing is a decomposition when many send to many).
 * - SPL tokens (Token and Token-2022): pre/postTokenBalances per token account,
 *   paired the same way per mint into legs `tok<from>.<to>`; the parties are
 *   the token accounts' OWNERS (the wallets), so a transfer into a watched
 *   wallet's token account alerts the wallet.
 * - a failed transaction (meta.err set) moved nothing but its fee: no legs.
 * A transaction that cannot be read is skipped and reported; a block that
 * cannot be read is a RetryableError.
 */
export function normalizeSolanaBlock(slot: number, raw: unknown): NormalizedSolanaBlock {
  const block = checkBlock(slot, raw);
  const transactions: LedgerTransaction[] = [];
  const skipped: SolanaSkippedTransaction[] = [];
  block.transactions.forEach((tx, index) => {
    try {
      transactions.push(normalizeSolanaTransaction(tx));
    } catch (err) {
      skipped.push({ index, reason: err instanceof Error ? err.message : String(err) });
    }
  });
  return {
    block: { header: { number: slot, hash: block.blockhash, parentHash: block.previousBlockhash }, transactions },
    skipped,
  };
}

/**
 * A slot its leader skipped, as a block with no transactions that passes the
 * chain through: its hash and parent hash are both the blockhash of the last
 * real block before it, so the next real block's previousBlockhash still links
 * to the cursor and a node that contradicts itself (a "skipped" slot that some
 * later block names as its parent) shows up as a broken link the follower rewinds.
 */
export function skippedSolanaBlock(slot: number, previousRealBlockhash: string): LedgerBlock {
  return { header: { number: slot, hash: previousRealBlockhash, parentHash: previousRealBlockhash }, transactions: [] };
}

function checkBlock(slot: number, raw: unknown): SolanaRawBlock {
  const b = raw as Partial<SolanaRawBlock> | null;
  const bad = (what: string): RetryableError => new RetryableError('RPC_BAD_RESPONSE', `getBlock for Solana slot ${slot} answered a block with ${what}`);
  if (b === null || typeof b !== 'object') throw bad('no object');
  if (!isBase58Hash(b.blockhash)) throw bad('no valid blockhash');
  if (!isBase58Hash(b.previousBlockhash)) throw bad('no valid previousBlockhash');
  if (typeof b.parentSlot !== 'number' || b.parentSlot >= slot) throw bad('a parentSlot that is not below it');
  if (!Array.isArray(b.transactions)) throw bad('no transaction list (was transactionDetails "full" asked?)');
  return b as SolanaRawBlock;
}

function isBase58Hash(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(value);
}

/** One transaction of a getBlock answer (encoding `base64` or `json`). Throws when it cannot be read. */
export function normalizeSolanaTransaction(tx: SolanaRawTransaction): LedgerTransaction {
  const meta = tx.meta;
  if (meta === null || typeof meta !== 'object') throw new Error('transaction has no status meta');
  const { signature, requiredSignatures, staticAccountKeys } = readMessage(tx.transaction);
  const loaded = meta.loadedAddresses ?? { writable: [], readonly: [] };
  const writable = stringList(loaded.writable);
  const readonly = stringList(loaded.readonly);
  if (writable === undefined || readonly === undefined) throw new Error(`transaction ${signature} has malformed loadedAddresses`);
  // Account order of a v0 message: static keys, then looked-up writable, then looked-up readonly.
  const accountKeys = [...staticAccountKeys, ...writable, ...readonly];
  const parties = new Map<string, LedgerParty>();
  const partyOf = (address: string): LedgerParty => {
    let party = parties.get(address);
    if (party === undefined) {
      const a = normalizeSolanaAddress(address);
      party = { key: a.matchKey, display: a.display };
      parties.set(address, party);
    }
    return party;
  };
  const fee = readAmount(meta.fee, 'fee');
  const signer = partyOf(accountKeys[0]!);
  const actors = staticAccountKeys.slice(1, requiredSignatures).map(partyOf);
  const success = meta.err === null || meta.err === undefined;
  const transfers = success ? [...solTransfers(meta, accountKeys, fee, signature, partyOf), ...tokenTransfers(meta, accountKeys, signature, partyOf)] : [];
  return { hash: signature, success, signer, fee, transfers, ...(actors.length > 0 ? { actors } : {}) };
}

function readMessage(transaction: unknown): { signature: string; requiredSignatures: number; staticAccountKeys: readonly string[] } {
  if (Array.isArray(transaction)) {
    if (transaction[1] !== 'base64' || typeof transaction[0] !== 'string') throw new Error('transaction is encoded in something other than base64');
    return decodeSolanaWireTransaction(Buffer.from(transaction[0], 'base64'));
  }
  const t = transaction as { signatures?: unknown; message?: { header?: { numRequiredSignatures?: unknown }; accountKeys?: unknown } } | null;
  const signature = stringList(t?.signatures)?.[0];
  const keys = stringList(t?.message?.accountKeys);
  const required = t?.message?.header?.numRequiredSignatures;
  if (signature === undefined || keys === undefined || keys.length === 0 || typeof required !== 'number') {
    throw new Error('transaction has no signature, header or account keys');
  }
  return { signature, requiredSignatures: required, staticAccountKeys: keys };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v): v is string => typeof v === 'string') ? value : undefined;
}

function readAmount(value: unknown, what: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,40}$/.test(value)) return BigInt(value);
  throw new Error(`${what} is not a non-negative integer`);
}

function solTransfers(meta: SolanaRawMeta, accountKeys: readonly string[], fee: bigint, signature: string, partyOf: (a: string) => LedgerParty): LedgerTransfer[] {
  const { preBalances, postBalances } = meta;
  if (!Array.isArray(preBalances) || !Array.isArray(postBalances) || preBalances.length !== accountKeys.length || postBalances.length !== accountKeys.length) {
    throw new Error(`transaction ${signature} has balance lists that do not match its ${accountKeys.length} accounts`);
  }
  const deltas = new Map<number, bigint>();
  for (let i = 0; i < accountKeys.length; i++) {
    // The fee is burnt/paid to the leader outside the accounts: add it back so only transfers remain.
    const delta = readAmount(postBalances[i], 'a post balance') - readAmount(preBalances[i], 'a pre balance') + (i === 0 ? fee : 0n);
    if (delta !== 0n) deltas.set(i, delta);
  }
  return pairLedgerFlows([...deltas], `transaction ${signature} SOL balance`).map(({ from, to, amount }) => ({
    leg: `sol${from}.${to}`,
    kind: 'native',
    from: partyOf(accountKeys[from]!),
    to: partyOf(accountKeys[to]!),
    asset: SOL_ASSET,
    amount,
    tokenId: null,
  }));
}

function tokenTransfers(meta: SolanaRawMeta, accountKeys: readonly string[], signature: string, partyOf: (a: string) => LedgerParty): LedgerTransfer[] {
  interface TokenAccount {
    mint: string;
    owner: string;
    decimals: number;
    delta: bigint;
  }
  const accounts = new Map<number, TokenAccount>();
  const read = (balances: unknown, sign: 1n | -1n): void => {
    if (balances === null || balances === undefined) return;
    if (!Array.isArray(balances)) throw new Error(`transaction ${signature} has a malformed token balance list`);
    for (const b of balances as (Partial<SolanaRawTokenBalance> | null)[]) {
      const index = b?.accountIndex;
      if (b === null || typeof index !== 'number' || accountKeys[index] === undefined || typeof b.mint !== 'string' || typeof b.uiTokenAmount?.decimals !== 'number') {
        throw new Error(`transaction ${signature} has a malformed token balance`);
      }
      // Before Solana 1.9 balances name no owner: the token account itself is then the party.
      const owner = typeof b.owner === 'string' && b.owner !== '' ? b.owner : accountKeys[index];
      const amount = readAmount(b.uiTokenAmount.amount, 'a token amount') * sign;
      const known = accounts.get(index);
      if (known !== undefined && known.mint !== b.mint) throw new Error(`transaction ${signature} token account ${index} changes mint`);
      accounts.set(index, { mint: b.mint, owner, decimals: b.uiTokenAmount.decimals, delta: (known?.delta ?? 0n) + amount });
    }
  };
  read(meta.preTokenBalances, -1n);
  read(meta.postTokenBalances, 1n);
  const byMint = new Map<string, Map<number, bigint>>();
  for (const [index, account] of accounts) {
    if (account.delta === 0n) continue;
    (byMint.get(account.mint) ?? byMint.set(account.mint, new Map()).get(account.mint)!).set(index, account.delta);
  }
  const legs: LedgerTransfer[] = [];
  for (const [mint, deltas] of [...byMint].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const sum = [...deltas.values()].reduce((a, b) => a + b, 0n);
    // Mints and burns change the supply: the other side is the mint itself.
    if (sum !== 0n) deltas.set(-1, -sum);
    for (const { from, to, amount } of pairLedgerFlows([...deltas].sort((a, b) => a[0] - b[0]), `transaction ${signature} token ${mint} balance`)) {
      const decimals = accounts.get(from >= 0 ? from : to)!.decimals;
      const side = (index: number): LedgerParty => (index < 0 ? partyOf(mint) : partyOf(accounts.get(index)!.owner));
      legs.push({
        leg: `tok${from < 0 ? 'mint' : from}.${to < 0 ? 'mint' : to}`,
        kind: 'token',
        from: side(from),
        to: side(to),
        asset: { contract: mint, symbol: KNOWN_SPL_TOKENS.get(mint) ?? SPL_FALLBACK_SYMBOL, decimals },
        amount,
        tokenId: null,
      });
    }
  }
  return legs;
}
