import { describe, expect, it } from 'vitest';
import { buildApiServer } from '../../../src/app/api-server.js';
import { createMetrics } from '../../../src/app/metrics.js';

describe('api server', () => {
  it('serves Prometheus metrics with the pipeline counters', async () => {
    const metrics = createMetrics();
    metrics.blocksProcessed.inc({ chain: 'ethereum' }, 3);
    metrics.headLagBlocks.set({ chain: 'ethereum' }, 2);
    const app = buildApiServer({ metrics, health: () => Promise.resolve({ ok: true, checks: {} }) });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('chainwatch_blocks_processed_total{chain="ethereum"} 3');
    expect(res.body).toContain('chainwatch_head_lag_blocks{chain="ethereum"} 2');
    expect(res.body).toContain('chainwatch_deliveries_total');
  });

  it('answers /healthz with 200 when healthy and 503 naming the failing check otherwise', async () => {
    const metrics = createMetrics();
    let healthy = true;
    const app = buildApiServer({
      metrics,
      health: () => Promise.resolve(healthy ? { ok: true, checks: { redis: { ok: true } } } : { ok: false, checks: { redis: { ok: false, detail: 'no answer' } } }),
    });
    const ok = await app.inject({ method: 'GET', url: '/healthz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', checks: { redis: { ok: true } } });
    healthy = false;
    const bad = await app.inject({ method: 'GET', url: '/healthz' });
    expect(bad.statusCode).toBe(503);
    expect(bad.json()).toMatchObject({ status: 'unhealthy', checks: { redis: { ok: false, detail: 'no answer' } } });
  });
});
