import type { Movement } from '../core/movement.js';
import type { BlockHeader, BlockRef, ChainCursor, ChainLease, CursorStore, MovementSink, PendingRetraction, ReorgLedger } from '../core/ports.js';
import { reconcileCursor, rewindCursor } from '../core/reconcile-cursor.js';
import { computeStepBackoffMs } from '../core/rpc/compute-step-backoff.js';
import { RepeatGate } from './repeat-gate.js';
import { findOrphanedBlocks } from '../core/lifecycle/find-orphaned-blocks.js';
import { markRedetections } from '../core/lifecycle/mark-redetections.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ChainHealthInput } from '../core/health/judge-chain-health.js';
import type { FollowStage } from './follow-stage.js';

/** What a chain adapter offers the follower. Blocks come back in the order asked. */
export interface ChainSource<TBlock extends { readonly header: BlockHeader }> {
  fetchHeadNumber(): Promise<number>;
  /** Full blocks (transactions, logs, traces...) for consecutive numbers, batched. */
  fetchBlocks(numbers: readonly number[]): Promise<readonly TBlock[]>;
  /** Canonical headers, used to find the common ancestor after a reorg. */
  fetchHeaders(numbers: readonly number[]): Promise<readonly BlockHeader[]>;
}

/** What every chain's poller is wired with (run-chainwatch builds one set and hands it to each). */
export interface PollerWiring {
  /** The watchlist in force now (hot reloaded); read once per block. */
  readonly currentWatchlist: () => WatchlistIndex;
  readonly beforeStep?: () => Promise<unknown>;
  readonly cursorStore: CursorStore;
  readonly sink: MovementSink;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Only the holder polls when replicas share one Redis (see ChainLease). */
  readonly lease?: ChainLease;
  /** Retracts alerts of orphaned blocks (`movement.reorged`, issue #10); absent = no retractions. */
  readonly reorgLedger?: ReorgLedger;
  /** Follow the money (issue #11): runs after each block is matched; absent = off. */
  readonly follow?: FollowStage;
}

export interface ChainFollowerOptions<TBlock extends { readonly header: BlockHeader }> {
  readonly chain: string;
  readonly confirmations: number;
  readonly startBlock: 'latest' | number;
  readonly pollIntervalMs: number;
  readonly maxBlocksPerStep: number;
  readonly source: ChainSource<TBlock>;
  readonly cursorStore: CursorStore;
  readonly sink: MovementSink;
  /** Matches one block against the watchlist in force now. */
  readonly detect: (block: TBlock, context: { readonly headNumber: number }) => readonly Movement[] | Promise<readonly Movement[]>;
  /** Runs before each step (e.g. re-reading an edited watchlist), so no block is checked against a stale list. */
  readonly beforeStep?: () => Promise<unknown>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Longest wait between retries after a failing step (default DEFAULT_MAX_STEP_BACKOFF_MS, 5 s). */
  readonly maxBackoffMs?: number;
  /** When several replicas share one Redis, only the lease holder polls this chain; the others stand by. */
  readonly lease?: ChainLease;
  /**
   * Issue #10 `movement.reorged`: records what each block alerted, and after a rewind publishes
   * one retraction per alerted movement of every orphaned block once the new branch reaches its
   * height. Only the main follower has one (the finality follower's events are not retracted).
   */
  readonly reorgLedger?: ReorgLedger;
  /**
   * Follow the money (issue #11): told of the orphaned blocks of every rewind, before the cursor
   * moves, so derived entries whose legs were orphaned stop being watched before the new branch is matched.
   */
  readonly follow?: Pick<FollowStage, 'retractOrphaned'>;
  /** Clock for the retraction's `detectedAt` (tests fix it). */
  readonly now?: () => Date;
}

export interface StepResult {
  readonly processed: number;
  /** -1 when standing by (another replica holds the lease). */
  readonly headNumber: number;
  readonly reorged: boolean;
  readonly standby?: boolean;
}

/**
 * Follows one chain: processes each block once it has enough confirmations,
 * checks parent-hash continuity, rewinds on reorgs, and advances a durable
 * cursor only after the block's movements are safely queued. A crash between
 * enqueue and cursor save re-enqueues the same deterministic job ids, which the
 * queue dedupes (at-least-once in, exactly-once alerts out).
 */
/** What the health checks and the watchdog read: the judge's input plus the chain it is about. */
export interface ChainFollowerStatus extends ChainHealthInput {
  readonly chain: string;
}

export class ChainFollower<TBlock extends { readonly header: BlockHeader }> {
  private cursor: ChainCursor | undefined;
  private cursorLoaded = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private stepInFlight: Promise<unknown> | undefined;
  private consecutiveFailures = 0;
  private leading = false;
  private lastHeadNumber: number | undefined;
  private lastStepOkAt: number | undefined;
  private lastErrorCode: string | undefined;
  private standingBy = false;
  private readonly startedAt = Date.now();
  private readonly stepFailureLog = new RepeatGate(60_000, Date.now);
  /** Retractions waiting for the follower to reach their height on the new branch (mirrors the ledger). */
  private pendingRetractions: readonly PendingRetraction[] = [];
  /** The loop's next run (set by start()); wake() calls it early. */
  private runLoop: (() => Promise<void>) | undefined;
  /** A wake() came while a step was running: run the next step as soon as this one ends. */
  private wakePending = false;

  constructor(private readonly options: ChainFollowerOptions<TBlock>) {}

  /** What the health checks and the watchdog read (core/judge-chain-health decides from it). */
  status(): ChainFollowerStatus {
    const processed = this.cursor?.head.number;
    return {
      chain: this.options.chain,
      headNumber: this.lastHeadNumber ?? null,
      processedNumber: processed ?? null,
      lagBlocks: this.lastHeadNumber !== undefined && processed !== undefined ? Math.max(0, this.lastHeadNumber - processed) : null,
      lastStepOkAt: this.lastStepOkAt ?? null,
      startedAt: this.startedAt,
      consecutiveFailures: this.consecutiveFailures,
      lastErrorCode: this.lastErrorCode ?? null,
      standby: this.standingBy,
    };
  }

  /** One step: catch up by at most maxBlocksPerStep blocks. Throws on failure (nothing is skipped). */
  async pollOnce(): Promise<StepResult> {
    const { chain, source, metrics } = this.options;
    await this.options.beforeStep?.();
    if (this.options.lease && !(await this.holdLease())) {
      this.standingBy = true;
      return { processed: 0, headNumber: -1, reorged: false, standby: true };
    }
    this.standingBy = false;
    if (!this.cursorLoaded) {
      this.cursor = await this.options.cursorStore.load(chain);
      this.pendingRetractions = (await this.options.reorgLedger?.pending(chain)) ?? [];
      this.cursorLoaded = true;
    }
    const headNumber = await source.fetchHeadNumber();
    this.lastHeadNumber = headNumber;
    const target = headNumber - (this.options.confirmations - 1);
    const next = this.nextBlockNumber(target);
    if (next > target) {
      this.recordLag(headNumber);
      return { processed: 0, headNumber, reorged: false };
    }
    const last = Math.min(target, next + this.options.maxBlocksPerStep - 1);
    const numbers = range(next, last);
    const blocks = await source.fetchBlocks(numbers);
    // The step's blocks are matched one by one (parent hash checked for each), then queued together and the
    // cursor saved once: one queue write and one cursor write per step rather than per block, which made a
    // catch-up wait on Redis round trips (issue #13). The cursor still moves only after the movements of every
    // block it covers are queued; a crash in between re-queues them under the same job ids (deduped).
    let cursor = this.cursor;
    let pending: Movement[] = [];
    let due: PendingRetraction[] = [];
    let matchedBlocks: { readonly cursor: ChainCursor; readonly header: BlockRef; readonly movements: readonly Movement[] }[] = [];
    let processed = 0;
    const commit = async (): Promise<void> => {
      // Taken first: a commit that fails is not attempted again by the error path below.
      const blocksDone = matchedBlocks;
      const movements = pending;
      const retracted = due;
      matchedBlocks = [];
      pending = [];
      due = [];
      const last = blocksDone[blocksDone.length - 1];
      if (last === undefined) return;
      await this.options.sink.publish(movements);
      await this.options.cursorStore.save(chain, last.cursor);
      this.cursor = last.cursor;
      if (retracted.length > 0) await this.settleRetractions(retracted, last.header.number);
      for (const block of blocksDone) {
        processed++;
        metrics.blocksProcessed.inc({ chain });
        metrics.lastProcessedBlock.set({ chain }, block.header.number);
        // One counter update per kind, not per movement (a busy block has hundreds).
        const byKind = new Map<string, number>();
        for (const m of block.movements) byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
        for (const [kind, n] of byKind) metrics.movementsDetected.inc({ chain, kind }, n);
        if (block.movements.length > 0) {
          this.options.logger.info({ chain, block_number: block.header.number, movements: block.movements.length }, 'movements detected');
        }
      }
    };
    try {
      for (const block of blocks) {
        const step = reconcileCursor(cursor, block.header);
        if (step.type === 'reorg') {
          await commit();
          await this.rewind();
          this.recordLag(headNumber);
          return { processed, headNumber, reorged: true };
        }
        const detected = await this.options.detect(block, { headNumber });
        const movements = await this.trackAlerts(block.header, detected);
        // The new branch has reached the orphaned height: its retractions go out with (before) this block's alerts.
        const dueNow = this.pendingRetractions.filter((p) => p.block.number <= block.header.number && !due.includes(p));
        for (const p of dueNow) pending.push(...p.retractions);
        for (const m of movements) pending.push(m);
        due = [...due, ...dueNow];
        matchedBlocks.push({ cursor: step.cursor, header: block.header, movements });
        cursor = step.cursor;
      }
      await commit();
    } catch (err) {
      // A block that fails to match (a lookup, the watchlist) does not hold back the blocks before it in the step.
      // If queueing fails too, nothing moved: the step is retried from the saved cursor.
      await commit().catch(() => undefined);
      throw err;
    }
    this.recordLag(headNumber);
    return { processed, headNumber, reorged: false };
  }

  /** Polls until stopped; errors are logged and retried with backoff, never skipping a block. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      const stepStartedAt = Date.now();
      let delayMs = this.options.pollIntervalMs;
      try {
        const step = this.pollOnce();
        this.stepInFlight = step;
        const result = await step;
        // A head is asked for every pollIntervalMs, not every pollIntervalMs plus the step's own time:
        // a block then waits half an interval on average for the next poll (issue #13). A tenth of the
        // interval is always left between steps, so a slow node is never polled back to back.
        const interval = this.options.pollIntervalMs;
        delayMs = Math.max(Math.ceil(interval / 10), interval - (Date.now() - stepStartedAt));
        this.consecutiveFailures = 0;
        this.lastStepOkAt = Date.now();
        this.lastErrorCode = undefined;
        // Still behind, or a new head was announced meanwhile: go on at once rather than waiting a poll interval.
        if (result.processed > 0 || result.reorged || this.wakePending) delayMs = 0;
      } catch (err) {
        this.consecutiveFailures++;
        this.lastErrorCode = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'error';
        this.options.metrics.pollFailures.inc({ chain: this.options.chain });
        // Capped low (default 5 s): the RPC client already retried each failed request, and a long wait
        // here is detection delay once the node recovers (issue #10: a one-minute cap cost minutes).
        delayMs = computeStepBackoffMs(this.consecutiveFailures, this.options.pollIntervalMs, this.options.maxBackoffMs);
        // One line per error code per minute: under a flaky node, steps fail often and their messages differ.
        const gate = this.stepFailureLog.check(this.lastErrorCode);
        if (gate.log) {
          this.options.logger.warn(
            { chain: this.options.chain, err, retry_in_ms: delayMs, failures: this.consecutiveFailures, repeated: gate.repeated },
            'poll step failed; will retry the same blocks',
          );
        }
      } finally {
        this.stepInFlight = undefined;
        this.wakePending = false;
      }
      if (this.running) this.timer = setTimeout(() => void loop(), delayMs);
    };
    this.runLoop = loop;
    void loop();
  }

  /**
   * A new head was announced (eth_subscribe newHeads): run the next step now instead of at the end of the
   * poll interval. During a step, the next one follows at once. Ignored while backing off after failures
   * (a flood of heads must not hammer a failing node) and when the loop is not running.
   */
  wake(): void {
    if (!this.running || this.runLoop === undefined || this.consecutiveFailures > 0) return;
    if (this.stepInFlight !== undefined) {
      this.wakePending = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runLoop?.(), 0);
  }

  /** Stops after the step in flight finishes, so the cursor is consistent, then hands the lease on. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.stepInFlight?.catch(() => undefined);
    if (this.options.lease && this.leading) {
      this.leading = false;
      this.options.metrics.pollerLeader.set({ chain: this.options.chain }, 0);
      await this.options.lease.release(this.options.chain);
    }
  }

  /** Holds (or takes over) the chain's lease; a replica that takes over re-reads the shared cursor. */
  private async holdLease(): Promise<boolean> {
    const { chain, logger, metrics, lease } = this.options;
    const held = await lease!.hold(chain);
    if (held !== this.leading) {
      this.leading = held;
      // Whoever held it meanwhile advanced the cursor in Redis: never continue from a stale copy.
      this.cursorLoaded = false;
      metrics.pollerLeader.set({ chain }, held ? 1 : 0);
      if (held) logger.info({ chain }, 'holding the poller lease: polling this chain');
      else logger.info({ chain }, 'another replica holds the poller lease: standing by');
    }
    return held;
  }

  get position(): ChainCursor | undefined {
    return this.cursor;
  }

  private nextBlockNumber(target: number): number {
    if (this.cursor) return this.cursor.head.number + 1;
    const { startBlock } = this.options;
    return startBlock === 'latest' ? Math.max(target, 0) : startBlock;
  }

  /**
   * With a reorg ledger: tags re-detections of retracted legs (their own job id) and records
   * what the block alerts before it is published, so a later rewind knows what to retract.
   */
  private async trackAlerts(header: BlockRef, detected: readonly Movement[]): Promise<readonly Movement[]> {
    const ledger = this.options.reorgLedger;
    if (ledger === undefined || detected.length === 0) return detected;
    const { chain } = this.options;
    const mined = (m: Movement): boolean => m.event === undefined && m.blockHash !== null && m.confirmations > 0;
    const retracted = await ledger.retractedIds(chain, detected.filter(mined).map((m) => m.id));
    const movements = markRedetections(detected, retracted);
    await ledger.recordAlerted(chain, header, movements.filter(mined));
    return movements;
  }

  private async settleRetractions(due: readonly PendingRetraction[], blockNumber: number): Promise<void> {
    const { chain, logger, reorgLedger } = this.options;
    await reorgLedger?.settle(chain, due.map((p) => p.block));
    this.pendingRetractions = this.pendingRetractions.filter((p) => !due.includes(p));
    for (const p of due) {
      logger.warn(
        { chain, block_number: p.block.number, block_hash: p.block.hash, replaced_at_block: blockNumber, retractions: p.retractions.length },
        'alerts of an orphaned block retracted (movement.reorged queued)',
      );
    }
  }

  private async rewind(): Promise<void> {
    const { chain, logger, metrics, source, cursorStore } = this.options;
    const cursor = this.cursor;
    if (!cursor) return;
    const headers = await source.fetchHeaders(cursor.recent.map((r) => r.number));
    const canonical = new Map(headers.map((h) => [h.number, h.hash] as const));
    const rewound = rewindCursor(cursor, canonical);
    metrics.reorgs.inc({ chain });
    const orphaned = findOrphanedBlocks(cursor.recent, canonical);
    if (this.options.reorgLedger !== undefined) {
      // Before the cursor moves: a crash after this repeats the rewind, and the ledger keeps the first detectedAt.
      await this.options.reorgLedger.retract(chain, orphaned, (this.options.now ?? (() => new Date()))());
      this.pendingRetractions = await this.options.reorgLedger.pending(chain);
    }
    // Also before the cursor moves (a crash repeats it; the retraction is idempotent), and before the new
    // branch is matched: an address that only the orphaned branch paid is not watched there.
    await this.options.follow?.retractOrphaned(chain, orphaned);
    if (rewound) {
      logger.warn(
        { chain, from_block: cursor.head.number, to_block: rewound.head.number, orphaned: cursor.head.number - rewound.head.number },
        'chain reorganisation: rewinding to the common ancestor',
      );
      this.cursor = rewound;
    } else {
      // Deeper than we remember: re-process the whole remembered window from its start.
      const oldest = cursor.recent[0]!;
      const header = await source.fetchHeaders([oldest.number - 1]);
      const parent = header[0];
      logger.error({ chain, from_block: cursor.head.number, to_block: oldest.number - 1 }, 'reorg deeper than the remembered window; re-processing it');
      if (!parent) throw new Error(`chain ${chain}: could not fetch block ${oldest.number - 1} while rewinding a deep reorg`);
      this.cursor = { head: { number: parent.number, hash: parent.hash }, recent: [{ number: parent.number, hash: parent.hash }] };
    }
    await cursorStore.save(chain, this.cursor);
  }

  private recordLag(headNumber: number): void {
    const processedTo = this.cursor?.head.number;
    if (processedTo !== undefined) this.options.metrics.headLagBlocks.set({ chain: this.options.chain }, Math.max(0, headNumber - processedTo));
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}
