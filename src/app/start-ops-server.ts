import type { FastifyPluginAsync } from 'fastify';
import { buildApiServer, type HealthReport } from './api-server.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface StartOpsServerOptions {
  readonly metrics: Metrics;
  readonly health: () => Promise<HealthReport>;
  readonly readiness: Readiness;
  /** 0 = any free port (the chosen one is logged and returned). */
  readonly port: number;
  readonly host: string;
  readonly roles: readonly string[];
  readonly logger: Logger;
  /** More routes on the same server (the tenant API of the api role, issue #9). */
  readonly plugins?: readonly FastifyPluginAsync[];
}

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens with the operator endpoints (/healthz, /readyz, /metrics) of this
 * process. Every role serves them from its own registry, so a poller-only or
 * alerter-only process is observable and its container health check works.
 * A port already taken is a start error that says how to give each process
 * on one host its own port.
 */
export async function startOpsServer(options: StartOpsServerOptions): Promise<OpsServer> {
  const { port, host, logger } = options;
  const app = buildApiServer({
    metrics: options.metrics,
    health: options.health,
    readiness: () => options.readiness.report(),
    ...(options.plugins !== undefined ? { plugins: options.plugins } : {}),
  });
  let url: string;
  try {
    url = await app.listen({ port, host });
  } catch (err) {
    await app.close().catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot serve /healthz, /readyz and /metrics on ${host}:${port} (${code}): give each chainwatch process on this host its own port (--port N or env PORT; 0 picks a free one)`, { cause: err });
  }
  logger.info({ url, roles: options.roles }, 'HTTP listening (/healthz, /readyz, /metrics)');
  return { url, close: () => app.close() };
}
