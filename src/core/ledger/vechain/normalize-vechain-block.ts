import { z } from 'zod';
import { checksumEvmAddressMemo } from '../../address/checksum-evm-address.js';
import { RetryableError } from '../../errors.js';
import type { Asset } from '../../movement.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { VET, VTHO, VTHO_CONTRACT } from './vechain-profile.js';

/** keccak256("Transfer(address,address,uint256)"): ERC-20/VIP-180 (3 topics) and ERC-721 (4 topics). */
const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const quantity = z.string().regex(/^0x[0-9a-fA-F]{1,64}$/);
/** Thor writes "no delegator" as null; some gateways and SDK dumps write "". */
const optionalAddress = z.union([address, z.literal(''), z.null()]).optional();

const headerSchema = z.object({ number: z.number().int().nonnegative(), id: hash32, parentID: hash32, timestamp: z.number().optional(), transactions: z.array(z.unknown()) });

const eventSchema = z.object({ address, topics: z.array(z.string()), data: z.string() });
const transferSchema = z.object({ sender: address, recipient: address, amount: quantity });
const txSchema = z.object({
  id: hash32,
  origin: address,
  delegator: optionalAddress,
  /** Newer Thor (and the SDK) name who paid the fee: the delegator when there is one, else the origin. */
  gasPayer: optionalAddress,
  paid: quantity,
  reverted: z.boolean(),
  outputs: z.array(z.object({ events: z.array(eventSchema), transfers: z.array(transferSchema) })),
});

/** A transaction the normaliser could not read (kept out of the block's value legs; see normalizeVechainBlock). */
export interface MalformedLedgerTransaction {
  readonly index: number;
  readonly hash: string | null;
  readonly reason: string;
}

export interface NormalizedVechainBlock {
  readonly block: LedgerBlock;
  readonly malformed: readonly MalformedLedgerTransaction[];
}

/**
 * A Thor `GET /blocks/{n}?expanded=true` answer -> LedgerBlock (pure).
 * - Block number, id and parentID must be there: a malformed block is a
 *   RetryableError (a node or proxy that answers garbage is retried, never a
 *   partial block).
 * - Each transaction: success = !reverted; signer = origin; fee = `paid` when
 *   the origin paid it (a delegated transaction's fee was paid by the
 *   delegator, which becomes an actor instead, so its watched payer gets
 *   `activity`).
 * - Legs per clause output: each VET transfer Thor records (`transfers`,
 *   including those contracts make internally) as `clause<i>.transfer<j>`,
 *   and each standard `Transfer` event (VIP-180/ERC-20 with 3 topics, ERC-721
 *   with 4) as `clause<i>.event<k>`. A reverted transaction has no outputs.
 * - One malformed transaction never costs the block: it is listed in
 *   `malformed` and kept as a failed transaction (no legs) so a watched origin
 *   still gets `activity`; unreadable events are skipped singly.
 */
export function normalizeVechainBlock(raw: unknown, expectedNumber?: number): NormalizedVechainBlock {
  const header = headerSchema.safeParse(raw);
  if (!header.success) throw new RetryableError('RPC_BAD_RESPONSE', `VeChain block ${expectedNumber ?? '?'} is malformed: ${header.error.issues[0]?.path.join('.') ?? ''} ${header.error.issues[0]?.message ?? ''}`.trim());
  const b = header.data;
  if (expectedNumber !== undefined && b.number !== expectedNumber) throw new RetryableError('RPC_BAD_RESPONSE', `VeChain node answered block ${b.number} when asked for block ${expectedNumber}`);
  const malformed: MalformedLedgerTransaction[] = [];
  const transactions: LedgerTransaction[] = [];
  b.transactions.forEach((rawTx, index) => {
    const parsed = txSchema.safeParse(rawTx);
    if (parsed.success) {
      transactions.push(toTransaction(parsed.data));
      return;
    }
    const issue = parsed.error.issues[0];
    const loose = rawTx as { id?: unknown; origin?: unknown } | null;
    const hash = typeof loose?.id === 'string' && hash32.safeParse(loose.id).success ? loose.id.toLowerCase() : null;
    malformed.push({ index, hash, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unreadable'}` });
    if (hash === null) return;
    const origin = typeof loose?.origin === 'string' && address.safeParse(loose.origin).success ? party(loose.origin) : null;
    transactions.push({ hash, success: false, signer: origin, fee: null, transfers: [] });
  });
  return { block: { header: { number: b.number, hash: b.id.toLowerCase(), parentHash: b.parentID.toLowerCase() }, transactions }, malformed };
}

function toTransaction(tx: z.infer<typeof txSchema>): LedgerTransaction {
  const origin = party(tx.origin);
  const payerText = nonEmpty(tx.gasPayer) ?? nonEmpty(tx.delegator) ?? tx.origin;
  const payer = party(payerText);
  const transfers: LedgerTransfer[] = [];
  if (!tx.reverted) {
    tx.outputs.forEach((output, clause) => {
      output.transfers.forEach((t, j) => {
        transfers.push({ leg: `clause${clause}.transfer${j}`, kind: 'native', from: party(t.sender), to: party(t.recipient), asset: VET, amount: BigInt(t.amount), tokenId: null });
      });
      output.events.forEach((event, k) => {
        const leg = transferEventLeg(event, `clause${clause}.event${k}`);
        if (leg !== undefined) transfers.push(leg);
      });
    });
  }
  return {
    hash: tx.id.toLowerCase(),
    success: !tx.reverted,
    signer: origin,
    fee: payer.key === origin.key ? BigInt(tx.paid) : null,
    transfers,
    ...(payer.key !== origin.key ? { actors: [payer] } : {}),
  };
}

/** A standard Transfer event as a token (3 topics, amount in data) or NFT (4 topics, id in topic 3) leg; undefined for anything else. */
function transferEventLeg(event: z.infer<typeof eventSchema>, leg: string): LedgerTransfer | undefined {
  const [topic0, fromTopic, toTopic, idTopic] = event.topics.map((t) => t.toLowerCase());
  if (topic0 !== TRANSFER_TOPIC || fromTopic === undefined || toTopic === undefined) return undefined;
  const from = topicAddress(fromTopic);
  const to = topicAddress(toTopic);
  if (from === undefined || to === undefined) return undefined;
  if (event.topics.length === 3) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(event.data)) return undefined;
    return { leg, kind: 'token', from, to, asset: tokenAsset(event.address), amount: BigInt(event.data), tokenId: null };
  }
  if (event.topics.length === 4 && idTopic !== undefined && /^0x[0-9a-f]{64}$/.test(idTopic)) {
    return { leg, kind: 'nft', from, to, asset: { contract: checksumEvmAddressMemo(event.address.toLowerCase()), symbol: 'VIP181', decimals: 0 }, amount: 1n, tokenId: BigInt(idTopic) };
  }
  return undefined;
}

function tokenAsset(contract: string): Asset {
  const key = contract.toLowerCase();
  if (key === VTHO_CONTRACT.toLowerCase()) return VTHO;
  // Thor blocks carry no token metadata: an unknown token's amount stays in raw base units.
  return { contract: checksumEvmAddressMemo(key), symbol: 'VIP180', decimals: 0, rawUnits: true };
}

function topicAddress(topic: string): LedgerParty | undefined {
  if (!/^0x0{24}[0-9a-f]{40}$/.test(topic)) return undefined;
  return party(`0x${topic.slice(26)}`);
}

function party(hex: string): LedgerParty {
  const key = hex.toLowerCase();
  return { key, display: checksumEvmAddressMemo(key) };
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}
