import { createHash } from 'node:crypto';
import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { RetryableError } from '../../errors.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { normalizeKadenaAddress } from './kadena-address.js';
import { KADENA_PROFILE } from './kadena-profile.js';

/** One chain's block at the cut height, as the full-block endpoint (`/chain/{c}/block/branch`) returns it. */
export interface KadenaChainBlock {
  readonly chainId: number;
  /** `header` (JSON encoding): hash, parent, height, chainId. */
  readonly header: unknown;
  /** `payloadWithOutputs`: transactions as [base64url tx, base64url output] pairs. */
  readonly payloadWithOutputs: unknown;
}

export interface KadenaSkippedTransaction {
  readonly chainId: number;
  readonly hash: string | null;
  readonly reason: string;
}

const KDA_DECIMALS = 12;

/**
 * The follower's Kadena block at cut height `height`: the blocks of every
 * followed chain at that height, in chain-id order. Its hash is sha256 over
 * "<chainId>:<block hash>" of each, its parent hash the same over each
 * block's parent, so a reorg on any one chain breaks the continuity the
 * follower checks. Value moved is read from the `coin` module's events (the
 * truth of what a transaction did, whatever its Pact code): `TRANSFER`
 * [from, to, amount] and `TRANSFER_XCHAIN` [from, to, amount, target chain]
 * on the source chain. TRANSFER events with an empty side (coinbase mint, the
 * burn half of a cross-chain transfer, its mint on the target chain) and the
 * gas payment to the miner (the fee) are not legs. A `failure` result moves
 * nothing. One unreadable transaction is skipped and reported; a malformed
 * header or payload is a RetryableError.
 */
export function normalizeKadenaCut(height: number, blocks: readonly KadenaChainBlock[]): { readonly block: LedgerBlock; readonly skipped: readonly KadenaSkippedTransaction[] } {
  const ordered = [...blocks].sort((a, b) => a.chainId - b.chainId);
  const hashes: string[] = [];
  const parents: string[] = [];
  const transactions: LedgerTransaction[] = [];
  const skipped: KadenaSkippedTransaction[] = [];
  for (const chainBlock of ordered) {
    const h = chainBlock.header as { hash?: unknown; parent?: unknown; height?: unknown; chainId?: unknown } | null;
    if (h === null || typeof h !== 'object' || typeof h.hash !== 'string' || typeof h.parent !== 'string' || h.height !== height || Number(h.chainId) !== chainBlock.chainId) {
      throw new RetryableError('RPC_BAD_RESPONSE', `Kadena chain ${chainBlock.chainId} answered no header for height ${height}`);
    }
    hashes.push(`${chainBlock.chainId}:${h.hash}`);
    parents.push(`${chainBlock.chainId}:${h.parent}`);
    const payload = chainBlock.payloadWithOutputs as { transactions?: unknown } | null;
    if (payload === null || typeof payload !== 'object' || !Array.isArray(payload.transactions)) throw new RetryableError('RPC_BAD_RESPONSE', `Kadena chain ${chainBlock.chainId} block ${h.hash} has no payload transactions`);
    for (const pair of payload.transactions as unknown[]) {
      try {
        transactions.push(normalizeKadenaTransaction(pair));
      } catch (err) {
        const hash = Array.isArray(pair) && typeof pair[0] === 'string' ? txHashOf(pair[0]) : null;
        skipped.push({ chainId: chainBlock.chainId, hash, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { block: { header: { number: height, hash: digest(hashes), parentHash: digest(parents) }, transactions }, skipped };
}

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join(',')).digest('hex');
}

function txHashOf(b64: string): string | null {
  try {
    const tx = decode(b64) as { hash?: unknown };
    return typeof tx.hash === 'string' ? tx.hash : null;
  } catch {
    return null;
  }
}

/** base64url JSON, parsed losslessly: decimals like 4.35e-6 or 0.780710000000000000000000000000 stay exact strings. */
function decode(b64: string): unknown {
  return parseLossless(Buffer.from(b64, 'base64url').toString('utf8'), null, (value) => (isSafeNumber(value) && !/[.eE]/.test(value) ? Number(value) : { decimal: value }));
}

interface PactEvent {
  readonly name?: unknown;
  readonly module?: { readonly name?: unknown; readonly namespace?: unknown } | null;
  readonly params?: unknown;
}

function normalizeKadenaTransaction(pair: unknown): LedgerTransaction {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') throw new Error('transaction is not a [tx, output] pair');
  const tx = decode(pair[0]) as { hash?: unknown; cmd?: unknown };
  if (typeof tx.hash !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(tx.hash)) throw new Error('transaction has no request key');
  const hash = tx.hash;
  if (typeof tx.cmd !== 'string') throw new Error(`transaction ${hash} has no cmd`);
  const cmd = parseLossless(tx.cmd, null, (value) => ({ decimal: value })) as { meta?: { sender?: unknown; gasPrice?: unknown } };
  const out = decode(pair[1]) as { gas?: unknown; result?: { status?: unknown }; reqKey?: unknown; events?: unknown };
  if (out.reqKey !== hash) throw new Error(`transaction ${hash} has the output of another request key`);
  const success = out.result?.status === 'success';
  if (!success && out.result?.status !== 'failure') throw new Error(`transaction ${hash} has no success/failure result`);
  const sender = typeof cmd.meta?.sender === 'string' ? party(cmd.meta.sender) : null;
  const gas = unitsOf(out.gas, 0);
  const gasPrice = unitsOf(cmd.meta?.gasPrice, KDA_DECIMALS);
  const fee = gas !== undefined && gasPrice !== undefined ? gas * gasPrice : null;
  const transfers: LedgerTransfer[] = [];
  if (success) {
    const events = Array.isArray(out.events) ? (out.events as PactEvent[]) : [];
    let gasSeen = false;
    events.forEach((event, i) => {
      if (event.module?.name !== 'coin' || (event.module.namespace !== null && event.module.namespace !== undefined)) return;
      if (event.name !== 'TRANSFER' && event.name !== 'TRANSFER_XCHAIN') return;
      const params = Array.isArray(event.params) ? (event.params as unknown[]) : [];
      const [from, to, rawAmount] = params;
      if (typeof from !== 'string' || typeof to !== 'string') throw new Error(`transaction ${hash} event ${i} has no from/to account`);
      if (from === '' || to === '') return;
      const amount = unitsOf(rawAmount, KDA_DECIMALS);
      if (amount === undefined) throw new Error(`transaction ${hash} event ${i} amount is not a KDA decimal`);
      // Gas: the sender pays exactly the fee to the miner, once; it is the transaction's fee, not a movement.
      if (!gasSeen && event.name === 'TRANSFER' && fee !== null && amount === fee && sender !== null && party(from).key === sender.key) {
        gasSeen = true;
        return;
      }
      if (amount === 0n) return;
      transfers.push({ leg: `ev${i}`, kind: 'native', from: party(from), to: party(to), asset: KADENA_PROFILE.nativeAsset, amount, tokenId: null });
    });
  }
  return { hash, success, signer: sender, fee, transfers };
}

function party(account: string): LedgerParty {
  const a = normalizeKadenaAddress(account);
  return { key: a.matchKey, display: a.display };
}

/** A Pact number (integer, `{decimal}` as parsed here, or `{int}`) in units of 10^-decimals; undefined when it is none or has more places. */
function unitsOf(value: unknown, decimals: number): bigint | undefined {
  let text: string;
  if (typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
  else if (value !== null && typeof value === 'object' && 'decimal' in value && typeof value.decimal === 'string') text = value.decimal;
  else if (value !== null && typeof value === 'object' && 'int' in value && (typeof value.int === 'string' || typeof value.int === 'number')) text = String(value.int);
  else return undefined;
  const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return undefined;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const exponent = Number(m[3] ?? '0') - (m[2]?.length ?? 0) + decimals;
  if (exponent >= 0) return BigInt(digits) * 10n ** BigInt(exponent);
  const cut = digits.length + exponent;
  const dropped = cut <= 0 ? digits : digits.slice(cut);
  // Trailing zeros beyond 12 places are fine (0.780710000000000000000000000000); real digits there are not KDA.
  if (/[^0]/.test(dropped)) return undefined;
  return cut <= 0 ? 0n : BigInt(digits.slice(0, cut));
}
