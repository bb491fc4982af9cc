import { LABEL_CATEGORIES } from '../core/labels/address-label.js';
import { MOVEMENT_EVENTS, MOVEMENT_KINDS, SEVERITIES } from '../core/movement.js';

/**
 * JSON Schemas of the tenant API: Fastify validates requests with them and
 * @fastify/swagger publishes them as OpenAPI 3 (/openapi.json, /docs), so the
 * documentation is the validation.
 */
const decimal = { type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: 'decimal number as a string, e.g. "1500.5"' } as const;
const stringList = (description: string) => ({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, minItems: 1, maxItems: 1000, description }) as const;

export const filtersSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Every filter given must match (AND); a list matches when any of its items does (OR). No filters: every movement this tenant may see.',
  properties: {
    chains: stringList('chain ids, e.g. ["ethereum"]'),
    incidents: stringList('incident slugs of the matched watchlist entry, e.g. ["ronin-2022"]'),
    tags: stringList('tags of the matched watchlist entry, e.g. ["lazarus"]'),
    directions: { type: 'array', items: { type: 'string', enum: ['in', 'out', 'self'] }, minItems: 1 },
    kinds: { type: 'array', items: { type: 'string', enum: [...MOVEMENT_KINDS] }, minItems: 1 },
    minSeverity: { type: 'string', enum: [...SEVERITIES], description: 'needs enrichment; movements without a severity do not match' },
    minUsd: { ...decimal, description: 'needs enrichment; movements without a USD value do not match' },
    minAmount: { type: 'object', additionalProperties: decimal, maxProperties: 200, description: 'minimum amount in human units per asset symbol, e.g. {"ETH": "10"}; other symbols pass' },
    counterparties: stringList('addresses (your deposit or hot wallets): at least one must be the other side of the movement'),
    counterpartyCategories: {
      type: 'array',
      items: { type: 'string', enum: [...LABEL_CATEGORIES] },
      minItems: 1,
      description: 'categories of the labelled other side (data.counterparty.category), e.g. ["exchange", "exchange-deposit"]; movements whose other side is not labelled do not match',
    },
    events: {
      type: 'array',
      items: { type: 'string', enum: [...MOVEMENT_EVENTS] },
      minItems: 1,
      description: 'lifecycle event types to receive (docs/webhooks.md); absent: every type',
    },
  },
} as const;

export const subscriptionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    description: { type: 'string', nullable: true },
    enabled: { type: 'boolean' },
    disabledReason: { type: 'string', nullable: true, description: 'why chainwatch disabled it (410 Gone, failing for days)' },
    filters: filtersSchema,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^sub_[0-9a-f]{1,64}$' } } } as const;

export const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    webhookId: { type: 'string', description: 'the webhook-id header; the same on every retry and replay' },
    type: { type: 'string', enum: ['movement.detected', 'ping'] },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'dead'], description: 'failed: the last attempt failed and another is scheduled; dead: no more attempts (replayable)' },
    attempts: { type: 'integer' },
    lastStatusCode: { type: 'integer', nullable: true },
    lastError: { type: 'string', nullable: true },
    nextAttemptAt: { type: 'string', format: 'date-time', nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
    latencyMs: { type: 'integer', nullable: true },
  },
} as const;

export const addressInputSchema = {
  type: 'object',
  required: ['chain', 'address'],
  additionalProperties: false,
  properties: {
    chain: { type: 'string', minLength: 1, maxLength: 64 },
    address: { type: 'string', minLength: 1, maxLength: 128, description: 'EVM: 0x + 40 hex (EIP-55 checked when mixed case); Bitcoin: an address of the chain\'s network' },
    label: { type: 'string', maxLength: 200 },
    note: { type: 'string', maxLength: 2000 },
  },
} as const;

export const addressSchema = {
  type: 'object',
  properties: {
    chain: { type: 'string' },
    address: { type: 'string' },
    label: { type: 'string', nullable: true },
    note: { type: 'string', nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
