import { z } from 'zod';
import { normalizeEvmAddress } from '../core/address/normalize-evm-address.js';
import { normalizeTronAddress } from '../core/address/normalize-tron-address.js';
import { GROUP_LABELS } from '../core/route/email-route.js';
import { LABEL_CATEGORIES } from '../core/labels/address-label.js';
import { MOVEMENT_EVENTS, MOVEMENT_KINDS, SEVERITIES } from '../core/movement.js';

/**
 * Config keys of issue #8 (docs/alerts.md): `prices`, `tokens`, `alerts`,
 * and the matcher of `email.routes`. Amounts and prices are decimal strings
 * (never floats); a bare YAML number is accepted and read as its decimal text.
 */

const decimalString = z
  .union([z.string(), z.number().nonnegative()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal number like "100000" or "0.5"'));

const evmAddress = z.string().superRefine((value, ctx) => {
  try {
    normalizeEvmAddress(value);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
  }
});

const severity = z.enum(SEVERITIES);

function oneOrMany<T extends z.ZodTypeAny>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v): z.infer<T>[] => (Array.isArray(v) ? (v as z.infer<T>[]) : [v as z.infer<T>]));
}

const matchFields = {
  chain: oneOrMany(z.string().min(1)).optional(),
  incident: oneOrMany(z.string().min(1)).optional(),
  tag: oneOrMany(z.string().min(1)).optional(),
  direction: oneOrMany(z.enum(['in', 'out', 'self'])).optional(),
  kind: oneOrMany(z.enum(MOVEMENT_KINDS)).optional(),
  token: oneOrMany(z.enum(['known', 'unknown', 'spoofed'])).optional(),
  asset: oneOrMany(z.string().min(1)).optional(),
  minUsd: decimalString.optional(),
  maxUsd: decimalString.optional(),
  minAmount: z.record(z.string().min(1), decimalString).optional(),
  maxAmount: z.record(z.string().min(1), decimalString).optional(),
  /** The labelled other side's category (config/labels, docs/labels.md). */
  counterpartyCategory: oneOrMany(z.enum(LABEL_CATEGORIES)).optional(),
};

const NO_CONDITION = 'a match needs at least one condition (chain, incident, tag, direction, kind, token, asset, minUsd, maxUsd, minAmount, maxAmount, counterpartyCategory)';

export const alertMatchSchema = z
  .object(matchFields)
  .strict()
  .refine((m) => Object.values(m).some((v) => v !== undefined), NO_CONDITION);

export const routeMatchSchema = z
  .object({ ...matchFields, severity: oneOrMany(severity).optional(), minSeverity: severity.optional() })
  .strict()
  .refine((m) => Object.values(m).some((v) => v !== undefined), `${NO_CONDITION.replace(')', ', severity, minSeverity)')}`);

export const severityRuleSchema = z.object({ match: alertMatchSchema, severity }).strict();

/** `events` of an email route: which lifecycle events it is emailed (movement.reorged always is). */
const emailEvents = z.array(z.enum(MOVEMENT_EVENTS)).min(1, 'list at least one event type');

export const emailRouteSchema = z
  .object({
    match: routeMatchSchema,
    to: z.array(z.string().email()).min(1, 'a route needs at least one recipient in to'),
    continue: z.boolean().default(false),
    /** Lifecycle events this route is emailed (issue #10); default alerts.email.events. movement.reorged is always sent. */
    events: emailEvents.optional(),
  })
  .strict();

export const priceSchema = z
  .object({
    /** Chain id whose JSON-RPC reads the feed (an evm chain in `chains`). */
    chain: z.string().min(1).optional(),
    /** Chainlink aggregator (proxy) address: latestRoundData() and decimals(). */
    chainlinkFeed: evmAddress.optional(),
    /** A feed answer older than this is stale: the value stays unknown. */
    heartbeatSeconds: z.number().int().positive().default(3600),
    /** A fixed USD price instead of a feed. */
    usd: decimalString.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.chainlinkFeed === undefined) === (p.usd === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a price needs either chainlinkFeed (with chain) or a fixed usd price' });
    } else if (p.chainlinkFeed !== undefined && p.chain === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['chain'], message: 'a chainlinkFeed needs the chain whose RPC reads it (e.g. ethereum)' });
    }
  });

export const pricesSchema = z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'a price key is an asset symbol like ETH or USDT'), priceSchema);

/** A listed token's contract: EIP-55 on EVM chains, a T-address (Base58Check) on Tron. */
const tokenContract = z.string().superRefine((value, ctx) => {
  try {
    if (value.startsWith('T')) normalizeTronAddress(value);
    else normalizeEvmAddress(value);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
  }
});

export const listedTokenSchema = z
  .object({
    address: tokenContract,
    symbol: z.string().min(1).max(32),
    decimals: z.number().int().min(0).max(77),
    name: z.string().optional(),
  })
  .strict();

export const tokensSchema = z.record(z.string().min(1), z.array(listedTokenSchema));

export const alertsSchema = z
  .object({
    /** Ordered severity rules: first match wins, default medium. */
    rules: z.array(severityRuleSchema).default([]),
    email: z
      .object({
        minSeverity: severity.default('low'),
        groupBy: z.array(z.enum(GROUP_LABELS)).default(['incident']),
        groupWaitMs: z.number().int().nonnegative().default(30_000),
        groupIntervalMs: z.number().int().nonnegative().default(300_000),
        /** Lifecycle events emailed by default (email.to and routes without their own `events`); see docs/alerts.md. */
        events: emailEvents.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type PriceConfig = z.infer<typeof priceSchema>;
export type PricesConfig = Readonly<Record<string, PriceConfig>>;
export type TokensConfig = Readonly<Record<string, readonly z.infer<typeof listedTokenSchema>[]>>;
export type AlertsConfig = z.infer<typeof alertsSchema>;
