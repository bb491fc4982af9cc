import type { BitcoinBackend } from '../core/btc/bitcoin-backend.js';
import type { BitcoinBlock, BitcoinTx } from '../core/btc/bitcoin-block.js';
import { matchBitcoinTransactions } from '../core/btc/match-bitcoin-transactions.js';
import type { OutpointStore } from '../core/btc/outpoint-store.js';
import { parseBitcoinBlock } from '../core/btc/parse-bitcoin-block.js';
import { parseBitcoinTransaction, readBitcoinTransaction } from '../core/btc/parse-bitcoin-transaction.js';
import { utxoAsset, utxoBlockRules, utxoNetwork } from '../core/btc/utxo-chain.js';
import type { BitcoinChainConfig } from '../config/schema.js';
import { PermanentError, RetryableError } from '../core/errors.js';
import type { Movement } from '../core/movement.js';
import type { BlockHeader } from '../core/ports.js';
import { btcBackend } from './btc-backend.js';
import { btcSeedOutpoints } from './btc-seed-outpoints.js';
import { subscribeZmqNotifications, type ZmqSubscription } from '../adapters/bitcoin-core-rpc/subscribe-zmq-notifications.js';
import { ChainFollower, type ChainSource, type PollerWiring } from './chain-follower.js';
import { integrityMetrics } from './integrity-metrics.js';
import type { Readiness } from './readiness.js';
import { beforeStepWithEnricher, type MovementEnricher } from './movement-enricher.js';
import type { EarlyWarningStore } from '../adapters/redis/early-warning-store.js';
import { txShapes } from '../core/follow/tx-shapes.js';

export interface BitcoinPollerOptions extends PollerWiring {
  readonly chain: BitcoinChainConfig;
  readonly outpointStore: OutpointStore;
  /** Override the backend built from chain.rpcUrl/esploraUrl (tests, demo). */
  readonly backend?: BitcoinBackend;
  readonly maxBlocksPerStep?: number;
  /** Longest an alerted mempool txid is remembered (default 14 days; it is forgotten sooner once it leaves the mempool). */
  readonly mempoolSeenTtlMs?: number;
  /** Most alerted mempool txids remembered per chain (default 100,000; the oldest go first). */
  readonly maxMempoolSeenTxids?: number;
  /** Largest number of new mempool transactions fetched per poll; the rest wait for the next one. */
  readonly maxMempoolTxsPerPoll?: number;
  /** Mempool early warnings awaiting confirmation, for `movement.dropped` (issue #10). */
  readonly earlyWarnings?: EarlyWarningStore;
  /** Clock for `movement.dropped` (tests). */
  readonly now?: () => number;
  /** Where seeding reports itself (`seed:<chain>` in /readyz). */
  readonly readiness?: Readiness;
  /** Issue #8: severity, USD value and flags filled before movements are queued. */
  readonly enricher?: MovementEnricher;
}

export interface BitcoinMempoolWatcher {
  /** Fetches and matches mempool transactions not handled before; returns the movements published. */
  pollOnce(): Promise<readonly Movement[]>;
  /**
   * A transaction announced by ZeroMQ `rawtx` (untrusted bytes): matched locally at once and, if it touches a
   * watched address, fetched from the node and handled like a polled one (the node's copy is what is alerted).
   */
  announce(raw: Uint8Array): void;
  start(): void;
  stop(): Promise<void>;
}

export interface BitcoinPoller {
  readonly follower: ChainFollower<BitcoinBlock>;
  readonly mempool?: BitcoinMempoolWatcher;
  readonly backend: BitcoinBackend;
  /** Loads the watched scripts' unspent outputs into the outpoint store; returns how many. */
  seed(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Wires a Bitcoin chain: the generic ChainFollower over a raw-block source,
 * matching each block against the watchlist and the remembered outpoints (one
 * store round trip per block), an optional mempool watcher for unconfirmed
 * early warnings, and seeding of pre-existing UTXOs.
 */
export function createBitcoinPoller(options: BitcoinPollerOptions): BitcoinPoller {
  const { chain, logger, metrics, outpointStore, sink } = options;
  // The chain's family (bitcoin, litecoin, dogecoin, bitcoin-cash) decides address formats, block layout and coin.
  const network = utxoNetwork(chain.kind, chain.network);
  const rules = utxoBlockRules(chain.kind);
  const asset = utxoAsset(chain.kind);
  const backend = options.backend ?? btcBackend(chain, logger, metrics);

  const source: ChainSource<BitcoinBlock> = {
    fetchHeadNumber: () => backend.fetchTipHeight(),
    async fetchBlocks(numbers) {
      const hashes = await backend.fetchBlockHashes(numbers);
      const blocks: BitcoinBlock[] = [];
      for (let i = 0; i < numbers.length; i++) {
        const hash = hashes[i]!;
        try {
          blocks.push(parseBitcoinBlock(await backend.fetchRawBlock(hash), { height: numbers[i]!, hash }, rules));
        } catch (err) {
          if (err instanceof RetryableError && err.code === 'BTC_BLOCK_CORRUPT') {
            logger.warn({ chain: chain.id, block_number: numbers[i], block_hash: hash, err }, 'bitcoin block failed verification; will fetch it again');
          }
          throw err;
        }
      }
      return blocks;
    },
    async fetchHeaders(numbers) {
      // Core's allowed calls have no getblockheader; the canonical parent of n is canonical n-1.
      const wanted = [...new Set(numbers.flatMap((n) => (n > 0 ? [n - 1, n] : [n])))].sort((a, b) => a - b);
      const hashes = await backend.fetchBlockHashes(wanted);
      const byHeight = new Map(wanted.map((n, i) => [n, hashes[i]!] as const));
      return numbers.map((n): BlockHeader => ({ number: n, hash: byHeight.get(n)!, parentHash: byHeight.get(n - 1) ?? '' }));
    },
  };

  /** Matches txs against the watchlist and remembered outpoints, and remembers newly paid outpoints. */
  async function matchTxs(txs: readonly BitcoinTx[], block: { number: number; hash: string } | null, confirmations: number): Promise<readonly Movement[]> {
    const keys: string[] = [];
    for (const tx of txs) if (!tx.coinbase) for (const input of tx.ins) keys.push(input.outpoint);
    const remembered = await outpointStore.fetchMany(chain.id, keys);
    const result = matchBitcoinTransactions({ chain: chain.id, network, txs, index: options.currentWatchlist(), remembered, block, confirmations, asset });
    // Saved before publishing: if publishing fails the block is retried and re-saves the same entries.
    await outpointStore.saveMany(chain.id, result.created);
    if (options.enricher === undefined) return result.movements;
    if (block === null) options.enricher.reset(); // a mempool poll is its own step
    return options.enricher.enrich(result.movements);
  }

  const follower = new ChainFollower<BitcoinBlock>({
    chain: chain.id,
    confirmations: chain.confirmations,
    startBlock: chain.startBlock,
    pollIntervalMs: chain.pollIntervalMs,
    maxBlocksPerStep: options.maxBlocksPerStep ?? 10,
    source,
    cursorStore: options.cursorStore,
    sink,
    ...beforeStepWithEnricher(options.enricher, options.beforeStep),
    ...(options.lease ? { lease: options.lease } : {}),
    ...(options.reorgLedger ? { reorgLedger: options.reorgLedger } : {}),
    ...(options.follow ? { follow: options.follow } : {}),
    detect: async (block, { headNumber }) => {
      const match = (): Promise<readonly Movement[]> => matchTxs(block.txs, { number: block.header.number, hash: block.header.hash }, headNumber - block.header.number + 1);
      const matched = await match();
      // Follow the money (issue #11): derive entries from spends of watched coins (peel chains too), re-match for same-block hops.
      const movements = options.follow === undefined
        ? matched
        : await options.follow.afterMatch({ chain: chain.id, movements: matched, txShape: txShapes(block.txs.map((t) => ({ hash: t.txid, inputs: t.ins.length, outputs: t.outs.length }))), rematch: match });
      // Mined: its early warning (if any) is settled and will never be announced dropped.
      if (movements.length > 0) await options.earlyWarnings?.forget(chain.id, movements.map((m) => m.id));
      return movements;
    },
    logger,
    metrics,
  });

  const seedCheck = `seed:${chain.id}`;
  async function seed(): Promise<number> {
    const report = await btcSeedOutpoints({ chain, index: options.currentWatchlist(), backend, outpointStore, logger });
    integrityMetrics(metrics).unseededAddresses.set({ chain: chain.id }, report.refused.length);
    options.readiness?.set(
      seedCheck,
      report.refused.length === 0
        ? { ready: true, detail: `${report.outpoints} unspent output(s) of ${report.addresses} watched address(es) seeded` }
        : {
            ready: true,
            degraded: true,
            detail: `${report.refused.length} of ${report.addresses} watched address(es) could not be seeded (the backend refuses to list their unspent outputs); the others are seeded and the chain is followed`,
            data: { refused: report.refused.map((r) => ({ address: r.address, code: r.code })) },
          },
    );
    return report.outpoints;
  }

  const mempool = chain.mempool ? createMempoolWatcher() : undefined;
  let started = false;
  let zmq: ZmqSubscription | undefined;
  let stopping = false;
  let startup: Promise<void> | undefined;
  let seeding: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  /** One seeding attempt: 'done', 'retry' (transient failure) or 'unavailable' (the backend lacks the method: reported once, never retried). */
  async function trySeed(failuresSoFar: number): Promise<'done' | 'retry' | 'unavailable'> {
    const state = integrityMetrics(metrics).seedState;
    try {
      await seed();
      state.set({ chain: chain.id }, 1);
      return 'done';
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'error';
      if (err instanceof PermanentError && code === 'BTC_METHOD_UNAVAILABLE') {
        state.set({ chain: chain.id }, -1);
        options.readiness?.set(seedCheck, {
          ready: true,
          degraded: true,
          detail: `the backend cannot list unspent outputs (${err.message}); the chain is followed, but spends of coins received before watching began are not recognised until seeded another way (chainwatch btc-seed against a node that offers it)`,
        });
        logger.error({ chain: chain.id, err, backend: backend.description }, 'seeding unavailable on this backend: following the chain without it; spends of coins received before watching began will not be recognised');
        return 'unavailable';
      }
      state.set({ chain: chain.id }, 0);
      options.readiness?.set(seedCheck, {
        ready: true,
        degraded: true,
        detail: `seeding unspent outputs failed (${code}, ${failuresSoFar + 1} time(s)); the chain is followed and seeding is retried in the background`,
      });
      logger.warn({ chain: chain.id, err }, 'seeding unspent outputs failed; following the chain and retrying seeding in the background');
      return 'retry';
    }
  }

  async function retrySeedInBackground(): Promise<void> {
    for (let failures = 1; !stopping; failures++) {
      const delayMs = Math.min(chain.pollIntervalMs * 2 ** failures, 60_000);
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        setTimeout(resolve, delayMs).unref();
      });
      if (stopping || (await trySeed(failures)) !== 'retry') return;
    }
  }

  function createMempoolWatcher(): BitcoinMempoolWatcher {
    // Txids handled in this process (the current mempool's, so bounded by it): the diff against them keeps
    // polls cheap. Only txids that matched are written to Redis, so a restart does not alert them twice;
    // unrelated transactions are fetched again once after a restart rather than stored (issue #7).
    const maxSeen = options.maxMempoolSeenTxids ?? 100_000;
    let handled = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let inFlight: Promise<unknown> | undefined;
    const ttlMs = options.mempoolSeenTtlMs ?? 14 * 24 * 3600_000;
    const maxPerPoll = options.maxMempoolTxsPerPoll ?? 2000;
    const now = options.now ?? Date.now;
    const dropAfterMs = (chain as { readonly mempoolDropAfterMs?: number }).mempoolDropAfterMs ?? 6 * 3600_000;
    /** When each early warning's transaction was last seen in the mempool (this process). */
    const lastInMempool = new Map<string, number>();

    // A poll and a ZeroMQ batch both read and update `handled`: they take turns.
    let turn: Promise<unknown> = Promise.resolve();
    const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
      const done = turn.then(work);
      turn = done.catch(() => undefined);
      return done;
    };

    /**
     * Fetches the given txids from the node, matches and publishes them: the one path for polled and
     * announced transactions. Returns the movements published; `handled` gains every txid fetched.
     */
    async function handleTxids(txids: readonly string[]): Promise<readonly Movement[]> {
      const raws = await backend.fetchRawTransactions(txids);
      const txs: BitcoinTx[] = [];
      raws.forEach((raw, i) => {
        if (raw === null) return;
        try {
          txs.push(parseBitcoinTransaction(raw, txids[i]!, rules));
        } catch (err) {
          // Litecoin MWEB data is confidential: nothing to match until the transparent part is mined.
          if (!(err instanceof PermanentError && err.code === 'BTC_TX_UNSUPPORTED')) throw err;
          logger.debug({ chain: chain.id, txid: txids[i], err }, 'mempool transaction skipped');
        }
      });
      // Parents before children, so a child spending a watched parent output is matched in memory.
      const movements = await matchTxs(orderParentsFirst(txs), null, 0);
      await sink.publish(movements);
      if (options.earlyWarnings !== undefined) await options.earlyWarnings.remember(chain.id, movements, now());
      await outpointStore.markMempoolTxidsSeen(chain.id, [...new Set(movements.map((m) => m.txHash))], ttlMs);
      for (const m of movements) metrics.movementsDetected.inc({ chain: chain.id, kind: m.kind });
      if (movements.length > 0) logger.info({ chain: chain.id, movements: movements.length }, 'unconfirmed movements detected in the mempool');
      return movements;
    }

    async function pollOnce(): Promise<readonly Movement[]> {
      return inTurn(async () => {
        const txids = await backend.fetchMempoolTxids();
        const fresh = txids.filter((t) => !handled.has(t));
        const notSeen = await outpointStore.filterUnseenMempoolTxids(chain.id, fresh);
        const batch = notSeen.slice(0, maxPerPoll);
        const deferred = new Set(notSeen.slice(maxPerPoll));
        const movements = await handleTxids(batch);
        if (options.earlyWarnings !== undefined) await announceDropped(options.earlyWarnings, txids);
        const kept = await outpointStore.pruneMempoolTxids(chain.id, txids, maxSeen);
        integrityMetrics(metrics).mempoolSeenTxids.set({ chain: chain.id }, kept);
        // Forget txids that left the mempool; those deferred by the per-poll cap come next time.
        handled = new Set(txids.filter((t) => !deferred.has(t)));
        return movements;
      });
    }

    // ZeroMQ rawtx (issue #13): announced bytes wait here a moment so a burst is matched in one batch.
    const ANNOUNCED_BATCH_DELAY_MS = 20;
    /** More waiting than this is dropped: the next mempool poll still sees those transactions. */
    const MAX_ANNOUNCED = 10_000;
    let announced: BitcoinTx[] = [];
    let announceTimer: NodeJS.Timeout | undefined;

    /**
     * Matches announced transactions against the watchlist and the remembered outpoints without writing
     * anything; only those that match are fetched from the node by txid and handled (handleTxids). A
     * forged announcement therefore alerts nothing unless the node has that exact transaction, and the
     * cost for the mempool's unrelated traffic is one outpoint lookup per batch, no RPC.
     */
    async function handleAnnounced(): Promise<readonly Movement[]> {
      const txs = announced;
      announced = [];
      return inTurn(async () => {
        const candidates = txs.filter((tx) => !handled.has(tx.txid));
        if (candidates.length === 0) return [];
        const keys: string[] = [];
        for (const tx of candidates) if (!tx.coinbase) for (const input of tx.ins) keys.push(input.outpoint);
        const remembered = await outpointStore.fetchMany(chain.id, keys);
        const preview = matchBitcoinTransactions({ chain: chain.id, network, txs: orderParentsFirst(candidates), index: options.currentWatchlist(), remembered, block: null, confirmations: 0, asset });
        const matched = [...new Set(preview.movements.map((m) => m.txHash))];
        const unseen = await outpointStore.filterUnseenMempoolTxids(chain.id, matched);
        // Unrelated ones are handled too: the next poll need not fetch them again.
        for (const tx of candidates) if (!unseen.includes(tx.txid)) handled.add(tx.txid);
        if (unseen.length === 0) return [];
        const movements = await handleTxids(unseen);
        for (const txid of unseen) handled.add(txid);
        return movements;
      });
    }

    function announce(raw: Uint8Array): void {
      if (!running || announced.length >= MAX_ANNOUNCED) return;
      try {
        announced.push(readBitcoinTransaction(raw, 'a transaction announced over ZeroMQ', rules));
      } catch (err) {
        logger.debug({ chain: chain.id, err }, 'ZeroMQ rawtx announcement ignored: not a transaction of this chain');
        return;
      }
      announceTimer ??= setTimeout(() => {
        announceTimer = undefined;
        handleAnnounced().catch((err: unknown) => logger.warn({ chain: chain.id, err }, 'announced mempool transactions not handled; the next mempool poll will see them'));
      }, ANNOUNCED_BATCH_DELAY_MS);
    }

    /**
     * `movement.dropped`: an early warning whose transaction has been out of the mempool, and not mined,
     * for `mempoolDropAfterMs` (replaced by fee bumping, expired, evicted). Mined ones leave the store
     * when their block is processed, so the default (6 h) must exceed the confirmations wait.
     */
    async function announceDropped(store: EarlyWarningStore, inMempool: readonly string[]): Promise<void> {
      const present = new Set(inMempool);
      const at = now();
      const dropped: Movement[] = [];
      for (const w of await store.all(chain.id)) {
        if (present.has(w.movement.txHash)) {
          lastInMempool.set(w.movement.id, at);
          continue;
        }
        if (at - (lastInMempool.get(w.movement.id) ?? w.seenAt) >= dropAfterMs) dropped.push({ ...w.movement, event: 'movement.dropped' });
      }
      if (dropped.length === 0) return;
      await sink.publish(dropped);
      await store.forget(chain.id, dropped.map((m) => m.id));
      for (const m of dropped) lastInMempool.delete(m.id);
      logger.warn({ chain: chain.id, movements: dropped.length, txids: [...new Set(dropped.map((m) => m.txHash))] }, 'mempool early warnings dropped: their transactions left the mempool without confirming');
    }

    return {
      pollOnce,
      announce,
      start() {
        if (running) return;
        running = true;
        const loop = async (): Promise<void> => {
          try {
            inFlight = pollOnce();
            await inFlight;
          } catch (err) {
            logger.warn({ chain: chain.id, err }, 'mempool poll failed; will retry');
          } finally {
            inFlight = undefined;
          }
          if (running) timer = setTimeout(() => void loop(), chain.pollIntervalMs);
        };
        void loop();
      },
      async stop() {
        running = false;
        if (timer) clearTimeout(timer);
        if (announceTimer) clearTimeout(announceTimer);
        announceTimer = undefined;
        announced = [];
        await inFlight?.catch(() => undefined);
        await turn;
      },
    };
  }

  return {
    follower,
    ...(mempool ? { mempool } : {}),
    backend,
    seed,
    start() {
      if (started) return;
      started = true;
      stopping = false;
      startup = (async () => {
        // One seeding attempt before following, so the first spend out of an old wallet is already
        // recognisable; if it fails, following starts anyway (issue #10: seeding never blocks alerts)
        // and seeding is retried in the background, unless the backend lacks the method altogether.
        if (chain.seedOnStart) {
          options.readiness?.set(seedCheck, { ready: false, detail: 'seeding unspent outputs of watched addresses before following the chain' });
          const first = await trySeed(0);
          if (stopping) return;
          if (first === 'retry') seeding = retrySeedInBackground();
        }
        follower.start();
        mempool?.start();
        // Issue #13: Bitcoin Core's -zmqpubhashblock wakes the follower on each block and, with the mempool
        // watched, -zmqpubrawtx hands over each new transaction; polling stays the safety net for both.
        if (chain.zmqUrl !== undefined && !stopping) {
          zmq = subscribeZmqNotifications({
            url: chain.zmqUrl,
            onBlock: () => follower.wake(),
            ...(mempool ? { onRawTx: (raw: Buffer) => mempool.announce(raw) } : {}),
            onSubscribed: (url, topics) => logger.info({ chain: chain.id, zmq: url, topics }, `following the chain over ZeroMQ (${topics.join(', ')})`),
            onUnavailable: (reason) => logger.warn({ chain: chain.id, reason }, 'ZeroMQ block notifications unavailable: polling every pollIntervalMs'),
          });
        }
      })();
    },
    async stop() {
      stopping = true;
      zmq?.close();
      zmq = undefined;
      wakeUp?.();
      // A seeding call in flight (scantxoutset can take minutes) must not hold up shutdown: once it
      // returns, startup sees `stopping` and starts nothing.
      await Promise.race([Promise.all([startup, seeding]), new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]);
      started = false;
      await Promise.all([follower.stop(), mempool?.stop()]);
    },
  };
}

function orderParentsFirst(txs: readonly BitcoinTx[]): BitcoinTx[] {
  const byId = new Map(txs.map((t) => [t.txid, t] as const));
  const done = new Set<string>();
  const out: BitcoinTx[] = [];
  const visit = (tx: BitcoinTx, depth: number): void => {
    if (done.has(tx.txid) || depth > 1000) return;
    done.add(tx.txid);
    for (const input of tx.ins) {
      const parent = byId.get(input.outpoint.slice(0, 64));
      if (parent) visit(parent, depth + 1);
    }
    out.push(tx);
  };
  for (const tx of txs) visit(tx, 0);
  return out;
}
