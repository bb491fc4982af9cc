import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Tenant } from '../adapters/redis/tenant-store.js';
import { ApiError, apiErrorBody } from './api-error.js';
import { registerAddressRoutes } from './address-routes.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';
import { MAX_BODY_BYTES, type TenantApiDeps, type TenantOf } from './tenant-api-deps.js';


/**
 * The exchanges' API (issue #9) as a Fastify plugin: `/v1/...` behind
 * `Authorization: Bearer <key>`, OpenAPI 3 at `/openapi.json` and browsable
 * docs at `/docs` (swagger-ui's own files, no CDN), both generated from the
 * route schemas that validate requests. Every error is `{"error": {...}}`
 * with the field at fault; keys and secrets never appear in one.
 */
export function tenantApiPlugin(deps: TenantApiDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: 'chainwatch tenant API', version: '1', description: 'Subscribe to movements of hack-linked addresses. Guide: docs/webhooks.md.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key from `chainwatch tenants add`' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

    const tenants = new WeakMap<FastifyRequest, Tenant>();
    const tenantOf: TenantOf = (request) => {
      const t = tenants.get(request);
      if (t === undefined) throw new ApiError('unauthorized', 'missing or invalid API key');
      return t;
    };

    // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async functions by contract
    await app.register(async (v1) => {
      v1.setErrorHandler((err: FastifyError, _request, reply) => {
        void sendError(reply, err);
      });
      v1.setNotFoundHandler((_request, reply) => sendError(reply, new ApiError('not_found', 'no such API path')));
      v1.addHook('onRequest', async (request, reply) => {
        const header = request.headers.authorization;
        const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
        const tenant = match === null ? undefined : await deps.authenticate(match[1]!);
        if (tenant === undefined) return sendError(reply, new ApiError('unauthorized', 'missing or invalid API key'));
        const limit = await deps.rateLimit(tenant.id);
        if (!limit.ok) {
          void reply.header('retry-after', String(limit.retryAfterSeconds));
          return sendError(reply, new ApiError('rate_limited', `too many requests; retry after ${limit.retryAfterSeconds} s`));
        }
        tenants.set(request, tenant);
        return undefined;
      });
      registerSubscriptionRoutes(v1, deps, tenantOf);
      registerAddressRoutes(v1, deps, tenantOf);
    }, { prefix: '/v1' });
  };
}

/** Shared by the dashboard API (issue #12): the same error bodies and validation messages. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ApiError) return reply.code(err.status).send(apiErrorBody(err));
  const e = err as FastifyError;
  if (e.validation !== undefined && e.validation.length > 0) {
    const first = e.validation[0]!;
    const params = first.params as { missingProperty?: string; additionalProperty?: string };
    const path = [e.validationContext ?? 'body', ...first.instancePath.split('/').filter((p) => p !== '')];
    if (params.missingProperty !== undefined) path.push(params.missingProperty);
    if (params.additionalProperty !== undefined) path.push(params.additionalProperty);
    const field = path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    const message = params.additionalProperty !== undefined ? 'unknown field' : (first.message ?? 'invalid value');
    return reply.code(400).send(apiErrorBody(new ApiError('invalid_request', `${field}: ${message}`, field)));
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(apiErrorBody(new ApiError('payload_too_large', `request body larger than ${MAX_BODY_BYTES} bytes`)));
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.statusCode === 400) {
    return reply.code(400).send(apiErrorBody(new ApiError('invalid_request', `body: ${e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'send application/json' : 'not valid JSON'}`, 'body')));
  }
  reply.log.error({ err: { message: e.message, code: e.code } }, 'tenant API error');
  return reply.code(500).send(apiErrorBody(new ApiError('internal', 'internal error')));
}
