import { RetryableError } from '../../errors.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { TON_PROFILE } from './ton-profile.js';
import { normalizeTonAddress } from './ton-address.js';

/** One masterchain block as toncenter API v3 describes it (`/api/v3/blocks?workchain=-1&seqno=N`). */
export interface TonMasterchainBlockInput {
  /** `blocks[0]` of the answer for seqno N. */
  readonly block: unknown;
  /** `root_hash` of masterchain block N-1 as the API wrote it (base64). */
  readonly parentRootHash: string;
  /** Every transaction `/api/v3/transactions?mc_seqno=N` listed (all pages), in any order. */
  readonly transactions: readonly unknown[];
}

/** What a normaliser skipped: one transaction it could not read (the block is kept). */
export interface TonSkippedTransaction {
  readonly hash: string | null;
  readonly reason: string;
}

/**
 * A masterchain block N of TON and every shard transaction committed with it,
 * normalised. TON moves value in messages: each successful transaction's
 * outgoing internal messages with a value are its transfers (`out0`, `out1`...
 * in created_lt order), from the transaction's account to the destination, so
 * a movement is alerted once, with the hash of the transaction that sent it
 * (the receiving transaction of the same message is not counted again). A
 * bounced message returning value is a transfer like any other (the refund
 * does move coins back). Aborted transactions, or those whose compute or
 * action phase failed, are `success: false` and move nothing. The signer is
 * the account for a transaction started by an external message (a wallet
 * whose owner signed it); internal and tick-tock transactions have none.
 * A malformed block is a RetryableError; one malformed transaction is
 * skipped and reported in `skipped`.
 */
export function normalizeTonBlock(input: TonMasterchainBlockInput): { readonly block: LedgerBlock; readonly skipped: readonly TonSkippedTransaction[] } {
  const b = input.block as { seqno?: unknown; root_hash?: unknown; workchain?: unknown } | null;
  if (b === null || typeof b !== 'object' || b.workchain !== -1 || typeof b.seqno !== 'number' || typeof b.root_hash !== 'string') {
    throw new RetryableError('RPC_BAD_RESPONSE', 'TON masterchain block answer has no workchain -1 seqno/root_hash');
  }
  const number = b.seqno;
  const hash = base64ToHex(b.root_hash);
  const parentHash = base64ToHex(input.parentRootHash);
  if (hash === undefined || parentHash === undefined) throw new RetryableError('RPC_BAD_RESPONSE', `TON masterchain block ${number} has a root hash that is not 32 bytes of base64`);
  const skipped: TonSkippedTransaction[] = [];
  const transactions: LedgerTransaction[] = [];
  const seen = new Set<string>();
  for (const raw of input.transactions) {
    try {
      const tx = normalizeTonTransaction(raw, number);
      // Pages can overlap when the indexer is still writing: one transaction, one entry.
      if (seen.has(tx.hash)) continue;
      seen.add(tx.hash);
      transactions.push(tx);
    } catch (err) {
      const h = (raw as { hash?: unknown } | null)?.hash;
      skipped.push({ hash: typeof h === 'string' ? h : null, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { block: { header: { number, hash, parentHash }, transactions }, skipped };
}

interface RawMessage {
  readonly source?: unknown;
  readonly destination?: unknown;
  readonly value?: unknown;
  readonly created_lt?: unknown;
  readonly bounced?: unknown;
}

function normalizeTonTransaction(raw: unknown, mcSeqno: number): LedgerTransaction {
  const tx = raw as { hash?: unknown; account?: unknown; mc_block_seqno?: unknown; total_fees?: unknown; description?: unknown; in_msg?: unknown; out_msgs?: unknown } | null;
  if (tx === null || typeof tx !== 'object') throw new Error('transaction is not an object');
  const hash = typeof tx.hash === 'string' ? base64ToHex(tx.hash) : undefined;
  if (hash === undefined) throw new Error('transaction hash is not 32 bytes of base64');
  if (tx.mc_block_seqno !== undefined && tx.mc_block_seqno !== null && tx.mc_block_seqno !== mcSeqno) throw new Error(`transaction ${hash} belongs to masterchain block ${JSON.stringify(tx.mc_block_seqno)}, not ${mcSeqno}`);
  if (typeof tx.account !== 'string') throw new Error(`transaction ${hash} has no account`);
  const account = party(tx.account);
  const d = (tx.description ?? {}) as { aborted?: unknown; compute_ph?: { skipped?: unknown; success?: unknown }; action?: { success?: unknown } };
  const success = d.aborted !== true && !(d.compute_ph?.skipped === false && d.compute_ph.success === false) && d.action?.success !== false;
  const inMsg: RawMessage | null = typeof tx.in_msg === 'object' ? (tx.in_msg) : null;
  // An external inbound message (no source) is what a wallet owner signs; anything else runs on another contract's message.
  const external = inMsg !== null && (inMsg.source === null || inMsg.source === undefined);
  const fee = tx.total_fees === undefined || tx.total_fees === null ? null : amountOf(tx.total_fees, `transaction ${hash} total_fees`);
  const transfers: LedgerTransfer[] = [];
  if (success) {
    const outs = Array.isArray(tx.out_msgs) ? (tx.out_msgs as RawMessage[]) : [];
    if (tx.out_msgs !== undefined && tx.out_msgs !== null && !Array.isArray(tx.out_msgs)) throw new Error(`transaction ${hash} out_msgs is not a list`);
    // created_lt orders a transaction's outgoing messages on chain; the API's list order is not promised.
    const ordered = outs.map((m) => ({ m, lt: ltOf(m.created_lt) })).sort((x, y) => (x.lt < y.lt ? -1 : x.lt > y.lt ? 1 : 0));
    ordered.forEach(({ m }, i) => {
      // External outbound messages (logs) have no destination and carry no value.
      if (m.destination === null || m.destination === undefined || m.value === null || m.value === undefined) return;
      const amount = amountOf(m.value, `transaction ${hash} out message ${i} value`);
      if (amount === 0n) return;
      if (typeof m.destination !== 'string') throw new Error(`transaction ${hash} out message ${i} destination is not an address`);
      transfers.push({ leg: `out${i}`, kind: 'native', from: account, to: party(m.destination), asset: TON_PROFILE.nativeAsset, amount, tokenId: null });
    });
  }
  return { hash, success, signer: external ? account : null, fee, transfers };
}

function party(address: string): LedgerParty {
  const a = normalizeTonAddress(address);
  return { key: a.matchKey, display: a.display };
}

function amountOf(value: unknown, what: string): bigint {
  if ((typeof value === 'string' && /^\d{1,40}$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return BigInt(value);
  throw new Error(`${what} is not a nanoton amount`);
}

function ltOf(value: unknown): bigint {
  if ((typeof value === 'string' && /^\d{1,30}$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return BigInt(value);
  return 0n;
}

/** toncenter v3 writes hashes in base64; explorers and chainwatch use lowercase hex. */
function base64ToHex(value: string): string | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined;
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}
