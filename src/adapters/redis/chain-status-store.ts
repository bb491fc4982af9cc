import type { Redis } from 'ioredis';

/**
 * Each chain's poller status for the dashboard (issue #12): pollers run in
 * other processes than the API, so the lease holder writes one record per
 * chain, `<prefix>:dashboard:chain:<id>` (JSON, expires when not refreshed),
 * and the API reads them. The lease itself (`<prefix>:lease:<id>`) names the holder.
 */
export interface ChainStatusRecord {
  readonly chain: string;
  readonly kind: string;
  readonly headNumber: number | null;
  readonly processedNumber: number | null;
  readonly lagBlocks: number | null;
  /** Blocks processed per second over the last publishing interval. */
  readonly blocksPerSecond: number | null;
  readonly lastStepOkAt: string | null;
  readonly consecutiveFailures: number;
  readonly lastErrorCode: string | null;
  /** RPC endpoints, redacted to scheme and host (never a key or credential). */
  readonly endpoints: readonly string[];
  /** RPC errors counted by this poller since it started. */
  readonly rpcErrors: number;
  /** Per RPC URL (redacted), where the poller's client tracks it (EVM): preferred, last success, last error. */
  readonly rpcEndpoints?: readonly { readonly url: string; readonly preferred: boolean; readonly lastOkAt: string | null; readonly lastFailureAt: string | null; readonly lastError: string | null; readonly consecutiveFailures: number }[];
  /** What the node offers (EVM: logs and traces mode), free text per capability. */
  readonly capabilities: Readonly<Record<string, string | null>>;
  /** This chain's readiness parts (`chain:<id>`, `seed:<id>`, `node:<id>`...): ready and detail. */
  readonly checks: Readonly<Record<string, { readonly ready: boolean; readonly degraded?: boolean; readonly detail?: string }>>;
  readonly owner: string;
  readonly updatedAt: string;
}

export interface ChainStatusStore {
  save(record: ChainStatusRecord, ttlMs: number): Promise<void>;
  /** Records and lease holders of these chains (absent record = no poller reported). */
  load(chains: readonly string[]): Promise<ReadonlyMap<string, { readonly record: ChainStatusRecord | undefined; readonly leaseHolder: string | null }>>;
}

export function createChainStatusStore(redis: Redis, prefix: string): ChainStatusStore {
  const key = (chain: string): string => `${prefix}:dashboard:chain:${chain}`;
  return {
    async save(record, ttlMs) {
      await redis.set(key(record.chain), JSON.stringify(record), 'PX', ttlMs);
    },
    async load(chains) {
      const out = new Map<string, { record: ChainStatusRecord | undefined; leaseHolder: string | null }>();
      if (chains.length === 0) return out;
      // One key at a time: under Redis Cluster the keys share the prefix's hash tag, but MGET across slots is refused elsewhere.
      const pipe = redis.pipeline();
      for (const c of chains) pipe.get(key(c)).get(`${prefix}:lease:${c}`);
      const res = (await pipe.exec()) ?? [];
      chains.forEach((c, i) => {
        const raw = res[2 * i]?.[1];
        const lease = res[2 * i + 1]?.[1];
        let record: ChainStatusRecord | undefined;
        try {
          record = typeof raw === 'string' ? (JSON.parse(raw) as ChainStatusRecord) : undefined;
        } catch {
          record = undefined;
        }
        out.set(c, { record, leaseHolder: typeof lease === 'string' ? lease : null });
      });
      return out;
    },
  };
}
