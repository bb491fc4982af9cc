import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DELIVERY_STATUSES, type DeliveryRecord, type DeliveryStatus } from '../adapters/redis/delivery-store.js';
import { buildDeliveryId } from '../core/route/build-delivery-id.js';
import type { Subscription, SubscriptionFilters } from '../core/route/subscription.js';
import { ApiError } from './api-error.js';
import { deliverySchema, errorSchema, filtersSchema, idParams, subscriptionSchema } from './api-schemas.js';
import type { TenantApiDeps, TenantOf } from './tenant-api-deps.js';
import { validateCounterparty } from './validate-api-address.js';

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60_000;
const SMALL_BODY = 64 * 1024;

interface SubscriptionInput {
  url?: string;
  description?: string | null;
  enabled?: boolean;
  filters?: SubscriptionFilters;
}

const inputProperties = {
  url: { type: 'string', minLength: 1, maxLength: 2048, description: 'https:// receiver (http:// only when the operator set subscriptions.allowHttp)' },
  description: { type: 'string', maxLength: 500, nullable: true },
  enabled: { type: 'boolean' },
  filters: filtersSchema,
} as const;

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 429: errorSchema } as const;

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function subscriptionView(s: Subscription): Record<string, unknown> {
  return { id: s.id, url: s.url, description: s.description, enabled: s.enabled, disabledReason: s.disabledReason, filters: s.filters, createdAt: s.createdAt, updatedAt: s.updatedAt };
}

export function deliveryView(d: DeliveryRecord): Record<string, unknown> {
  return { id: d.id, webhookId: d.webhookId, type: d.type, status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError, nextAttemptAt: d.nextAttemptAt, createdAt: d.createdAt, latencyMs: d.latencyMs };
}

export function registerSubscriptionRoutes(app: FastifyInstance, deps: TenantApiDeps, tenantOf: TenantOf): void {
  const load = async (tenantId: string, id: string): Promise<Subscription> => {
    const sub = await deps.subscriptions.getForTenant(tenantId, id);
    // Another tenant's subscription answers exactly like a missing one.
    if (sub === undefined) throw new ApiError('not_found', `no subscription ${id}`);
    return sub;
  };

  const checkInput = async (input: SubscriptionInput): Promise<SubscriptionFilters | undefined> => {
    if (input.url !== undefined) {
      const reason = await deps.checkTarget(input.url);
      if (reason !== undefined) throw new ApiError('target_refused', `body.url: ${reason}`, 'body.url');
    }
    const f = input.filters;
    if (f === undefined) return undefined;
    f.chains?.forEach((c, i) => {
      if (!deps.chains.has(c)) throw new ApiError('invalid_request', `body.filters.chains[${i}]: unknown chain "${c}" (configured: ${[...deps.chains.keys()].join(', ')})`, `body.filters.chains[${i}]`);
    });
    const counterparties = f.counterparties?.map((a, i) => validateCounterparty(deps.chains, a, `body.filters.counterparties[${i}]`));
    return { ...f, ...(counterparties !== undefined ? { counterparties } : {}) };
  };

  app.post<{ Body: SubscriptionInput & { url: string } }>(
    '/subscriptions',
    {
      bodyLimit: SMALL_BODY,
      schema: {
        summary: 'Create a subscription',
        description: 'Answers the subscription and its signing secret (whsec_...), shown only here and on rotation.',
        body: { type: 'object', required: ['url'], additionalProperties: false, properties: inputProperties },
        response: { 201: { ...subscriptionSchema, properties: { ...subscriptionSchema.properties, secret: { type: 'string' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const filters = (await checkInput(request.body)) ?? {};
      const at = deps.now().toISOString();
      const secret = newSecret();
      const sub: Subscription = {
        id: `sub_${randomBytes(8).toString('hex')}`,
        tenantId: tenant.id,
        url: request.body.url,
        description: request.body.description ?? null,
        enabled: request.body.enabled ?? true,
        disabledReason: null,
        filters,
        secrets: [{ secret, createdAt: at }],
        createdAt: at,
        updatedAt: at,
        failingSince: null,
      };
      await deps.subscriptions.save(sub);
      return reply.code(201).send({ ...subscriptionView(sub), secret });
    },
  );

  app.get('/subscriptions', { schema: { summary: 'List your subscriptions', response: { 200: { type: 'object', properties: { data: { type: 'array', items: subscriptionSchema } } }, ...errors } } }, async (request) => {
    const tenant = tenantOf(request);
    return { data: (await deps.subscriptions.listForTenant(tenant.id)).map(subscriptionView) };
  });

  app.get<{ Params: { id: string } }>('/subscriptions/:id', { schema: { summary: 'Read a subscription', params: idParams, response: { 200: subscriptionSchema, ...errors } } }, async (request) => {
    return subscriptionView(await load(tenantOf(request).id, request.params.id));
  });

  app.patch<{ Params: { id: string }; Body: SubscriptionInput }>(
    '/subscriptions/:id',
    { bodyLimit: SMALL_BODY, schema: { summary: 'Change a subscription', description: 'Setting enabled: true re-enables a subscription chainwatch disabled.', params: idParams, body: { type: 'object', additionalProperties: false, properties: inputProperties }, response: { 200: subscriptionSchema, ...errors } } },
    async (request) => {
      const sub = await load(tenantOf(request).id, request.params.id);
      const filters = await checkInput(request.body);
      const b = request.body;
      const reenabled = b.enabled === true && !sub.enabled;
      const next: Subscription = {
        ...sub,
        ...(b.url !== undefined ? { url: b.url } : {}),
        ...(b.description !== undefined ? { description: b.description } : {}),
        ...(b.enabled !== undefined ? { enabled: b.enabled, disabledReason: b.enabled ? null : sub.disabledReason } : {}),
        ...(filters !== undefined ? { filters } : {}),
        ...(reenabled ? { failingSince: null } : {}),
        updatedAt: deps.now().toISOString(),
      };
      await deps.subscriptions.save(next);
      return subscriptionView(next);
    },
  );

  app.delete<{ Params: { id: string } }>('/subscriptions/:id', { schema: { summary: 'Delete a subscription', params: idParams, response: { 204: { type: 'null' }, ...errors } } }, async (request, reply) => {
    const sub = await load(tenantOf(request).id, request.params.id);
    await deps.subscriptions.delete(sub);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>(
    '/subscriptions/:id/rotate-secret',
    { schema: { summary: 'Rotate the signing secret', description: 'For 24 h every delivery carries both signatures, space-separated in webhook-signature.', params: idParams, response: { 200: { type: 'object', properties: { secret: { type: 'string' } } }, ...errors } } },
    async (request) => {
      const sub = await load(tenantOf(request).id, request.params.id);
      const at = deps.now();
      const secret = newSecret();
      const expiresAt = new Date(at.getTime() + ROTATION_OVERLAP_MS).toISOString();
      // The newest previous secret keeps signing for 24 h; older ones stop now.
      const previous = sub.secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > at.getTime()).slice(0, 1).map((s) => ({ secret: s.secret, createdAt: s.createdAt, expiresAt }));
      await deps.subscriptions.save({ ...sub, secrets: [{ secret, createdAt: at.toISOString() }, ...previous], updatedAt: at.toISOString() });
      return { secret };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/subscriptions/:id/test',
    { schema: { summary: 'Send a signed ping', params: idParams, response: { 202: { type: 'object', properties: { deliveryId: { type: 'string' } } }, ...errors } } },
    async (request, reply) => {
      const sub = await load(tenantOf(request).id, request.params.id);
      const at = deps.now();
      const webhookId = `ping-${sub.id}-${randomBytes(6).toString('hex')}`;
      const body = JSON.stringify({ type: 'ping', timestamp: at.toISOString(), data: { subscriptionId: sub.id } });
      const id = buildDeliveryId(webhookId);
      await deps.deliveries.createMany([{ id, subscriptionId: sub.id, tenantId: sub.tenantId, webhookId, type: 'ping', createdAt: at.toISOString(), body }]);
      await deps.enqueue([{ deliveryId: id, jobId: id }]);
      return reply.code(202).send({ deliveryId: id });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { status?: DeliveryStatus; cursor?: string; limit?: number } }>(
    '/subscriptions/:id/deliveries',
    {
      schema: {
        summary: 'The delivery log, newest first',
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: [...DELIVERY_STATUSES] }, cursor: { type: 'string', pattern: '^\\d{1,15}$' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
        response: { 200: { type: 'object', properties: { data: { type: 'array', items: deliverySchema }, nextCursor: { type: 'string', nullable: true } } }, ...errors },
      },
    },
    async (request) => {
      const sub = await load(tenantOf(request).id, request.params.id);
      const q = request.query;
      const page = await deps.deliveries.list(sub.id, { ...(q.status !== undefined ? { status: q.status } : {}), ...(q.cursor !== undefined ? { cursor: Number(q.cursor) } : {}), limit: q.limit ?? 100 });
      return { data: page.data.map(deliveryView), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
    },
  );

  app.post<{ Params: { id: string; deliveryId: string } }>(
    '/subscriptions/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        summary: 'Resend one delivery (same webhook-id)',
        params: { type: 'object', required: ['id', 'deliveryId'], properties: { id: idParams.properties.id, deliveryId: { type: 'string', pattern: '^dlv_[0-9a-f]{1,64}$' } } },
        response: { 202: { type: 'object', properties: { count: { type: 'integer' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const sub = await load(tenantOf(request).id, request.params.id);
      const rec = await deps.deliveries.get(request.params.deliveryId);
      if (rec?.subscriptionId !== sub.id) throw new ApiError('not_found', `no delivery ${request.params.deliveryId}`);
      return reply.code(202).send({ count: await deps.replay([rec]) });
    },
  );

  app.post<{ Params: { id: string }; Body: { since: string } }>(
    '/subscriptions/:id/replay',
    {
      bodyLimit: SMALL_BODY,
      schema: {
        summary: 'Resend everything since a time (same webhook-ids)',
        params: idParams,
        body: { type: 'object', required: ['since'], additionalProperties: false, properties: { since: { type: 'string', format: 'date-time', description: 'ISO-8601' } } },
        response: { 202: { type: 'object', properties: { count: { type: 'integer' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const sub = await load(tenantOf(request).id, request.params.id);
      const since = new Date(request.body.since);
      if (Number.isNaN(since.getTime())) throw new ApiError('invalid_request', 'body.since: not an ISO-8601 time', 'body.since');
      const records = await deps.deliveries.listSince(sub.id, since);
      return reply.code(202).send({ count: await deps.replay(records) });
    },
  );
}
