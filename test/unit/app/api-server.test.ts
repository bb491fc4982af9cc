import { describe, expect, it } from 'vitest';
import { buildApiServer } from '../../../src/app/api-server.js';
import { createMetrics } from '../../../src/app/metrics.js';
import { createReadiness } from '../../../src/app/readiness.js';

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

  it('answers /readyz 503 naming what is not ready, 200 with the degraded parts named otherwise', async () => {
    const readiness = createReadiness();
    readiness.register('redis', () => ({ ready: true }));
    readiness.set('seed:btc', { ready: false, detail: 'seeding unspent outputs' });
    const app = buildApiServer({ metrics: createMetrics(), health: () => Promise.resolve({ ok: true, checks: {} }), readiness: () => readiness.report() });
    const notReady = await app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({ status: 'not_ready', notReady: ['seed:btc'], checks: { 'seed:btc': { ready: false, detail: 'seeding unspent outputs' }, redis: { ready: true } } });
    readiness.set('seed:btc', { ready: true, degraded: true, detail: '1 address could not be seeded', data: { refused: ['bc1q…'] } });
    const degraded = await app.inject({ method: 'GET', url: '/readyz' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({ status: 'degraded', notReady: [], degraded: ['seed:btc'] });
    readiness.remove('seed:btc');
    readiness.register('broken', () => Promise.reject(new Error('boom')));
    const failing = await app.inject({ method: 'GET', url: '/readyz' });
    expect(failing.statusCode).toBe(503);
    expect(failing.json()).toMatchObject({ notReady: ['broken'] });
  });
});
