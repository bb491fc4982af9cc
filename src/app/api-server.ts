import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Metrics } from './metrics.js';

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export interface ApiServerOptions {
  readonly metrics: Metrics;
  /** Health of the parts this process runs (Redis reachable, pollers not stuck...). */
  readonly health: () => Promise<HealthReport>;
  /** More routes on the same server (the tenant API, issue #9). */
  readonly plugins?: readonly FastifyPluginAsync[];
}

/**
 * The small operator HTTP surface: /healthz for orchestrators, /metrics for
 * Prometheus. Built without listening so tests use `inject()`.
 */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  // Unknown fields are errors (400 naming them), not silently dropped: a typo in a filter must not widen it.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  for (const plugin of options.plugins ?? []) void app.register(plugin);
  app.get('/healthz', async (_request, reply) => {
    const report = await options.health();
    return reply.code(report.ok ? 200 : 503).send({ status: report.ok ? 'ok' : 'unhealthy', checks: report.checks });
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(body);
  });
  return app;
}
