import type { ChainStatusStore } from '../adapters/redis/chain-status-store.js';
import type { ChainFollowerStatus } from './chain-follower.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface PublishedChain {
  readonly id: string;
  readonly kind: string;
  /** Redacted RPC endpoints (scheme and host). */
  readonly endpoints: readonly string[];
  readonly status: () => ChainFollowerStatus;
  /** What the node offers (EVM logs and traces mode). */
  readonly capabilities?: () => Readonly<Record<string, string | null>>;
  /** Each RPC URL's health (EVM): redacted URL, preferred, last success and failure (epoch ms), last error. */
  readonly rpcEndpoints?: () => readonly { readonly url: string; readonly preferred: boolean; readonly lastOkAt: number | null; readonly lastFailureAt: number | null; readonly lastError: string | null; readonly consecutiveFailures: number }[];
}

export interface ChainStatusPublisher {
  publishOnce(): Promise<void>;
  stop(): void;
}

/**
 * The poller role's side of the dashboard's chains page (issue #12): every
 * `intervalMs` the lease holder of each chain writes what its follower, node
 * probe, RPC error counter and readiness parts say, so the API process (which
 * polls nothing) can show it. A standby replica writes nothing: the holder does.
 */
export function startChainStatusPublisher(options: { readonly chains: readonly PublishedChain[]; readonly store: ChainStatusStore; readonly owner: string; readonly metrics: Metrics; readonly readiness: Readiness; readonly logger: Logger; readonly intervalMs?: number; readonly now?: () => number }): ChainStatusPublisher {
  const intervalMs = options.intervalMs ?? 2_000;
  const now = options.now ?? Date.now;
  const previous = new Map<string, { processed: number; at: number }>();

  const publishOnce = async (): Promise<void> => {
    const report = await options.readiness.report();
    const rpcErrors = new Map((await options.metrics.rpcErrors.get()).values.map((v) => [String(v.labels['chain']), v.value] as const));
    const t = now();
    for (const chain of options.chains) {
      const s = chain.status();
      if (s.standby) continue;
      const before = previous.get(chain.id);
      let blocksPerSecond: number | null = null;
      if (s.processedNumber !== null) {
        if (before !== undefined && t > before.at) blocksPerSecond = Math.max(0, (s.processedNumber - before.processed) / ((t - before.at) / 1000));
        previous.set(chain.id, { processed: s.processedNumber, at: t });
      }
      const checks: Record<string, { ready: boolean; degraded?: boolean; detail?: string }> = {};
      for (const [name, state] of Object.entries(report.checks)) {
        if (!name.endsWith(`:${chain.id}`)) continue;
        checks[name] = { ready: state.ready, ...(state.degraded !== undefined ? { degraded: state.degraded } : {}), ...(state.detail !== undefined ? { detail: state.detail } : {}) };
      }
      await options.store.save({
        chain: chain.id,
        kind: chain.kind,
        headNumber: s.headNumber,
        processedNumber: s.processedNumber,
        lagBlocks: s.lagBlocks,
        blocksPerSecond: blocksPerSecond === null ? null : Math.round(blocksPerSecond * 100) / 100,
        lastStepOkAt: s.lastStepOkAt === null ? null : new Date(s.lastStepOkAt).toISOString(),
        consecutiveFailures: s.consecutiveFailures,
        lastErrorCode: s.lastErrorCode,
        endpoints: chain.endpoints,
        rpcErrors: rpcErrors.get(chain.id) ?? 0,
        ...(chain.rpcEndpoints !== undefined
          ? { rpcEndpoints: chain.rpcEndpoints().map((e) => ({ ...e, lastOkAt: isoOrNull(e.lastOkAt), lastFailureAt: isoOrNull(e.lastFailureAt) })) }
          : {}),
        capabilities: chain.capabilities?.() ?? {},
        checks,
        owner: options.owner,
        updatedAt: new Date(t).toISOString(),
      }, Math.max(10_000, 5 * intervalMs));
    }
  };

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= publishOnce()
      .catch((err: unknown) => options.logger.warn({ err }, 'could not publish chain status for the dashboard; will retry'))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return { publishOnce, stop: () => clearInterval(timer) };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
