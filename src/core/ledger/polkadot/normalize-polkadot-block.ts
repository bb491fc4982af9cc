import { RetryableError } from '../../errors.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { polkadotProfile } from './polkadot-profile.js';
import { decodeSs58, encodeSs58 } from './ss58.js';

/** An extrinsic left out of the block because its data could not be read (counted, never guessed). */
export interface SkippedPolkadotExtrinsic {
  readonly hash: string;
  readonly reason: string;
}

export interface NormalizedPolkadotBlock {
  readonly block: LedgerBlock;
  readonly skipped: readonly SkippedPolkadotExtrinsic[];
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * A Substrate API Sidecar `GET /blocks/{n}` answer as one LedgerBlock (pure).
 * - one transaction per extrinsic, id = its `hash` (blake2b-256 of its bytes, what Subscan shows);
 * - success: the extrinsic's `success` (ExtrinsicSuccess/ExtrinsicFailed); a failed one moves nothing;
 * - transfers: each `balances.Transfer` event of the extrinsic (from, to, planck), leg `ev<i>`
 *   (its position among the extrinsic's events); that covers transfers inside batch, proxy and
 *   multisig calls, since their events land on the outer extrinsic;
 * - signer: `signature.signer` (plain or `{ id }`); null for inherents;
 * - fee: the `transactionPayment.TransactionFeePaid` actual fee, else `info.partialFee`.
 * SS58 accounts are keyed by their public key and shown under `ss58Prefix`.
 * An extrinsic that cannot be read is skipped and listed; a malformed block is a RetryableError.
 */
export function normalizePolkadotBlock(raw: unknown, height: number, ss58Prefix: number): NormalizedPolkadotBlock {
  const where = `Polkadot block ${height}`;
  const block = asRecord(raw);
  const hash = block?.['hash'];
  const parentHash = block?.['parentHash'];
  if (block === undefined || typeof hash !== 'string' || !HASH.test(hash) || typeof parentHash !== 'string' || !HASH.test(parentHash)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: Sidecar answered no block hash or parent hash`);
  if (String(block['number']) !== String(height)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: Sidecar answered block ${String(block['number']).slice(0, 20)}`);
  const extrinsics = block['extrinsics'];
  if (!Array.isArray(extrinsics)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: the block has no extrinsic list`);

  const transactions: LedgerTransaction[] = [];
  const skipped: SkippedPolkadotExtrinsic[] = [];
  extrinsics.forEach((rawExtrinsic, i) => {
    const extrinsic = asRecord(rawExtrinsic);
    const txHash = extrinsic?.['hash'];
    if (typeof txHash !== 'string' || !HASH.test(txHash)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: extrinsic ${i} has no hash`);
    try {
      transactions.push(normalizeExtrinsic(extrinsic!, txHash.toLowerCase(), ss58Prefix));
    } catch (err) {
      skipped.push({ hash: txHash.toLowerCase(), reason: err instanceof Error ? err.message : String(err) });
    }
  });
  return { block: { header: { number: height, hash: hash.toLowerCase(), parentHash: parentHash.toLowerCase() }, transactions }, skipped };
}

/** A Sidecar `/blocks/{n}/header` answer as the follower's header. */
export function normalizePolkadotHeader(raw: unknown, height: number): LedgerBlock['header'] {
  const header = asRecord(raw);
  const hash = header?.['hash'];
  const parentHash = header?.['parentHash'];
  if (typeof hash !== 'string' || !HASH.test(hash) || typeof parentHash !== 'string' || !HASH.test(parentHash) || String(header?.['number']) !== String(height)) throw new RetryableError('RPC_BAD_RESPONSE', `Polkadot header ${height}: Sidecar answered no header for this height`);
  return { number: height, hash: hash.toLowerCase(), parentHash: parentHash.toLowerCase() };
}

function normalizeExtrinsic(extrinsic: Record<string, unknown>, hash: string, ss58Prefix: number): LedgerTransaction {
  const success = extrinsic['success'];
  if (typeof success !== 'boolean') throw new Error('it has no success flag');
  const events = extrinsic['events'] ?? [];
  if (!Array.isArray(events)) throw new Error('its events are not a list');
  const signature = asRecord(extrinsic['signature']);
  const signer = signature === undefined ? null : party(signature['signer'], ss58Prefix);

  let paidFee: bigint | undefined;
  const transfers: LedgerTransfer[] = [];
  events.forEach((rawEvent, e) => {
    const event = asRecord(rawEvent);
    const method = asRecord(event?.['method']);
    const data = eventFields(event?.['data'], ['from', 'to', 'amount']);
    if (method === undefined || data === undefined) throw new Error(`event ${e} has no method or data`);
    const name = `${String(method['pallet'])}.${String(method['method'])}`;
    if (name === 'balances.Transfer') {
      const amount = planck(data[2], `event ${e} amount`);
      if (amount > 0n) transfers.push({ leg: `ev${e}`, kind: 'native', from: party(data[0], ss58Prefix), to: party(data[1], ss58Prefix), asset: polkadotProfile.nativeAsset, amount, tokenId: null });
    } else if (name === 'transactionPayment.TransactionFeePaid' && paidFee === undefined) {
      paidFee = planck(eventFields(event?.['data'], ['who', 'actualFee', 'tip'])?.[1], `event ${e} fee`);
    }
  });
  const info = asRecord(extrinsic['info']);
  const partialFee = info?.['partialFee'];
  const fee = paidFee ?? (signer !== null && partialFee !== undefined ? planck(partialFee, 'partialFee') : null);
  return { hash, success, signer, fee, transfers: success ? transfers : [] };
}

/** Event data as Sidecar writes it (a positional list), or as named fields (`{ from, to, amount }`) some versions and proxies give. */
function eventFields(data: unknown, names: readonly string[]): readonly unknown[] | undefined {
  if (Array.isArray(data)) return data as unknown[];
  const record = asRecord(data);
  return record === undefined ? undefined : names.map((n) => record[n]);
}

function party(value: unknown, ss58Prefix: number): LedgerParty {
  // Sidecar writes an AccountId as a string, a MultiAddress as `{ id }`.
  const text = typeof value === 'string' ? value : asRecord(value)?.['id'];
  const decoded = typeof text === 'string' ? decodeSs58(text) : undefined;
  if (decoded === undefined) throw new Error(`${JSON.stringify(value)?.slice(0, 80) ?? 'nothing'} is not an SS58 account`);
  return { key: Buffer.from(decoded.accountId).toString('hex'), display: encodeSs58(decoded.accountId, ss58Prefix) };
}

function planck(value: unknown, what: string): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,40}$/.test(text)) throw new Error(`${what} is not an amount in planck`);
  return BigInt(text);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
