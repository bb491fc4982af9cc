import { RetryableError } from '../../errors.js';
import type { Asset } from '../../movement.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { decodeStellarAccount, encodeStellarAccount } from './normalize-stellar-address.js';

/** XLM: stroops (1 XLM = 10^7 stroops); every Stellar asset has 7 decimals. */
export const XLM_ASSET: Asset = { contract: null, symbol: 'XLM', decimals: 7 };

/** What Horizon answered for one ledger: `/ledgers/{seq}` and every page of its transactions and operations (include_failed). */
export interface HorizonLedgerRecords {
  readonly ledger: unknown;
  readonly transactions: readonly unknown[];
  readonly operations: readonly unknown[];
}

export interface NormalizedStellarLedger {
  readonly block: LedgerBlock;
  /** One line per operation whose value could not be read (its transaction is kept as activity). */
  readonly problems: readonly string[];
}

/** Account fields of operation records: whoever a watched account is among them is an actor. */
const ACTOR_FIELDS = ['source_account', 'from', 'to', 'funder', 'account', 'into', 'trustor', 'trustee', 'claimant', 'sponsor', 'sponsored_id', 'bump_to'];

/**
 * A Stellar ledger from Horizon (pure). Legs of successful transactions:
 * `payment` and the path payments (what the destination received, in the
 * destination asset), `create_account` (the starting balance), Soroban
 * `invoke_host_function` transfers of classic assets (`asset_balance_changes`,
 * leg `op<i>.sac<j>`); leg `op<i>` is the operation's index in its
 * transaction (from its TOID id), stable across reads. Failed transactions
 * are in the ledger, charged their fee, moved nothing: `success: false`.
 * `account_merge` and everything else: activity of the accounts named.
 * Muxed accounts (M…) are read as their G… account.
 * A header that does not parse, or transaction/operation lists that do not add
 * up to the ledger's own counts (a partial page), is a RetryableError.
 */
export function normalizeStellarLedger(records: HorizonLedgerRecords, expectedSequence: number): NormalizedStellarLedger {
  const ledger = asRecord(records.ledger);
  if (ledger === undefined) throw bad(expectedSequence, 'is not an object');
  const header = readStellarLedgerHeader(ledger, expectedSequence);
  const txCount = count(ledger['successful_transaction_count']) + count(ledger['failed_transaction_count']);
  if (records.transactions.length !== txCount) throw bad(expectedSequence, `has ${txCount} transactions but ${records.transactions.length} were listed`);
  const opCount = ledger['tx_set_operation_count'] === undefined || ledger['tx_set_operation_count'] === null ? undefined : count(ledger['tx_set_operation_count']);
  if (opCount !== undefined && records.operations.length !== opCount) throw bad(expectedSequence, `has ${opCount} operations but ${records.operations.length} were listed`);

  const parties = new Map<string, LedgerParty | undefined>();
  const party = (address: unknown): LedgerParty | undefined => {
    if (typeof address !== 'string') return undefined;
    if (!parties.has(address)) {
      const key = decodeStellarAccount(address);
      parties.set(address, key === undefined ? undefined : { key: Buffer.from(key).toString('hex'), display: encodeStellarAccount(key) });
    }
    return parties.get(address);
  };

  interface Building { hash: string; order: bigint; success: boolean; signer: LedgerParty; fee: bigint | null; transfers: LedgerTransfer[]; actors: Map<string, LedgerParty> }
  const byHash = new Map<string, Building>();
  for (const raw of records.transactions) {
    const tx = asRecord(raw);
    const hash = tx?.['hash'];
    if (tx === undefined || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw bad(expectedSequence, 'lists a transaction without a valid hash');
    if (byHash.has(hash)) throw bad(expectedSequence, `lists transaction ${hash} twice`);
    const signer = party(tx['source_account']);
    if (signer === undefined || typeof tx['successful'] !== 'boolean') throw bad(expectedSequence, `transaction ${hash} has no source account or result`);
    const feePayer = party(tx['fee_account']) ?? signer;
    const feeCharged = tx['fee_charged'];
    const feeText = typeof feeCharged === 'string' || typeof feeCharged === 'number' ? String(feeCharged) : '';
    const actors = new Map<string, LedgerParty>();
    if (feePayer.key !== signer.key) actors.set(feePayer.key, feePayer);
    byHash.set(hash, { hash, order: toid(tx['paging_token']) ?? 0n, success: tx['successful'], signer, fee: feePayer.key === signer.key && /^\d{1,20}$/.test(feeText) ? BigInt(feeText) : null, transfers: [], actors });
  }

  const problems: string[] = [];
  for (const raw of records.operations) {
    const op = asRecord(raw);
    const hash = op?.['transaction_hash'];
    const building = typeof hash === 'string' ? byHash.get(hash) : undefined;
    if (op === undefined || building === undefined) throw bad(expectedSequence, 'lists an operation of a transaction it does not list');
    for (const field of ACTOR_FIELDS) {
      const p = party(op[field]);
      if (p !== undefined && p.key !== building.signer.key) building.actors.set(p.key, p);
    }
    if (!building.success) continue;
    const id = toid(op['id'] ?? op['paging_token']);
    const type = typeof op['type'] === 'string' ? op['type'] : '';
    try {
      if (id === undefined) throw new Error('no operation id');
      building.transfers.push(...operationLegs(op, type, `op${Number((id & 0xfffn) - 1n)}`, party));
    } catch (err) {
      problems.push(`ledger ${expectedSequence} transaction ${building.hash} ${type}: ${(err as Error).message}`);
    }
  }

  const transactions: LedgerTransaction[] = [...byHash.values()]
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map((b) => ({ hash: b.hash, success: b.success, signer: b.signer, fee: b.fee, transfers: b.transfers, ...(b.actors.size > 0 ? { actors: [...b.actors.values()] } : {}) }));
  return { block: { header, transactions }, problems };
}

export function readStellarLedgerHeader(raw: unknown, expectedSequence: number): LedgerBlock['header'] {
  const ledger = asRecord(raw);
  if (ledger === undefined) throw bad(expectedSequence, 'is not an object');
  const sequence = ledger['sequence'];
  if (sequence !== expectedSequence) throw new RetryableError('RPC_INCONSISTENT', `Horizon answered ledger ${String(sequence).slice(0, 20)} when asked for ${expectedSequence}`);
  const hash = ledger['hash'];
  const prev = ledger['prev_hash'];
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw bad(expectedSequence, 'has no valid hash');
  if (typeof prev !== 'string' || !/^[0-9a-f]{64}$/.test(prev)) throw bad(expectedSequence, 'has no valid prev_hash');
  return { number: expectedSequence, hash, parentHash: prev };
}

function operationLegs(op: Record<string, unknown>, type: string, leg: string, party: (a: unknown) => LedgerParty | undefined): LedgerTransfer[] {
  const one = (name: string, from: unknown, to: unknown, amount: unknown, asset: Asset): LedgerTransfer[] => {
    const f = party(from);
    const t = party(to);
    if (f === undefined || t === undefined) throw new Error('sender or recipient is not a valid account');
    const stroops = parseStroops(amount);
    return stroops === 0n ? [] : [{ leg: name, kind: asset.contract === null ? 'native' : 'token', from: f, to: t, asset, amount: stroops, tokenId: null }];
  };
  switch (type) {
    case 'payment':
    case 'path_payment_strict_receive':
    case 'path_payment_strict_send':
    case 'path_payment':
      return one(leg, op['from'], op['to'], op['amount'], assetOf(op['asset_type'], op['asset_code'], op['asset_issuer']));
    case 'create_account':
      return one(leg, op['funder'], op['account'], op['starting_balance'], XLM_ASSET);
    case 'invoke_host_function': {
      const changes = Array.isArray(op['asset_balance_changes']) ? op['asset_balance_changes'] : [];
      return changes.flatMap((raw, j) => {
        const c = asRecord(raw);
        if (c?.['type'] !== 'transfer') return [];
        return one(`${leg}.sac${j}`, c['from'], c['to'], c['amount'], assetOf(c['asset_type'], c['asset_code'], c['asset_issuer']));
      });
    }
    default:
      return [];
  }
}

function assetOf(type: unknown, code: unknown, issuer: unknown): Asset {
  if (type === 'native') return XLM_ASSET;
  if ((type === 'credit_alphanum4' || type === 'credit_alphanum12') && typeof code === 'string' && /^[A-Za-z0-9]{1,12}$/.test(code) && typeof issuer === 'string' && decodeStellarAccount(issuer) !== undefined) {
    return { contract: `${code}:${issuer}`, symbol: code, decimals: 7 };
  }
  throw new Error(`asset ${String(type).slice(0, 30)} is not one chainwatch reads`);
}

/** "12.3456789" -> 123456789 stroops (Horizon writes amounts with up to 7 decimals). */
function parseStroops(amount: unknown): bigint {
  if (typeof amount !== 'string') throw new Error('amount missing');
  const m = /^(\d{1,20})(?:\.(\d{1,7}))?$/.exec(amount);
  if (m === null) throw new Error(`amount "${amount.slice(0, 30)}" is not a non-negative 7-decimal number`);
  return BigInt(m[1]!) * 10_000_000n + BigInt((m[2] ?? '').padEnd(7, '0'));
}

function toid(value: unknown): bigint | undefined {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? BigInt(value) : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function bad(sequence: number, what: string): RetryableError {
  return new RetryableError('RPC_BAD_RESPONSE', `Horizon's ledger ${sequence} ${what}`);
}
