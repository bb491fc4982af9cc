import { z } from 'zod';
import { PermanentError } from './errors.js';
import { LABEL_CATEGORIES } from './labels/address-label.js';
import { MOVEMENT_EVENTS, MOVEMENT_KINDS, SEVERITIES, type Movement } from './movement.js';

/**
 * The versioned payload of a job on the `movements` queue (and of every
 * delivery job, which carries the same movement). Jobs are small, carry no
 * secrets, and are parsed at the boundary like any other foreign input.
 * bigints travel as decimal strings because JSON has no bigint.
 */
export const MOVEMENT_JOB_VERSION = 1;

/** JSON form of a Movement: every bigint replaced by its decimal string. */
export interface SerializedMovement {
  readonly id: string;
  readonly chain: string;
  readonly direction: Movement['direction'];
  readonly kind: Movement['kind'];
  readonly txHash: string;
  readonly blockNumber: number | null;
  readonly blockHash: string | null;
  readonly logIndex: number | null;
  readonly tracePosition?: string | null;
  readonly vout?: readonly number[] | null;
  readonly vin?: readonly number[] | null;
  readonly from: string | readonly string[];
  readonly to: string | readonly string[];
  readonly asset: Movement['asset'];
  readonly amount: string;
  readonly tokenId: string | null;
  readonly fee?: string | null;
  readonly outputs?: readonly { readonly vout: number; readonly address: string | null; readonly amount: string }[] | null;
  readonly watchedAddress: string;
  readonly watchlist: Movement['watchlist'];
  readonly confirmations: number;
  readonly txFrom?: string | null;
  readonly enrichment?: Movement['enrichment'];
  readonly event?: Movement['event'];
  readonly counterparty?: Movement['counterparty'];
  readonly reorg?: Movement['reorg'];
  readonly redetectedIn?: string;
}

export interface MovementJobData {
  readonly v: typeof MOVEMENT_JOB_VERSION;
  readonly movement: SerializedMovement;
}

/** Turns a Movement into queue job data (bigints as decimal strings). */
export function serializeMovement(m: Movement): MovementJobData {
  const movement: SerializedMovement = {
    id: m.id,
    chain: m.chain,
    direction: m.direction,
    kind: m.kind,
    txHash: m.txHash,
    blockNumber: m.blockNumber,
    blockHash: m.blockHash,
    logIndex: m.logIndex,
    ...(m.tracePosition !== undefined ? { tracePosition: m.tracePosition } : {}),
    ...(m.vout !== undefined ? { vout: m.vout } : {}),
    ...(m.vin !== undefined ? { vin: m.vin } : {}),
    from: m.from,
    to: m.to,
    asset: { contract: m.asset.contract, symbol: m.asset.symbol, decimals: m.asset.decimals, ...(m.asset.rawUnits === true ? { rawUnits: true } : {}) },
    amount: m.amount.toString(),
    tokenId: m.tokenId === null ? null : m.tokenId.toString(),
    ...(m.fee !== undefined ? { fee: m.fee === null ? null : m.fee.toString() } : {}),
    ...(m.outputs !== undefined
      ? { outputs: m.outputs === null ? null : m.outputs.map((o) => ({ vout: o.vout, address: o.address, amount: o.amount.toString() })) }
      : {}),
    watchedAddress: m.watchedAddress,
    watchlist: m.watchlist.map((w) => ({
      address: w.address, label: w.label, incident: w.incident, source: w.source, tags: [...w.tags],
      ...(w.owner !== undefined ? { owner: w.owner } : {}),
      ...(w.hop !== undefined ? { hop: w.hop } : {}),
      ...(w.via !== undefined ? { via: { address: w.via.address, txHash: w.via.txHash } } : {}),
      ...(w.path !== undefined ? { path: [...w.path] } : {}),
    })),
    confirmations: m.confirmations,
    ...(m.txFrom !== undefined ? { txFrom: m.txFrom } : {}),
    ...(m.enrichment !== undefined ? { enrichment: { ...m.enrichment } } : {}),
    ...(m.event !== undefined ? { event: m.event } : {}),
    ...(m.counterparty !== undefined ? { counterparty: { label: m.counterparty.label, category: m.counterparty.category, address: m.counterparty.address } } : {}),
    ...(m.reorg !== undefined ? { reorg: { orphanedBlockHash: m.reorg.orphanedBlockHash, detectedAt: m.reorg.detectedAt } } : {}),
    ...(m.redetectedIn !== undefined ? { redetectedIn: m.redetectedIn } : {}),
  };
  return { v: MOVEMENT_JOB_VERSION, movement };
}

const decimal = z.string().regex(/^-?\d+$/, 'must be a decimal integer string').transform((s) => BigInt(s));
const index = z.number().int().nonnegative();
const addressOrList = z.union([z.string(), z.array(z.string())]);

const movementSchema = z.object({
  id: z.string().min(1),
  chain: z.string().min(1),
  direction: z.enum(['in', 'out', 'self']),
  kind: z.enum(MOVEMENT_KINDS),
  txHash: z.string().min(1),
  blockNumber: index.nullable(),
  blockHash: z.string().nullable(),
  logIndex: index.nullable(),
  tracePosition: z.string().nullable().optional(),
  vout: z.array(index).nullable().optional(),
  vin: z.array(index).nullable().optional(),
  from: addressOrList,
  to: addressOrList,
  asset: z.object({ contract: z.string().nullable(), symbol: z.string(), decimals: z.number().int().min(0).max(255), rawUnits: z.boolean().optional() }),
  amount: decimal,
  tokenId: decimal.nullable(),
  fee: decimal.nullable().optional(),
  outputs: z.array(z.object({ vout: index, address: z.string().nullable(), amount: decimal })).nullable().optional(),
  watchedAddress: z.string().min(1),
  watchlist: z.array(
    z.object({
      address: z.string(), label: z.string(), incident: z.string(), source: z.string(), tags: z.array(z.string()), owner: z.string().optional(),
      // Follow the money (issue #11): absent on jobs queued before it and on listed entries.
      hop: index.optional(),
      via: z.object({ address: z.string(), txHash: z.string() }).optional(),
      path: z.array(z.string()).optional(),
    }),
  ),
  confirmations: index,
  txFrom: z.string().nullable().optional(),
  enrichment: z
    .object({
      severity: z.enum(SEVERITIES),
      usdValue: z.string().regex(/^\d+(\.\d+)?$/).nullable(),
      assetKnown: z.boolean(),
      spoofed: z.boolean(),
    })
    .optional(),
  counterparty: z.object({ label: z.string(), category: z.enum(LABEL_CATEGORIES), address: z.string() }).optional(),
  event: z.enum(MOVEMENT_EVENTS).optional(),
  reorg: z.object({ orphanedBlockHash: z.string().min(1), detectedAt: z.string().datetime() }).optional(),
  redetectedIn: z.string().min(1).optional(),
});

const jobSchema = z.object({ v: z.literal(MOVEMENT_JOB_VERSION), movement: movementSchema });

/**
 * Parses job data back into a Movement. Bad data can never become good by
 * retrying, so it throws PermanentError (code JOB_INVALID) naming the first problems.
 */
export function parseMovementJob(data: unknown): Movement {
  const result = jobSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new PermanentError('JOB_INVALID', `movement job data is invalid (${problems})`, { cause: result.error });
  }
  const m = result.data.movement;
  // Rebuild without undefined optional keys, so a round trip is exact.
  const movement: Movement = {
    id: m.id,
    chain: m.chain,
    direction: m.direction,
    kind: m.kind,
    txHash: m.txHash,
    blockNumber: m.blockNumber,
    blockHash: m.blockHash,
    logIndex: m.logIndex,
    ...(m.tracePosition !== undefined ? { tracePosition: m.tracePosition } : {}),
    ...(m.vout !== undefined ? { vout: m.vout } : {}),
    ...(m.vin !== undefined ? { vin: m.vin } : {}),
    from: m.from,
    to: m.to,
    asset: { contract: m.asset.contract, symbol: m.asset.symbol, decimals: m.asset.decimals, ...(m.asset.rawUnits === true ? { rawUnits: true } : {}) },
    amount: m.amount,
    tokenId: m.tokenId,
    ...(m.fee !== undefined ? { fee: m.fee } : {}),
    ...(m.outputs !== undefined ? { outputs: m.outputs } : {}),
    watchedAddress: m.watchedAddress,
    watchlist: m.watchlist.map(({ owner, hop, via, path, ...w }) => ({
      ...w,
      ...(owner !== undefined ? { owner } : {}),
      ...(hop !== undefined ? { hop } : {}),
      ...(via !== undefined ? { via } : {}),
      ...(path !== undefined ? { path } : {}),
    })),
    confirmations: m.confirmations,
    ...(m.txFrom !== undefined ? { txFrom: m.txFrom } : {}),
    ...(m.enrichment !== undefined ? { enrichment: m.enrichment } : {}),
    ...(m.event !== undefined ? { event: m.event } : {}),
    ...(m.counterparty !== undefined ? { counterparty: m.counterparty } : {}),
    ...(m.reorg !== undefined ? { reorg: m.reorg } : {}),
    ...(m.redetectedIn !== undefined ? { redetectedIn: m.redetectedIn } : {}),
  };
  return movement;
}

/**
 * The BullMQ job id (and delivery key) of a movement. A confirmed movement's
 * key is its id. A mempool sighting (confirmations 0, Bitcoin early warning) is
 * a distinct delivery: `${id}-unconfirmed`, so the later confirmed alert for the
 * same leg still goes out, while the unconfirmed one is never repeated.
 * BullMQ custom ids must not contain ':' (buildMovementId already replaces it;
 * done again here so a hand-built id cannot break the queue).
 */
export function movementJobId(m: Pick<Movement, 'id' | 'confirmations' | 'event' | 'reorg' | 'redetectedIn'>): string {
  const base = m.id.replaceAll(':', '_');
  // A lifecycle event is a delivery of its own (its own webhook-id), never deduped against the detection.
  if (m.event === 'movement.confirmed') return `${base}-confirmed`;
  if (m.event === 'movement.dropped') return `${base}-dropped`;
  // One retraction per alerted movement per orphaned block: a re-run of the rewind re-enqueues the same id.
  if (m.event === 'movement.reorged') return `${base}-reorged-${blockHashPart(m.reorg?.orphanedBlockHash ?? 'unknown')}`;
  if (m.confirmations === 0) return `${base}-unconfirmed`;
  // A leg re-mined after its retraction: keyed by its new block, so re-running that block dedupes.
  return m.redetectedIn !== undefined ? `${base}-redetected-${blockHashPart(m.redetectedIn)}` : base;
}

/** A block hash as a job-id part: lowercase hex without 0x (EVM, Tron and Bitcoin hashes alike). */
export function blockHashPart(hash: string): string {
  return hash.toLowerCase().replace(/^0x/, '').replace(/[^0-9a-z]/g, '');
}
