import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Metrics } from './metrics.js';
import type { ReadinessReport } from './readiness.js';

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export interface ApiServerOptions {
  readonly metrics: Metrics;
  /** Health of the parts this process runs (Redis reachable, pollers not stuck...). */
  readonly health: () => Promise<HealthReport>;
  /** Readiness of the parts this process runs (see readiness.ts); /readyz answers 200 when absent. */
  readonly readiness?: () => Promise<ReadinessReport>;
  /** More routes on the same server (the tenant API, issue #9). */
  readonly plugins?: readonly FastifyPluginAsync[];
}

/**
 * The small operator HTTP surface, served by every role: /healthz (liveness:
 * the process and Redis answer), /readyz (503 naming the parts that are not
 * ready; 200 with `degraded` names for parts that work with a gap), /metrics
 * for Prometheus. Built without listening so tests use `inject()`.
 */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  // Unknown fields are errors (400 naming them), not silently dropped: a typo in a filter must not widen it.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  for (const plugin of options.plugins ?? []) void app.register(plugin);
  app.get('/healthz', async (_request, reply) => {
    const report = await options.health();
    return reply.code(report.ok ? 200 : 503).send({ status: report.ok ? 'ok' : 'unhealthy', checks: report.checks });
  });
  app.get('/readyz', async (_request, reply) => {
    const report = options.readiness ? await options.readiness() : { status: 'ready' as const, notReady: [], degraded: [], checks: {} };
    return reply.code(report.status === 'not_ready' ? 503 : 200).send(report);
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(body);
  });
  return app;
}
