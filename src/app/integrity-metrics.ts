import { Gauge } from 'prom-client';
import type { Metrics } from './metrics.js';

/**
 * Gauges of issue #7 (integrity under hostile input), registered on the
 * process's registry the first time they are asked for, so only the roles
 * that report them expose them.
 */
export interface IntegrityMetrics {
  /** Watched Bitcoin addresses the backend refused to list unspent outputs for at the last seeding. */
  readonly unseededAddresses: Gauge<'chain'>;
  /** Movements parked on the movements queue because no delivery channel is enabled. */
  readonly undeliverableMovements: Gauge;
  /** Mempool txids remembered in Redis as alerted (bounded: only matched ones still in the mempool). */
  readonly mempoolSeenTxids: Gauge<'chain'>;
  /** 1 seeded, 0 seeding failed and retrying in the background, -1 the backend cannot seed (issue #10). */
  readonly seedState: Gauge<'chain'>;
}

const byRegistry = new WeakMap<Metrics['registry'], IntegrityMetrics>();

export function integrityMetrics(metrics: Metrics): IntegrityMetrics {
  const registry = metrics.registry;
  const known = byRegistry.get(registry);
  if (known) return known;
  const registers = [registry];
  const created: IntegrityMetrics = {
    unseededAddresses: new Gauge({ name: 'chainwatch_btc_unseeded_addresses', help: 'Watched Bitcoin addresses whose unspent outputs the backend refused to list at the last seeding (Esplora: too many outputs); spends of their older coins are not recognised', labelNames: ['chain'], registers }),
    undeliverableMovements: new Gauge({ name: 'chainwatch_movements_undeliverable', help: 'Movements kept pending because no delivery channel (email or webhook) is enabled; delivered once one is', registers }),
    seedState: new Gauge({ name: 'chainwatch_btc_seed_state', help: 'Seeding of watched addresses\' unspent outputs: 1 done, 0 failed and retrying in the background while the chain is followed, -1 the backend lacks the method (not retried)', labelNames: ['chain'], registers }),
    mempoolSeenTxids: new Gauge({ name: 'chainwatch_btc_mempool_seen_txids', help: 'Alerted mempool txids remembered in Redis to dedupe alerts across restarts', labelNames: ['chain'], registers }),
  };
  byRegistry.set(registry, created);
  return created;
}
