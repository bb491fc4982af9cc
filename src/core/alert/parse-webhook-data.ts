import { z } from 'zod';
import { PermanentError } from '../errors.js';
import { LABEL_CATEGORIES } from '../labels/address-label.js';
import { MOVEMENT_EVENTS, MOVEMENT_KINDS, SEVERITIES, type Movement } from '../movement.js';

const decimal = z.string().regex(/^\d+$/, 'must be a decimal integer string').transform((s) => BigInt(s));
const addressOrList = z.union([z.string(), z.array(z.string())]);

const dataSchema = z.object({
  id: z.string().min(1),
  chain: z.string().min(1),
  direction: z.enum(['in', 'out', 'self']),
  kind: z.enum(MOVEMENT_KINDS),
  txHash: z.string().min(1),
  blockNumber: z.number().int().nonnegative().nullable(),
  blockHash: z.string().nullable(),
  logIndex: z.number().int().nonnegative().nullable(),
  tracePosition: z.string().nullable().optional(),
  vout: z.array(z.number().int().nonnegative()).optional(),
  vin: z.array(z.number().int().nonnegative()).optional(),
  from: addressOrList,
  to: addressOrList,
  asset: z.object({ contract: z.string().nullable(), symbol: z.string(), decimals: z.number().int().min(0).max(255), known: z.boolean().optional() }),
  amount: decimal,
  tokenId: decimal.nullable(),
  fee: decimal.nullable().optional(),
  outputs: z.array(z.object({ vout: z.number().int().nonnegative(), address: z.string().nullable(), amount: decimal })).optional(),
  watchlist: z
    .array(
      z.object({
        address: z.string(), label: z.string(), incident: z.string(), source: z.string(), tags: z.array(z.string()),
        hop: z.number().int().nonnegative().optional(),
        via: z.object({ address: z.string(), txHash: z.string() }).optional(),
        path: z.array(z.string()).optional(),
      }),
    )
    .min(1),
  confirmations: z.number().int().nonnegative(),
  txFrom: z.string().nullable().optional(),
  severity: z.enum(SEVERITIES).optional(),
  usdValue: z.string().regex(/^\d+(\.\d+)?$/).nullable().optional(),
  spoofed: z.boolean().optional(),
  counterparty: z.object({ label: z.string(), category: z.enum(LABEL_CATEGORIES), address: z.string() }).optional(),
  reorg: z.object({ orphanedBlockHash: z.string().min(1), detectedAt: z.string().datetime() }).optional(),
});

/**
 * A webhook `data` object (or a whole `movement.detected` payload) back into a
 * Movement, for `chainwatch email preview`. Bad input throws PermanentError
 * (PREVIEW_INPUT_INVALID) naming the fields.
 */
export function parseWebhookData(input: unknown): Movement {
  const whole = typeof input === 'object' && input !== null && 'data' in input && 'type' in input;
  const body = whole ? (input as { data: unknown }).data : input;
  // A whole lifecycle payload (issue #10) previews as its follow-up email.
  const type = whole ? (input as { type: unknown }).type : undefined;
  const event = MOVEMENT_EVENTS.find((e) => e === type && e !== 'movement.detected');
  const r = dataSchema.safeParse(body);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PermanentError('PREVIEW_INPUT_INVALID', `not a chainwatch webhook data object (${problems})`, { cause: r.error });
  }
  const d = r.data;
  const { known, ...asset } = d.asset;
  return {
    id: d.id,
    chain: d.chain,
    direction: d.direction,
    kind: d.kind,
    txHash: d.txHash,
    blockNumber: d.blockNumber,
    blockHash: d.blockHash,
    logIndex: d.logIndex,
    ...(d.tracePosition !== undefined ? { tracePosition: d.tracePosition } : {}),
    ...(d.vout !== undefined ? { vout: d.vout } : {}),
    ...(d.vin !== undefined ? { vin: d.vin } : {}),
    from: d.from,
    to: d.to,
    asset,
    amount: d.amount,
    tokenId: d.tokenId,
    ...(d.fee !== undefined ? { fee: d.fee } : {}),
    ...(d.outputs !== undefined ? { outputs: d.outputs } : {}),
    watchedAddress: d.kind === 'btc' ? d.watchlist[0]!.address : d.watchlist[0]!.address.toLowerCase(),
    watchlist: d.watchlist.map(({ hop, via, path, ...w }) => ({ ...w, ...(hop !== undefined && hop > 0 ? { hop } : {}), ...(via !== undefined ? { via } : {}), ...(path !== undefined ? { path } : {}) })),
    confirmations: d.confirmations,
    ...(d.txFrom !== undefined ? { txFrom: d.txFrom } : {}),
    enrichment: { severity: d.severity ?? 'medium', usdValue: d.usdValue ?? null, assetKnown: known ?? asset.contract === null, spoofed: d.spoofed ?? false },
    ...(d.counterparty !== undefined ? { counterparty: d.counterparty } : {}),
    ...(event !== undefined ? { event } : {}),
    ...(event === 'movement.reorged' && d.reorg !== undefined ? { reorg: d.reorg } : {}),
  };
}
