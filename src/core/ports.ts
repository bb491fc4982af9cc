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

/** Retractions of one orphaned block that wait until the follower has reached its height again. */
export interface PendingRetraction {
  readonly block: BlockRef;
  /** `movement.reorged` events, one per movement the block alerted. */
  readonly retractions: readonly Movement[];
}

/**
 * What a chain follower remembers to retract alerts after a reorg (issue #10
 * `movement.reorged`): per processed block, the movements it alerted (kept only
 * for the blocks a rewind can still reach), the retractions not yet published,
 * and which movement ids were retracted (their re-detection gets its own job id).
 * Every write is idempotent, so a crash anywhere repeats work but never an alert.
 */
export interface ReorgLedger {
  /** Remembers what `block` alerted, before it is published; forgets blocks older than the rewind window. */
  recordAlerted(chain: string, block: BlockRef, movements: readonly Movement[]): Promise<void>;
  /**
   * Turns the alerted records of `orphaned` blocks into pending retractions (the first
   * `detectedAt` wins on a re-run) and marks their movement ids retracted.
   */
  retract(chain: string, orphaned: readonly BlockRef[], detectedAt: Date): Promise<void>;
  /** Every pending retraction of the chain, oldest block first. */
  pending(chain: string): Promise<readonly PendingRetraction[]>;
  /** The retractions of these blocks are queued: forget them. */
  settle(chain: string, blocks: readonly BlockRef[]): Promise<void>;
  /** Which of these movement ids had a detection retracted (recently enough to matter). */
  retractedIds(chain: string, movementIds: readonly string[]): Promise<ReadonlySet<string>>;
}
