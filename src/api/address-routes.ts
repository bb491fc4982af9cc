import type { FastifyInstance } from 'fastify';
import type { TenantAddress } from '../adapters/redis/tenant-address-store.js';
import { ApiError } from './api-error.js';
import { addressInputSchema, addressSchema, errorSchema } from './api-schemas.js';
import { MAX_BODY_BYTES, type TenantApiDeps, type TenantOf } from './tenant-api-deps.js';
import { validateApiAddress } from './validate-api-address.js';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 429: errorSchema } as const;

function addressView(a: TenantAddress): Record<string, unknown> {
  return { chain: a.chain, address: a.address, label: a.label, note: a.note, createdAt: a.createdAt };
}

/** A tenant's own address list: movements of these go to this tenant's subscriptions only. */
export function registerAddressRoutes(app: FastifyInstance, deps: TenantApiDeps, tenantOf: TenantOf): void {
  app.post<{ Body: { addresses: { chain: string; address: string; label?: string; note?: string }[] } }>(
    '/addresses',
    {
      bodyLimit: MAX_BODY_BYTES,
      schema: {
        summary: 'Add addresses to your own list',
        description: 'Matched from the next block every poller processes. Up to 1,000 per call.',
        body: { type: 'object', required: ['addresses'], additionalProperties: false, properties: { addresses: { type: 'array', items: addressInputSchema, minItems: 1, maxItems: 1000 } } },
        response: { 200: { type: 'object', properties: { added: { type: 'integer' }, existing: { type: 'integer' } } }, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const at = deps.now().toISOString();
      const seen = new Set<string>();
      const list: TenantAddress[] = [];
      let duplicates = 0;
      request.body.addresses.forEach((a, i) => {
        const n = validateApiAddress(deps.chains, a.chain, a.address, `body.addresses[${i}].address`);
        const k = `${a.chain}/${n.matchKey}`;
        if (seen.has(k)) {
          duplicates += 1;
          return;
        }
        seen.add(k);
        list.push({ chain: a.chain, address: n.display, matchKey: n.matchKey, label: a.label ?? null, note: a.note ?? null, createdAt: at });
      });
      const result = await deps.addresses.add(tenant.id, list);
      return { added: result.added, existing: result.existing + duplicates };
    },
  );

  app.get<{ Querystring: { chain?: string; cursor?: string; limit?: number } }>(
    '/addresses',
    {
      schema: {
        summary: 'List your own addresses',
        querystring: { type: 'object', additionalProperties: false, properties: { chain: { type: 'string', minLength: 1, maxLength: 64 }, cursor: { type: 'string', pattern: '^\\d{1,20}$' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } } },
        response: { 200: { type: 'object', properties: { data: { type: 'array', items: addressSchema }, nextCursor: { type: 'string', nullable: true } } }, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const q = request.query;
      if (q.chain !== undefined && !deps.chains.has(q.chain)) throw new ApiError('invalid_request', `querystring.chain: unknown chain "${q.chain}"`, 'querystring.chain');
      const page = await deps.addresses.list(tenant.id, { ...(q.chain !== undefined ? { chain: q.chain } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), limit: q.limit ?? 500 });
      return { data: page.data.map(addressView), nextCursor: page.nextCursor };
    },
  );

  app.delete<{ Params: { chain: string; address: string } }>(
    '/addresses/:chain/:address',
    {
      schema: {
        summary: 'Remove an address from your own list',
        params: { type: 'object', required: ['chain', 'address'], properties: { chain: { type: 'string', minLength: 1, maxLength: 64 }, address: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const n = validateApiAddress(deps.chains, request.params.chain, request.params.address, 'params.address');
      if (!(await deps.addresses.remove(tenant.id, request.params.chain, n.matchKey))) throw new ApiError('not_found', `${n.display} is not on your ${request.params.chain} list`);
      return reply.code(204).send();
    },
  );
}
