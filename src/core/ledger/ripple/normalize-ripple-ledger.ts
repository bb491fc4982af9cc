import { RetryableError } from '../../errors.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { normalizeRippleAddress } from './normalize-ripple-address.js';
import { parseRippleAmount, RippleAmountError } from './parse-ripple-amount.js';

/** A normalised ledger and what had to be flagged in it (for the log and /readyz). */
export interface NormalizedRippleLedger {
  readonly block: LedgerBlock;
  /** One line per transaction that was dropped or whose value could not be read. */
  readonly problems: readonly string[];
}

/** Payment flag tfPartialPayment: the destination may receive less than `Amount`. */
const TF_PARTIAL_PAYMENT = 0x0002_0000;

const HASH_RE = /^[0-9A-Fa-f]{64}$/;

/**
 * A validated ledger from rippled's `ledger` method (`transactions: true,
 * expand: true`; API v1 with `metaData` inside each transaction, or v2 with
 * `tx_json` + `meta`) as a LedgerBlock, pure.
 *
 * - Value legs of successful transactions (`tesSUCCESS`): Payment (leg
 *   `payment`) with the amount actually DELIVERED (`meta.delivered_amount`,
 *   never `Amount`: a partial payment names a large `Amount` and delivers
 *   dust), AccountDelete (`delete`, the remaining XRP sent to Destination),
 *   EscrowFinish (`escrow`, from the deleted Escrow), CheckCash (`check`).
 * - `tec…` results are in the ledger and charged the fee but moved nothing:
 *   `success: false`, no legs, the signer gets `activity`.
 * - Every account whose XRP balance or trust-line balance the transaction
 *   changed (DEX offers crossed, AMM, payment channels, rippling) is an actor:
 *   a watched one that moved no listed value gets `activity`.
 * - Hostile data: a malformed ledger header, a missing transaction list or an
 *   unexpanded one is a RetryableError (never a partial ledger); one malformed
 *   transaction is flagged in `problems` and kept as activity of whoever can
 *   still be read from it (dropped only when it has no hash or signer).
 */
export function normalizeRippleLedger(raw: unknown, expectedIndex: number): NormalizedRippleLedger {
  const ledger = asRecord(raw);
  if (ledger === undefined) throw bad(expectedIndex, 'is not an object');
  const header = readHeader(ledger, expectedIndex);
  const list = ledger['transactions'];
  if (!Array.isArray(list)) throw bad(expectedIndex, 'has no transaction list');
  const parties = new Map<string, LedgerParty | undefined>();
  const party = (address: unknown): LedgerParty | undefined => {
    if (typeof address !== 'string') return undefined;
    if (!parties.has(address)) {
      try {
        const a = normalizeRippleAddress(address);
        parties.set(address, { key: a.matchKey, display: a.display });
      } catch {
        parties.set(address, undefined);
      }
    }
    return parties.get(address);
  };
  const problems: string[] = [];
  const transactions: { tx: LedgerTransaction; index: number }[] = [];
  for (const [position, entry] of list.entries()) {
    if (typeof entry === 'string') throw bad(expectedIndex, 'lists transaction hashes only (the node ignored expand: true)');
    const read = readTransaction(entry, party);
    if ('dropped' in read) {
      problems.push(`ledger ${expectedIndex} transaction #${position} dropped: ${read.dropped}`);
      continue;
    }
    if (read.problem !== undefined) problems.push(`ledger ${expectedIndex} transaction ${read.tx.hash}: ${read.problem}`);
    transactions.push({ tx: read.tx, index: read.index ?? position });
  }
  const seen = new Set<string>();
  for (const { tx } of transactions) {
    if (seen.has(tx.hash)) throw bad(expectedIndex, `lists transaction ${tx.hash} twice`);
    seen.add(tx.hash);
  }
  // The ledger's own order (TransactionIndex), whatever order the node listed them in.
  transactions.sort((a, b) => a.index - b.index);
  return { block: { header, transactions: transactions.map((t) => t.tx) }, problems };
}

/** The header of a ledger answer (with or without transactions): number, hash, parent hash. */
export function readRippleLedgerHeader(raw: unknown, expectedIndex: number): LedgerBlock['header'] {
  const ledger = asRecord(raw);
  if (ledger === undefined) throw bad(expectedIndex, 'is not an object');
  return readHeader(ledger, expectedIndex);
}

function readHeader(ledger: Record<string, unknown>, expectedIndex: number): LedgerBlock['header'] {
  const index = ledger['ledger_index'];
  const number = typeof index === 'number' ? index : typeof index === 'string' && /^\d{1,12}$/.test(index) ? Number(index) : Number.NaN;
  if (number !== expectedIndex) throw new RetryableError('RPC_INCONSISTENT', `XRP Ledger node answered ledger ${String(index).slice(0, 20)} when asked for ${expectedIndex}`);
  const hash = ledger['ledger_hash'] ?? ledger['hash'];
  const parentHash = ledger['parent_hash'];
  if (typeof hash !== 'string' || !HASH_RE.test(hash)) throw bad(expectedIndex, 'has no valid ledger_hash');
  if (typeof parentHash !== 'string' || !HASH_RE.test(parentHash)) throw bad(expectedIndex, 'has no valid parent_hash');
  return { number, hash: hash.toUpperCase(), parentHash: parentHash.toUpperCase() };
}

type ReadTransaction = { readonly dropped: string } | { readonly tx: LedgerTransaction; readonly index: number | undefined; readonly problem: string | undefined };

function readTransaction(entry: unknown, party: (address: unknown) => LedgerParty | undefined): ReadTransaction {
  const wrapper = asRecord(entry);
  if (wrapper === undefined) return { dropped: 'not an object' };
  // API v2 nests the transaction in tx_json and its metadata in meta; v1 inlines it with metaData.
  const body = asRecord(wrapper['tx_json']) ?? wrapper;
  const meta = asRecord(wrapper['meta']) ?? asRecord(wrapper['metaData']);
  const hash = wrapper['hash'] ?? body['hash'];
  if (typeof hash !== 'string' || !HASH_RE.test(hash)) return { dropped: 'no valid hash' };
  const txHash = hash.toUpperCase();
  const signer = party(body['Account']);
  if (signer === undefined) return { dropped: `${txHash} has no valid Account` };
  const fee = typeof body['Fee'] === 'string' && /^\d{1,20}$/.test(body['Fee']) ? BigInt(body['Fee']) : null;
  const index = typeof meta?.['TransactionIndex'] === 'number' ? meta['TransactionIndex'] : undefined;
  const result = meta?.['TransactionResult'];
  const type = typeof body['TransactionType'] === 'string' ? body['TransactionType'] : '';
  const actors = new Map<string, LedgerParty>();
  const addActor = (address: unknown): void => {
    const p = party(address);
    if (p !== undefined && p.key !== signer.key) actors.set(p.key, p);
  };
  for (const signerEntry of Array.isArray(body['Signers']) ? body['Signers'] : []) addActor(asRecord(asRecord(signerEntry)?.['Signer'])?.['Account']);
  for (const field of ['Destination', 'Owner', 'Authorize', 'Unauthorize', 'RegularKey', 'Holder', 'Issuer']) addActor(body[field]);
  const build = (success: boolean, transfers: readonly LedgerTransfer[]): LedgerTransaction => ({
    hash: txHash,
    success,
    signer,
    fee,
    transfers,
    ...(actors.size > 0 ? { actors: [...actors.values()] } : {}),
  });
  if (meta === undefined || typeof result !== 'string') return { tx: build(false, []), index, problem: 'has no metadata or TransactionResult (treated as failed)' };
  for (const changed of balanceChangedAccounts(meta)) addActor(changed);
  if (result !== 'tesSUCCESS') return { tx: build(false, []), index, problem: undefined };
  try {
    return { tx: build(true, valueLegs(type, body, meta, signer, party)), index, problem: undefined };
  } catch (err) {
    if (!(err instanceof RippleAmountError)) throw err;
    return { tx: build(true, []), index, problem: `${type} value not read: ${err.message}` };
  }
}

function valueLegs(type: string, body: Record<string, unknown>, meta: Record<string, unknown>, signer: LedgerParty, party: (address: unknown) => LedgerParty | undefined): LedgerTransfer[] {
  const leg = (name: string, from: LedgerParty | undefined, to: LedgerParty | undefined, rawAmount: unknown): LedgerTransfer[] => {
    if (from === undefined || to === undefined) throw new RippleAmountError(`${name}: sender or recipient is not a valid address`);
    if (rawAmount === undefined) throw new RippleAmountError(`${name}: the delivered amount is not known`);
    const a = parseRippleAmount(rawAmount);
    return a.amount === 0n ? [] : [{ leg: name, kind: a.kind, from, to, asset: a.asset, amount: a.amount, tokenId: null }];
  };
  switch (type) {
    case 'Payment':
      return leg('payment', signer, party(body['Destination']), deliveredAmount(body, meta));
    case 'AccountDelete':
      return leg('delete', signer, party(body['Destination']), delivered(meta));
    case 'CheckCash': {
      const check = deletedEntry(meta, 'Check');
      if (check === undefined) throw new RippleAmountError('check: no deleted Check in the metadata');
      // Amount: exactly that much or the cash failed; DeliverMin: the metadata says what was delivered.
      return leg('check', party(check['Account']), party(check['Destination']), delivered(meta) ?? body['Amount']);
    }
    case 'EscrowFinish': {
      const escrow = deletedEntry(meta, 'Escrow');
      if (escrow === undefined) throw new RippleAmountError('escrow: no deleted Escrow in the metadata');
      return leg('escrow', party(escrow['Account']), party(escrow['Destination']), escrow['Amount']);
    }
    default:
      return [];
  }
}

/**
 * What a Payment delivered. rippled's `delivered_amount` (or the metadata's
 * `DeliveredAmount`); `Amount`/`DeliverMax` only when the payment is not a
 * partial payment, for which rippled guarantees the full amount arrived.
 * Undefined when it cannot be known (a partial payment from before 2014 that
 * rippled marks "unavailable").
 */
function deliveredAmount(body: Record<string, unknown>, meta: Record<string, unknown>): unknown {
  const known = delivered(meta);
  if (known !== undefined) return known;
  const flags = typeof body['Flags'] === 'number' ? body['Flags'] : 0;
  if ((flags & TF_PARTIAL_PAYMENT) !== 0) return undefined;
  return body['Amount'] ?? body['DeliverMax'];
}

function delivered(meta: Record<string, unknown>): unknown {
  const synthesized = meta['delivered_amount'];
  if (synthesized !== undefined && synthesized !== 'unavailable') return synthesized;
  return meta['DeliveredAmount'];
}

function deletedEntry(meta: Record<string, unknown>, entryType: string): Record<string, unknown> | undefined {
  for (const node of affectedNodes(meta)) {
    const deleted = asRecord(node['DeletedNode']);
    if (deleted?.['LedgerEntryType'] === entryType) return asRecord(deleted['FinalFields']);
  }
  return undefined;
}

/** Accounts whose XRP balance (AccountRoot) or trust-line balance (both sides of a RippleState) changed. */
function balanceChangedAccounts(meta: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const node of affectedNodes(meta)) {
    const change = asRecord(node['ModifiedNode']) ?? asRecord(node['DeletedNode']) ?? asRecord(node['CreatedNode']);
    if (change === undefined) continue;
    const fields = asRecord(change['FinalFields']) ?? asRecord(change['NewFields']);
    const before = asRecord(change['PreviousFields']);
    const created = node['CreatedNode'] !== undefined;
    if (fields === undefined || (!created && before?.['Balance'] === undefined)) continue;
    if (change['LedgerEntryType'] === 'AccountRoot') out.push(fields['Account']);
    if (change['LedgerEntryType'] === 'RippleState') out.push(asRecord(fields['HighLimit'])?.['issuer'], asRecord(fields['LowLimit'])?.['issuer']);
  }
  return out;
}

function affectedNodes(meta: Record<string, unknown>): Record<string, unknown>[] {
  const nodes = meta['AffectedNodes'];
  return Array.isArray(nodes) ? nodes.map(asRecord).filter((n): n is Record<string, unknown> => n !== undefined) : [];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function bad(index: number, what: string): RetryableError {
  return new RetryableError('RPC_BAD_RESPONSE', `XRP Ledger node's ledger ${index} ${what}`);
}
