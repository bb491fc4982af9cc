import type { Movement } from './movement.js';

/**
 * Interfaces the core declares and adapters implement (arrows point inward).
 */

/** Where detected movements go: the durable Redis queue in production. */
export interface MovementSink {
  /**
   * Enqueues movements with their deterministic ids. Resolves only once Redis
   * has them, so a poller may advance its cursor afterwards (at-least-once).
   */
  publish(movements: readonly Movement[]): Promise<void>;
}

/** A processed block: the poller's position on its chain. */
export interface BlockRef {
  readonly number: number;
  readonly hash: string;
}

/** A block header as far as following the chain needs it. */
export interface BlockHeader extends BlockRef {
  readonly parentHash: string;
}

/**
 * The poller's durable position. Keeps the last processed block and the hashes
 * of recent ones, so a reorg can be walked back to the common ancestor.
 */
export interface CursorStore {
  load(chain: string): Promise<ChainCursor | undefined>;
  save(chain: string, cursor: ChainCursor): Promise<void>;
}

export interface ChainCursor {
  /** Last fully processed block; null before the first block is processed. */
  readonly head: BlockRef;
  /** Recent processed blocks, oldest first, ending with `head` (bounded length). */
  readonly recent: readonly BlockRef[];
}

/**
 * The exclusive right to poll one chain among replicas that share one Redis.
 * Holders renew it on every poll step; a replica that stops releases it, one
 * that dies loses it when it expires, and a standby takes over from the
 * durable cursor. Two holders at once (a step outlasting the lease) only cost
 * duplicate work: movement ids dedupe the alerts.
 */
export interface ChainLease {
  /** Acquires the lease or renews it; true while this process holds it. */
  hold(chain: string): Promise<boolean>;
  release(chain: string): Promise<void>;
}
