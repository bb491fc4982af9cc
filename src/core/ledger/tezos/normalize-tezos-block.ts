import { RetryableError } from '../../errors.js';
import type { Asset } from '../../movement.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { decodeTezosAddressBytes, normalizeTezosAddress } from './tezos-address.js';
import { XTZ } from './tezos-profile.js';

/** A manager operation the normaliser could not read (see normalizeTezosBlock). */
export interface MalformedTezosOperation {
  readonly index: number;
  readonly hash: string | null;
  readonly reason: string;
}

export interface NormalizedTezosBlock {
  readonly block: LedgerBlock;
  readonly malformed: readonly MalformedTezosOperation[];
}

type Json = Record<string, unknown>;
const BLOCK_HASH = /^B[1-9A-HJ-NP-Za-km-z]{50}$/;
const OP_HASH = /^o[1-9A-HJ-NP-Za-km-z]{50}$/;

class BadOperation extends Error {}

/**
 * An Octez `GET /chains/main/blocks/{level}` answer -> LedgerBlock (pure).
 *
 * One LedgerTransaction per manager operation group (validation pass 3,
 * `operations[3]`, recognised by its contents' source/fee/counter): Tezos applies a group atomically, so it succeeded only
 * when every content's `operation_result.status` is `applied` (`failed`,
 * `backtracked` and `skipped` move nothing). signer = the group's source,
 * fee = the sum of the contents' fees (mutez).
 *
 * Legs of a successful group, per content `c<i>` and internal operation `int<j>`:
 * - tez: a transaction's `amount` (`c<i>`, `c<i>.int<j>`), an origination's `balance`;
 * - tokens: a call of the standard `transfer` entrypoint decoded as FA1.2
 *   (`Pair from (Pair to value)`) or FA2 (list of `Pair from [Pair to (Pair id amount)]`),
 *   legs `…fa<k>`; other calls and anything that does not decode stay plain
 *   contract calls (the signer's `activity`). A token leg's `from` that is not
 *   the caller is what the contract was asked, which the contract may refuse:
 *   only applied calls are read, so it accepted it.
 * Other validation passes (consensus, voting, anonymous) move no user value
 * and are not read.
 */
export function normalizeTezosBlock(raw: unknown, expectedLevel?: number): NormalizedTezosBlock {
  const b = raw as { hash?: unknown; header?: { level?: unknown; predecessor?: unknown }; operations?: unknown } | null;
  const level = b?.header?.level;
  if (b === null || typeof b !== 'object' || typeof b.hash !== 'string' || !BLOCK_HASH.test(b.hash) || typeof level !== 'number' || !Number.isSafeInteger(level) || typeof b.header?.predecessor !== 'string' || !BLOCK_HASH.test(b.header.predecessor) || !Array.isArray(b.operations)) {
    throw new RetryableError('RPC_BAD_RESPONSE', `Tezos block ${expectedLevel ?? '?'} is malformed (hash, header.level, header.predecessor or operations missing)`);
  }
  if (expectedLevel !== undefined && level !== expectedLevel) throw new RetryableError('RPC_BAD_RESPONSE', `Tezos node answered block ${level} when asked for block ${expectedLevel}`);
  if (!b.operations.every(Array.isArray)) throw new RetryableError('RPC_BAD_RESPONSE', `Tezos block ${level} has an operation list that is not a list`);
  // Manager operations are validation pass 3; they are recognised by their results rather than by
  // position, so a node or recording that lists passes differently loses nothing.
  const managers = (b.operations as unknown[][]).flat().filter(isManagerOperation);
  const transactions: LedgerTransaction[] = [];
  const malformed: MalformedTezosOperation[] = [];
  managers.forEach((op: unknown, index) => {
    const hash = typeof (op as Json | null)?.['hash'] === 'string' && OP_HASH.test((op as Json)['hash'] as string) ? ((op as Json)['hash'] as string) : null;
    try {
      if (hash === null) throw new BadOperation('no operation hash');
      transactions.push(toTransaction(hash, op as Json));
    } catch (err) {
      malformed.push({ index, hash, reason: err instanceof Error ? err.message : 'unreadable' });
      if (hash === null) return;
      const source = readParty((((op as Json)['contents'] as Json[] | undefined) ?? [])[0]?.['source']);
      transactions.push({ hash, success: false, signer: source ?? null, fee: null, transfers: [] });
    }
  });
  return { block: { header: { number: level, hash: b.hash, parentHash: b.header.predecessor }, transactions }, malformed };
}

/** Consensus, voting and anonymous operations carry no `operation_result`; manager operations always do. */
function isManagerOperation(op: unknown): boolean {
  const contents = (op as Json | null)?.['contents'];
  // Unreadable contents: reported as malformed (a manager operation may hide there) rather than passed over.
  if (!Array.isArray(contents)) return true;
  return contents.some((c: unknown) => typeof c === 'object' && c !== null && 'source' in c && ('fee' in c || 'counter' in c));
}

function toTransaction(hash: string, op: Json): LedgerTransaction {
  const contents = op['contents'];
  if (!Array.isArray(contents) || contents.length === 0) throw new BadOperation('no contents');
  let signer: LedgerParty | null = null;
  let fee = 0n;
  let success = true;
  const transfers: LedgerTransfer[] = [];
  contents.forEach((content: Json, i) => {
    if (content === null || typeof content !== 'object') throw new BadOperation(`content ${i} is not an object`);
    const source = party(content['source'], `content ${i} source`);
    signer ??= source;
    fee += mutez(content['fee'] ?? '0', `content ${i} fee`);
    const result = (content['metadata'] as Json | undefined)?.['operation_result'] as Json | undefined;
    if (result === undefined || typeof result['status'] !== 'string') throw new BadOperation(`content ${i} has no operation_result`);
    if (result['status'] !== 'applied') {
      success = false;
      return;
    }
    transfers.push(...valueLegs(content, source, `c${i}`, result));
    const internals = (content['metadata'] as Json)['internal_operation_results'];
    if (internals === undefined) return;
    if (!Array.isArray(internals)) throw new BadOperation(`content ${i} internal_operation_results is not a list`);
    internals.forEach((internal: Json, j) => {
      const r = internal?.['result'] as Json | undefined;
      if (r?.['status'] !== 'applied') {
        // An internal operation that did not apply makes the whole group fail (its status is then not applied either).
        if (r?.['status'] !== undefined) success = false;
        return;
      }
      transfers.push(...valueLegs(internal, party(internal['source'], `content ${i} internal ${j} source`), `c${i}.int${j}`, r));
    });
  });
  return { hash, success, signer, fee, transfers: success ? transfers : [] };
}

function valueLegs(op: Json, source: LedgerParty, leg: string, result: Json): LedgerTransfer[] {
  const out: LedgerTransfer[] = [];
  if (op['kind'] === 'transaction') {
    const destination = party(op['destination'], `${leg} destination`);
    const amount = mutez(op['amount'] ?? '0', `${leg} amount`);
    if (amount > 0n) out.push({ leg, kind: 'native', from: source, to: destination, asset: XTZ, amount, tokenId: null });
    const parameters = op['parameters'] as Json | undefined;
    if (parameters?.['entrypoint'] === 'transfer') out.push(...tokenLegs(parameters['value'], destination.display, leg));
  } else if (op['kind'] === 'origination') {
    const amount = mutez(op['balance'] ?? '0', `${leg} balance`);
    const originated = (result['originated_contracts'] as unknown[] | undefined)?.[0];
    if (amount > 0n && originated !== undefined) out.push({ leg, kind: 'native', from: source, to: party(originated, `${leg} originated contract`), asset: XTZ, amount, tokenId: null });
  }
  return out;
}

/** FA1.2 or FA2 `transfer` parameters -> token legs; [] when they match neither (never throws). */
function tokenLegs(value: unknown, contract: string, leg: string): LedgerTransfer[] {
  const fa12 = pairArgs(value);
  if (fa12 !== undefined && fa12.length >= 2) {
    const from = michelsonAddress(fa12[0]);
    const rest = fa12.length === 3 ? fa12.slice(1) : pairArgs(fa12[1]);
    const to = rest === undefined ? undefined : michelsonAddress(rest[0]);
    const amount = rest === undefined ? undefined : michelsonNat(rest[1]);
    if (from !== undefined && to !== undefined && amount !== undefined) return [{ leg: `${leg}.fa0`, kind: 'token', from, to, asset: tokenAsset(contract, 'FA1.2', null), amount, tokenId: null }];
    return [];
  }
  if (!Array.isArray(value)) return [];
  const out: LedgerTransfer[] = [];
  let k = 0;
  for (const batch of value) {
    const args = pairArgs(batch);
    const from = args === undefined ? undefined : michelsonAddress(args[0]);
    const txs = args === undefined ? undefined : args.length === 2 ? args[1] : undefined;
    if (from === undefined || !Array.isArray(txs)) return [];
    for (const t of txs) {
      const targs = pairArgs(t);
      const flat = targs === undefined ? undefined : targs.length === 3 ? targs : [targs[0], ...(pairArgs(targs[1]) ?? [])];
      const to = michelsonAddress(flat?.[0]);
      const tokenId = michelsonNat(flat?.[1]);
      const amount = michelsonNat(flat?.[2]);
      if (to === undefined || tokenId === undefined || amount === undefined) return [];
      out.push({ leg: `${leg}.fa${k++}`, kind: 'token', from, to, asset: tokenAsset(contract, 'FA2', tokenId), amount, tokenId });
    }
  }
  return out;
}

function tokenAsset(contract: string, standard: string, tokenId: bigint | null): Asset {
  // A block carries no token metadata (TZIP-12/16 live in contract storage): amounts stay raw base units.
  return { contract, symbol: tokenId === null ? standard : `${standard}#${tokenId}`, decimals: 0, rawUnits: true };
}

function pairArgs(value: unknown): unknown[] | undefined {
  const v = value as { prim?: unknown; args?: unknown } | null;
  return v !== null && typeof v === 'object' && v.prim === 'Pair' && Array.isArray(v.args) ? v.args : undefined;
}

function michelsonAddress(value: unknown): LedgerParty | undefined {
  const v = value as { string?: unknown; bytes?: unknown } | null | undefined;
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  const text = typeof v.string === 'string' ? v.string.split('%')[0]! : typeof v.bytes === 'string' ? decodeTezosAddressBytes(v.bytes) : undefined;
  return text === undefined ? undefined : readParty(text);
}

function michelsonNat(value: unknown): bigint | undefined {
  const v = value as { int?: unknown } | null | undefined;
  return typeof v?.int === 'string' && /^\d{1,78}$/.test(v.int) ? BigInt(v.int) : undefined;
}

function readParty(value: unknown): LedgerParty | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const { matchKey, display } = normalizeTezosAddress(value);
    return { key: matchKey, display };
  } catch {
    return undefined;
  }
}

function party(value: unknown, what: string): LedgerParty {
  const p = readParty(value);
  if (p === undefined) throw new BadOperation(`${what} is not a Tezos address`);
  return p;
}

function mutez(value: unknown, what: string): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,30}$/.test(text)) throw new BadOperation(`${what} is not an amount in mutez`);
  return BigInt(text);
}
