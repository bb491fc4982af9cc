import { RetryableError } from '../../errors.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { zilliqaAddressOfPublicKey, zilliqaParty } from './zilliqa-address.js';
import { ZIL } from './zilliqa-profile.js';

export interface MalformedZilliqaTransaction {
  readonly index: number;
  readonly hash: string | null;
  readonly reason: string;
}

export interface NormalizedZilliqaBlock {
  readonly block: LedgerBlock;
  readonly malformed: readonly MalformedZilliqaTransaction[];
}

type Json = Record<string, unknown>;
const HASH = /^[0-9a-f]{64}$/;
/** ZRC-2 events of a completed transfer (the standard's `Transfer` and `TransferFrom` transitions). */
const ZRC2_EVENTS = new Set(['TransferSuccess', 'TransferFromSuccess']);

class BadTransaction extends Error {}

/** Number of transactions a `GetTxBlock` header announces (its bodies are fetched only when > 0). */
export function zilliqaTxCount(txBlock: unknown): number {
  const n = Number((txBlock as { header?: { NumTxns?: unknown } } | null)?.header?.NumTxns);
  if (!Number.isSafeInteger(n) || n < 0) throw new RetryableError('RPC_BAD_RESPONSE', 'Zilliqa TxBlock header has no NumTxns');
  return n;
}

/**
 * Zilliqa `GetTxBlock` + `GetTxnBodiesForTxBlock` answers -> LedgerBlock (pure).
 * - header: `header.BlockNum`, `body.BlockHash`, `header.PrevBlockHash` (TxBlock
 *   numbers are consecutive); the bodies must number `header.NumTxns`, else the
 *   node is still indexing (retryable, never a partial block).
 * - each transaction: success = `receipt.success`; signer = the account of
 *   `senderPubKey` (bodies name no sender: last 20 bytes of its SHA-256);
 *   fee = `receipt.cumulative_gas` x `gasPrice` (Qa).
 * - legs of a successful one: the ZIL `amount` to `toAddr` (`amount`), ZIL
 *   moved by contract messages (`receipt.transitions[j].msg._amount` from
 *   `addr` to `_recipient`: `transition<j>`), and ZRC-2 `TransferSuccess` /
 *   `TransferFromSuccess` event logs (`sender`, `recipient`, `amount`;
 *   `event<k>`) as tokens of the emitting contract in raw units.
 * - one malformed transaction is listed in `malformed` and kept as failed
 *   without legs (its signer, when readable, still gets `activity`).
 */
export function normalizeZilliqaBlock(txBlock: unknown, bodies: unknown, expectedNumber?: number): NormalizedZilliqaBlock {
  const b = txBlock as { header?: Json; body?: Json } | null;
  const number = Number(b?.header?.['BlockNum']);
  const hash = text(b?.body?.['BlockHash']).toLowerCase();
  const parent = text(b?.header?.['PrevBlockHash']).toLowerCase();
  if (!Number.isSafeInteger(number) || number < 0 || !HASH.test(hash) || !HASH.test(parent)) throw new RetryableError('RPC_BAD_RESPONSE', `Zilliqa TxBlock ${expectedNumber ?? '?'} is malformed (BlockNum, BlockHash or PrevBlockHash missing)`);
  if (expectedNumber !== undefined && number !== expectedNumber) throw new RetryableError('RPC_BAD_RESPONSE', `Zilliqa node answered TxBlock ${number} when asked for TxBlock ${expectedNumber}`);
  const count = zilliqaTxCount(txBlock);
  const list = count === 0 && (bodies === undefined || bodies === null) ? [] : bodies;
  if (!Array.isArray(list) || list.length !== count) throw new RetryableError('RPC_BAD_RESPONSE', `Zilliqa TxBlock ${number} announces ${count} transactions but the node returned ${Array.isArray(list) ? list.length : 'no list'}`);
  const transactions: LedgerTransaction[] = [];
  const malformed: MalformedZilliqaTransaction[] = [];
  list.forEach((raw: unknown, index) => {
    const id = text((raw as Json | null)?.['ID']).toLowerCase();
    const txHash = HASH.test(id) ? id : null;
    try {
      if (txHash === null) throw new BadTransaction('no transaction ID');
      transactions.push(toTransaction(txHash, raw as Json));
    } catch (err) {
      malformed.push({ index, hash: txHash, reason: err instanceof Error ? err.message : 'unreadable' });
      if (txHash === null) return;
      const signer = signerOf(raw as Json);
      transactions.push({ hash: txHash, success: false, signer: signer ?? null, fee: null, transfers: [] });
    }
  });
  return { block: { header: { number, hash, parentHash: parent }, transactions }, malformed };
}

function toTransaction(hash: string, tx: Json): LedgerTransaction {
  const signer = signerOf(tx);
  if (signer === undefined) throw new BadTransaction('senderPubKey is not a compressed public key');
  const receipt = tx['receipt'] as Json | undefined;
  if (receipt === undefined || typeof receipt['success'] !== 'boolean') throw new BadTransaction('no receipt.success');
  const fee = qa(receipt['cumulative_gas'], 'receipt.cumulative_gas') * qa(tx['gasPrice'], 'gasPrice');
  const transfers: LedgerTransfer[] = [];
  const success = receipt['success'];
  if (success) {
    const amount = qa(tx['amount'], 'amount');
    if (amount > 0n) transfers.push({ leg: 'amount', kind: 'native', from: signer, to: party(tx['toAddr'], 'toAddr'), asset: ZIL, amount, tokenId: null });
    const transitions = receipt['transitions'] ?? [];
    if (!Array.isArray(transitions)) throw new BadTransaction('receipt.transitions is not a list');
    transitions.forEach((t: Json, j) => {
      const msg = t?.['msg'] as Json | undefined;
      const moved = qa(msg?.['_amount'] ?? '0', `transition ${j} _amount`);
      if (moved > 0n) transfers.push({ leg: `transition${j}`, kind: 'native', from: party(t['addr'], `transition ${j} addr`), to: party(msg?.['_recipient'], `transition ${j} _recipient`), asset: ZIL, amount: moved, tokenId: null });
    });
    const events = receipt['event_logs'] ?? [];
    if (!Array.isArray(events)) throw new BadTransaction('receipt.event_logs is not a list');
    events.forEach((e: Json, k) => {
      const leg = zrc2Leg(e, `event${k}`);
      if (leg !== undefined) transfers.push(leg);
    });
  }
  return { hash, success, signer, fee, transfers };
}

/** A ZRC-2 transfer event as a token leg; undefined for other events or unreadable parameters. */
function zrc2Leg(event: Json | null, leg: string): LedgerTransfer | undefined {
  if (event === null || typeof event !== 'object' || !ZRC2_EVENTS.has(String(event['_eventname']))) return undefined;
  const params = Array.isArray(event['params']) ? (event['params'] as Json[]) : [];
  const value = (name: string) => params.find((p) => p?.['vname'] === name)?.['value'];
  const from = readParty(value('sender'));
  const to = readParty(value('recipient'));
  const contract = readParty(event['address']);
  const amount = value('amount');
  if (from === undefined || to === undefined || contract === undefined || typeof amount !== 'string' || !/^\d{1,39}$/.test(amount)) return undefined;
  // Receipts carry no token metadata: amounts stay raw base units of the emitting contract.
  return { leg, kind: 'token', from, to, asset: { contract: contract.display, symbol: 'ZRC2', decimals: 0, rawUnits: true }, amount: BigInt(amount), tokenId: null };
}

function signerOf(tx: Json | null): LedgerParty | undefined {
  const key = tx?.['senderPubKey'];
  const hex = typeof key === 'string' ? zilliqaAddressOfPublicKey(key) : undefined;
  return hex === undefined ? undefined : toParty(hex);
}

function readParty(value: unknown): LedgerParty | undefined {
  if (typeof value !== 'string') return undefined;
  const body = value.replace(/^0x/i, '').toLowerCase();
  return /^[0-9a-f]{40}$/.test(body) ? toParty(body) : undefined;
}

function party(value: unknown, what: string): LedgerParty {
  const p = readParty(value);
  if (p === undefined) throw new BadTransaction(`${what} is not a 20-byte address`);
  return p;
}

function toParty(hex40: string): LedgerParty {
  const { matchKey, display } = zilliqaParty(hex40);
  return { key: matchKey, display };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function qa(value: unknown, what: string): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,39}$/.test(text)) throw new BadTransaction(`${what} is not a whole number`);
  return BigInt(text);
}
