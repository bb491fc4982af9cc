import { RetryableError } from '../../errors.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { pairLedgerFlows } from '../pair-ledger-flows.js';
import { normalizeXdagAddress } from './xdag-address.js';
import { XDAG } from './xdag-profile.js';

export interface MalformedXdagTransaction {
  readonly address: string | null;
  readonly reason: string;
}

export interface NormalizedXdagBlock {
  readonly block: LedgerBlock;
  readonly malformed: readonly MalformedXdagTransaction[];
}

type Json = Record<string, unknown>;
const HASH = /^[0-9a-f]{64}$/;
/** A block address (base64 of the 24 low bytes of a block hash), as refs name other blocks. */
const BLOCK_ADDRESS = /^[A-Za-z0-9+/]{32}$/;
/** xdagj writes amounts with `toDecimal(9).toPlainString()`: digits, optionally `.` and up to 9 decimals. */
const AMOUNT = /^(\d{1,20})(?:\.(\d{1,9}))?$/;
const DIRECTION_INPUT = 0;
const DIRECTION_OUTPUT = 1;
const DIRECTION_FEE = 2;
/** xdagj's fee ref of a block no main block has applied yet (`BlockInfo.ref == null`). */
const UNAPPLIED = 'A'.repeat(32);

class BadTransaction extends Error {}

/** "640.000000000" -> 640000000000n nano-XDAG, exactly (no floats). */
export function parseXdagAmount(value: unknown): bigint {
  const m = typeof value === 'string' ? AMOUNT.exec(value) : null;
  if (m === null) throw new BadTransaction(`amount ${JSON.stringify(value)} is not a decimal XDAG amount`);
  return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The header of an `xdag_getBlockByNumber` answer: a main block at `expectedHeight`, else retryable. */
export function xdagMainBlock(answer: unknown, expectedHeight: number): { readonly height: number; readonly hash: string; readonly address: string; readonly refs: readonly Json[] } {
  const b = answer as Json | null;
  const height = Number(b?.['height']);
  const hash = typeof b?.['hash'] === 'string' ? b['hash'].toLowerCase() : '';
  const address = b?.['address'];
  const refs = b?.['refs'] ?? [];
  if (b === null || typeof b !== 'object' || height !== expectedHeight || !HASH.test(hash) || typeof address !== 'string' || !BLOCK_ADDRESS.test(address) || !Array.isArray(refs)) {
    throw new RetryableError('RPC_BAD_RESPONSE', `XDAG node answered no main block at height ${expectedHeight} (height, hash, address or refs missing)`);
  }
  if (b['state'] !== 'Main') throw new RetryableError('RPC_BAD_RESPONSE', `XDAG block at height ${expectedHeight} is not a main block (state ${String(b['state'])})`);
  return { height, hash, address, refs: refs as Json[] };
}

/**
 * The block named by an `xdag_getBlockByHash` answer's fee ref (direction 2), or null
 * when it names none (xdagj prints `AAAA…` until a main block's walk reaches it).
 * xdagj's `applyBlock` walks a main block's links depth first and sets each block's
 * `BlockInfo.ref` to the block whose walk applied it: the main block itself for its
 * direct links, an intermediate block (e.g. a witness) for blocks reached through one.
 * So a block was applied by main block M iff this ref is M or a block M applied.
 */
export function xdagAppliedThrough(answer: unknown): string | null {
  const refs = (answer as Json | null)?.['refs'];
  if (!Array.isArray(refs)) return null;
  const fee = (refs as (Json | null)[]).find((r) => r?.['direction'] === DIRECTION_FEE);
  const address = fee?.['address'];
  return typeof address === 'string' && BLOCK_ADDRESS.test(address) && address !== UNAPPLIED ? address : null;
}

/**
 * Of the fetched `xdag_getBlockByHash` answers (by block address), the blocks main
 * block `mainAddress` applied, in the order found: the fixpoint of "its fee ref names
 * the main block or a block the main block applied" (see `xdagAppliedThrough`). A
 * block whose ref names a block of an earlier main block, or nothing, is not one.
 */
export function xdagAppliedBlocks(mainAddress: string, fetched: ReadonlyMap<string, unknown>): string[] {
  const applied = new Set([mainAddress]);
  const found: string[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [address, answer] of fetched) {
      const through = applied.has(address) ? null : xdagAppliedThrough(answer);
      if (through === null || !applied.has(through)) continue;
      applied.add(address);
      found.push(address);
      grew = true;
    }
  }
  return found;
}

/**
 * The blocks a block links to (refs naming other blocks rather than accounts):
 * the source walks them from the main block to find every block it applied.
 */
export function xdagLinkedBlocks(answer: unknown): string[] {
  const refs = (answer as Json | null)?.['refs'];
  if (!Array.isArray(refs)) return [];
  const own = (answer as Json)['address'];
  return refs.filter((r: Json | null) => (r?.['direction'] === DIRECTION_INPUT || r?.['direction'] === DIRECTION_OUTPUT) && typeof r['address'] === 'string' && BLOCK_ADDRESS.test(r['address']) && r['address'] !== own).map((r: Json) => r['address'] as string);
}

/**
 * xdagj JSON-RPC answers -> LedgerBlock (pure).
 * - header: the main block at height `expectedHeight` (`xdag_getBlockByNumber`),
 *   parent = the hash of the main block one height below (main blocks name no
 *   parent in the answer; the chain of main blocks is what the follower links).
 * - transactions: the `xdag_getBlockByHash` answers of the blocks this main
 *   block applied (the source finds them); a block with inputs is a
 *   transaction: success = state `Accepted` (`Rejected` = failed), signer = its
 *   first input, legs `in<i>.out<j>` pair inputs with outputs (refs direction 0/1,
 *   amounts in XDAG with 9 decimals, outputs as received), fee = inputs - outputs
 *   when accepted, 0 when rejected. Blocks without inputs (links, witness blocks)
 *   are not transactions.
 * - one malformed block is listed in `malformed` and kept as a failed
 *   transaction without legs when it has a readable hash.
 * The coinbase reward of the main block itself is not a transfer (mining).
 */
export function normalizeXdagBlock(main: unknown, previousMain: unknown, applied: readonly unknown[], expectedHeight: number): NormalizedXdagBlock {
  const header = xdagMainBlock(main, expectedHeight);
  const parent = xdagMainBlock(previousMain, expectedHeight - 1);
  const transactions: LedgerTransaction[] = [];
  const malformed: MalformedXdagTransaction[] = [];
  const seen = new Set<string>();
  for (const raw of applied) {
    const b = raw as Json | null;
    const hash = typeof b?.['hash'] === 'string' && HASH.test(b['hash'].toLowerCase()) ? b['hash'].toLowerCase() : null;
    const address = typeof b?.['address'] === 'string' ? b['address'] : null;
    if (hash !== null && seen.has(hash)) continue;
    try {
      if (hash === null) throw new BadTransaction('no block hash');
      seen.add(hash);
      const tx = toTransaction(hash, b as Json);
      if (tx !== undefined) transactions.push(tx);
    } catch (err) {
      malformed.push({ address, reason: err instanceof Error ? err.message : 'unreadable' });
      if (hash !== null) transactions.push({ hash, success: false, signer: null, fee: null, transfers: [] });
    }
  }
  transactions.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return { block: { header: { number: header.height, hash: header.hash, parentHash: parent.hash }, transactions }, malformed };
}

function toTransaction(hash: string, b: Json): LedgerTransaction | undefined {
  const refs = b['refs'];
  if (!Array.isArray(refs)) throw new BadTransaction('refs is not a list');
  const inputs: [LedgerParty, bigint][] = [];
  const outputs: [LedgerParty, bigint][] = [];
  for (const r of refs as (Json | null)[]) {
    const direction = r?.['direction'];
    if (direction !== DIRECTION_INPUT && direction !== DIRECTION_OUTPUT) continue;
    const amount = parseXdagAmount(r?.['amount']);
    if (amount === 0n) continue; // links to other blocks carry no value
    (direction === DIRECTION_INPUT ? inputs : outputs).push([partyOf(r?.['address']), amount]);
  }
  if (inputs.length === 0) return undefined;
  const spent = inputs.reduce((sum, [, a]) => sum + a, 0n);
  const received = outputs.reduce((sum, [, a]) => sum + a, 0n);
  if (received > spent) throw new BadTransaction(`outputs (${received}) exceed inputs (${spent})`);
  const success = b['state'] === 'Accepted';
  // xdagj (0.7+) prints each output net of its fee, so inputs - outputs is the fee an applied
  // block paid; a Rejected block moved nothing and paid nothing (`applyBlock` returns before
  // any amount changes). Nodes before 0.7 print gross outputs and charged no fee: 0 either way.
  const fee = success ? spent - received : 0n;
  const transfers: LedgerTransfer[] = [];
  if (success) {
    // Parties are indexed so one account on both sides stays two flows; the fee is a sink paid first
    // (so by the signer, the first input) and dropped afterwards.
    const FEE = -1;
    const deltas: [number, bigint][] = [...inputs.map(([, a], i): [number, bigint] => [i, -a]), [FEE, fee], ...outputs.map(([, a], j): [number, bigint] => [inputs.length + j, a])];
    for (const flow of pairLedgerFlows(deltas, `XDAG block ${hash}`)) {
      if (flow.to === FEE) continue;
      // Pairing yields at most one flow per (input, output): the pair is the stable leg id.
      transfers.push({ leg: `in${flow.from}.out${flow.to - inputs.length}`, kind: 'native', from: inputs[flow.from]![0], to: outputs[flow.to - inputs.length]![0], asset: XDAG, amount: flow.amount, tokenId: null });
    }
  }
  return { hash, success, signer: inputs[0]![0], fee, transfers };
}

/** An account (Base58Check) or, for old-style transfers, a block address (base64). */
function partyOf(value: unknown): LedgerParty {
  if (typeof value !== 'string') throw new BadTransaction('a ref has no address');
  // A block address is its hash's low 24 bytes, reversed, in base64: the key is those bytes as the hash writes them.
  if (BLOCK_ADDRESS.test(value)) return { key: Buffer.from(value, 'base64').reverse().toString('hex'), display: value };
  try {
    const { matchKey, display } = normalizeXdagAddress(value);
    return { key: matchKey, display };
  } catch {
    throw new BadTransaction(`ref address ${value} is neither an XDAG account nor a block address`);
  }
}
