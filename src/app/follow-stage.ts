import type { Redis } from 'ioredis';
import { isLedgerChain } from '../core/ledger/ledger-kinds.js';
import { ledgerAddressKey } from '../core/ledger/normalize-ledger-address.js';
import { Counter } from 'prom-client';
import type { FollowConfig } from '../config/follow-schema.js';
import type { ChainConfig } from '../config/schema.js';
import { normalizeTronAddress } from '../core/address/normalize-tron-address.js';
import { normalizeUtxoAddress } from '../core/address/normalize-utxo-address.js';
import { applyEntryActivity } from '../core/follow/apply-entry-activity.js';
import { collectOutgoingLegs, type KeyOf } from '../core/follow/collect-outgoing-legs.js';
import { combineLabelBooks } from '../core/follow/combine-label-books.js';
import type { DerivedEntry } from '../core/follow/derived-entry.js';
import { isEntryExpired, type FollowRules } from '../core/follow/follow-rules.js';
import { planDerivedEntries, type CapEvent, type FollowParent, type TxShape } from '../core/follow/plan-derived-entries.js';
import { corroborateDerivedEntry } from '../core/follow/corroborate-derived-entry.js';
import { planFollowRetraction } from '../core/follow/plan-follow-retraction.js';
import { restoreDerivedEntry } from '../core/follow/restore-derived-entry.js';
import type { BlockRef } from '../core/ports.js';
import type { AddressLabel, LabelBook } from '../core/labels/address-label.js';
import type { Movement, WatchlistRef } from '../core/movement.js';
import type { OverlayChange, OverlayEntry, WatchlistOverlay } from '../core/watchlist-overlay.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import { createDerivedEntryStore, type DerivedEntryStore } from '../adapters/redis/derived-entry-store.js';
import { createWatchlistOverlayStore } from '../adapters/redis/watchlist-overlay-store.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** What a poller hands the follow stage after matching (and enriching) one block. */
export interface FollowBlockInput {
  readonly chain: string;
  /** The block's movements as matched with the index in force. */
  readonly movements: readonly Movement[];
  /** Each transaction's position in the block (and, on UTXO chains, its inputs and outputs). */
  readonly txShape: (txHash: string) => TxShape | undefined;
  /** Matches (and enriches) the same block again with the index as it is now. */
  readonly rematch: () => Promise<readonly Movement[]>;
}

export interface FollowStage {
  readonly store: DerivedEntryStore;
  /** Shipped labels plus the deposit addresses the heuristic found (for the enrich stage's `counterparty`). */
  readonly labelBook: LabelBook;
  /** Before each poll step: picks up runtime labels other replicas wrote. */
  refresh(): Promise<void>;
  /**
   * After a block is matched: counts the movements of derived entries, derives
   * new entries from what watched addresses sent, records payments to labelled
   * sinks, and re-matches the block so the transactions after a new entry's
   * creation are matched for it too (a hop inside the same block), until
   * nothing new is derived (at most follow.maxRoundsPerBlock rounds).
   * Returns the movements to publish: the block's and those found by re-matching.
   */
  afterMatch(input: FollowBlockInput): Promise<readonly Movement[]>;
  /**
   * A reorg orphaned these processed blocks (before the follower's cursor moves back): the
   * legs they carried stop being evidence, and entries left without any are retracted
   * (no longer watched), with everything derived from them. Idempotent: a rewind repeated
   * after a crash retracts nothing more and repeats the overlay removals.
   */
  retractOrphaned(chain: string, orphaned: readonly BlockRef[]): Promise<void>;
  /** Expires idle entries holding less than the threshold; returns how many. */
  sweepOnce(nowMs?: number): Promise<number>;
  start(): void;
  stop(): void;
}

export interface FollowStageOptions {
  readonly config: FollowConfig;
  readonly chains: ReadonlyMap<string, ChainConfig>;
  readonly redis: Redis;
  readonly prefix: string;
  /** Shipped labels (config/labels). */
  readonly labels: LabelBook;
  /** The overlay this process matches with: new entries are applied to it at once, before Redis readers see them. */
  readonly overlay: WatchlistOverlay;
  readonly currentWatchlist: () => WatchlistIndex;
  /** EVM: which recipients hold contract code; absent on chains without it. */
  readonly contractsAmong?: (chain: string, matchKeys: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Operator email when a cap is hit (as the chain watchdog sends). */
  readonly notifyOperator?: (message: { readonly subject: string; readonly text: string; readonly html: string }) => Promise<void>;
  readonly now?: () => Date;
}

/** The overlay entry of a derived entry: its ref carries hop, via and path into every alert. */
export function overlayEntryOf(e: DerivedEntry): OverlayEntry {
  const ref: WatchlistRef & { owner: string } = {
    address: e.address,
    label: e.root?.label ?? e.incident,
    incident: e.incident,
    source: e.root?.source ?? '',
    tags: ['followed'],
    owner: e.owner ?? `derived:${e.incident}`,
    hop: e.hop,
    via: { address: e.provenance.parentAddress, txHash: e.provenance.txHash },
    path: [...e.path],
  };
  return { chain: e.chain, matchKey: e.matchKey, ref };
}

export function removalOf(e: DerivedEntry): OverlayChange {
  return { op: 'remove', chain: e.chain, matchKey: e.matchKey, owner: e.owner ?? `derived:${e.incident}` };
}

/** A chain's display address -> match key (the watchlist index's key). */
export function followKeyOf(chain: ChainConfig): KeyOf {
  if (chain.kind === 'evm') return (d) => (/^0x[0-9a-fA-F]{40}$/.test(d) ? d.toLowerCase() : undefined);
  if (chain.kind === 'tron') return (d) => {
    try {
      return normalizeTronAddress(d).matchKey;
    } catch {
      return undefined;
    }
  };
  if (isLedgerChain(chain)) return (d) => ledgerAddressKey(chain.kind, d, { addressPrefix: chain.addressPrefix });
  return (d) => {
    try {
      return normalizeUtxoAddress(d, chain.kind, chain.network).matchKey;
    } catch {
      return undefined;
    }
  };
}

interface FollowCounters {
  caps: Counter<'chain' | 'cap'>;
  created: Counter<'chain' | 'rule'>;
  retracted: Counter<'chain' | 'cause'>;
  restored: Counter<'chain'>;
}
const capCounters = new WeakMap<Metrics['registry'], FollowCounters>();
function followMetrics(metrics: Metrics): FollowCounters {
  const known = capCounters.get(metrics.registry);
  if (known) return known;
  const registers = [metrics.registry];
  const created = {
    caps: new Counter({ name: 'chainwatch_follow_caps_total', help: 'Times follow.maxPerTransaction or follow.maxPerIncident left qualifying recipients unfollowed', labelNames: ['chain', 'cap'], registers }),
    created: new Counter({ name: 'chainwatch_follow_entries_created_total', help: 'Derived watch entries created by following funds', labelNames: ['chain', 'rule'], registers }),
    retracted: new Counter({ name: 'chainwatch_follow_entries_retracted_total', help: 'Derived watch entries retracted because a reorg orphaned every leg that derived them', labelNames: ['chain', 'cause'], registers }),
    restored: new Counter({ name: 'chainwatch_follow_entries_restored_total', help: 'Retracted derived entries restored by a leg re-mined in the new branch', labelNames: ['chain'], registers }),
  };
  capCounters.set(metrics.registry, created);
  return created;
}

export function createFollowStage(options: FollowStageOptions): FollowStage {
  const { config, logger } = options;
  const store = createDerivedEntryStore(options.redis, options.prefix);
  const overlayStore = createWatchlistOverlayStore(options.redis, options.prefix);
  const now = options.now ?? (() => new Date());
  const counters = followMetrics(options.metrics);
  const rules: FollowRules = config;
  const keyOfChain = new Map<string, KeyOf>([...options.chains].map(([id, c]) => [id, followKeyOf(c)] as const));
  let runtime = new Map<string, AddressLabel>();
  let runtimeVersion = -1;
  const runtimeBook: LabelBook = {
    get size() {
      return runtime.size;
    },
    lookup: (chain, matchKey) => runtime.get(`${chain}|${matchKey}`),
  };
  const labelBook = combineLabelBooks(options.labels, runtimeBook);
  /** Last operator alert per cap and incident (one email per hour each). */
  const alerted = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  const refresh = async (): Promise<void> => {
    const version = await store.runtimeLabelsVersion();
    if (version === runtimeVersion) return;
    runtime = new Map(await store.loadRuntimeLabels());
    runtimeVersion = version;
  };

  const reportCaps = async (caps: readonly CapEvent[]): Promise<void> => {
    for (const c of caps) {
      counters.caps.inc({ chain: c.chain, cap: c.cap });
      const setting = c.cap === 'per-transaction' ? 'follow.maxPerTransaction' : 'follow.maxPerIncident';
      logger.warn({ chain: c.chain, incident: c.incident, tx_hash: c.txHash, cap: c.cap, limit: c.limit, dropped: c.dropped }, `follow cap hit (${setting}): qualifying recipients were not followed`);
      const key = `${c.cap}|${c.incident}`;
      const at = now().getTime();
      if (options.notifyOperator === undefined || at - (alerted.get(key) ?? -Infinity) < 3_600_000) continue;
      alerted.set(key, at);
      const text = `Following the funds of incident ${c.incident} hit ${setting} (${c.limit}) on ${c.chain} in transaction ${c.txHash}: ${c.dropped} qualifying recipient(s) are not followed.\n\nRaise ${setting} in chainwatch.yaml or review the trail with: chainwatch follow ls --incident ${c.incident}`;
      try {
        await options.notifyOperator({ subject: `follow cap hit for ${c.incident}`, text, html: `<p>${text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('\n\n', '</p><p>')}</p>` });
      } catch (err) {
        logger.warn({ err, incident: c.incident }, 'operator email about a follow cap could not be sent');
      }
    }
  };

  /** One round: balances of derived entries, new entries, sinks, deposit addresses. Returns the entries created. */
  const processRound = async (chain: string, movements: readonly Movement[], txShape: FollowBlockInput['txShape'], early: Set<string>): Promise<readonly DerivedEntry[]> => {
    const keyOf = keyOfChain.get(chain);
    if (keyOf === undefined || movements.length === 0) return [];
    const at = now().toISOString();
    const parentKeys = [...new Set(movements.filter((m) => m.watchlist.some((w) => (w.hop ?? 0) > 0)).map((m) => keyOf(m.watchedAddress)).filter((k): k is string => k !== undefined))];
    const parents = await store.getMany(chain, parentKeys);
    // A block processed again (restart, reorg) with its entries already watched: what an entry did up to the
    // leg that created it (its own receipt included) was never its alert, and is not one now.
    for (const m of movements) {
      const key = keyOf(m.watchedAddress);
      const e = key === undefined ? undefined : parents.get(key);
      if (e === undefined || m.blockHash === null || e.provenance.blockHash !== m.blockHash || !m.watchlist.every((w) => (w.hop ?? 0) > 0)) continue;
      const position = txShape(m.txHash)?.position;
      const from = txShape(e.provenance.txHash)?.position;
      if (position !== undefined && from !== undefined && position <= from) early.add(m.id);
    }
    const derivedMoves = movements.filter((m) => !early.has(m.id) && m.watchlist.some((w) => (w.hop ?? 0) > 0));
    // Balances: each movement counts once even when a block is processed again.
    const claimed = await store.claimMovements(derivedMoves.filter((m) => m.blockNumber !== null).map((m) => m.id));
    const touched = new Map<string, DerivedEntry>();
    for (const m of derivedMoves) {
      const key = keyOf(m.watchedAddress);
      const entry = key === undefined ? undefined : (touched.get(key) ?? parents.get(key));
      if (key === undefined || entry === undefined || !claimed.has(m.id)) continue;
      touched.set(key, applyEntryActivity(entry, m, at));
    }
    for (const [key, e] of touched) parents.set(key, e);

    const legs = movements.flatMap((m) => collectOutgoingLegs(m, keyOf));
    if (legs.length === 0) {
      // Nothing sent out of a followed address (the common case): only balances to keep.
      await store.saveBalances([...touched.values()]);
      return [];
    }
    const recipients = [...new Set(legs.map((l) => l.recipientKey))];
    const existing = await store.getMany(chain, recipients);
    const index = options.currentWatchlist();
    // Another tenant's private address does not count (its owner's list stays private); the same owner's does.
    // A retracted entry is not watched: a leg of the new branch that qualifies derives it again (restores it).
    const isWatched = (key: string, owner?: string): boolean => (existing.has(key) && existing.get(key)?.status !== 'retracted') || (index.lookup(chain, key)?.some((w) => w.owner?.startsWith('tenant:') !== true || w.owner === owner) ?? false);
    const unlabelled = recipients.filter((key) => labelBook.lookup(chain, key) === undefined && !isWatched(key));
    const contracts = options.contractsAmong !== undefined && unlabelled.length > 0 ? await options.contractsAmong(chain, unlabelled) : new Set<string>();
    const incidents = [...new Set(movements.flatMap((m) => m.watchlist.map((w) => w.incident)))];
    const active = new Map(await Promise.all(incidents.map(async (i) => [i, await store.activeCount(i)] as const)));
    const plan = planDerivedEntries({
      chain,
      legs,
      rules,
      parentOf: (m) => parentOf(m, keyOf, parents),
      labelOf: (key) => labelBook.lookup(chain, key),
      contracts,
      isWatched,
      txShape,
      activeCount: (i) => active.get(i) ?? 0,
      derivedEntryOf: (key) => existing.get(key),
      now: at,
    });

    const stopped: DerivedEntry[] = [];
    const found: { matchKey: string; label: AddressLabel }[] = [];
    for (const d of plan.deposits) {
      const current = parents.get(d.entry.matchKey) ?? d.entry;
      if (current.status !== 'active') continue;
      const entry: DerivedEntry = { ...current, status: 'stopped', statusReason: `exchange-deposit: forwards what it received to ${d.exchange.label} (tx ${d.txHash})` };
      parents.set(entry.matchKey, entry);
      stopped.push(entry);
      found.push({ matchKey: entry.matchKey, label: { chain, address: entry.address, label: `${d.exchange.label} deposit address (heuristic)`, category: 'exchange-deposit', source: `chainwatch deposit-address heuristic: ${entry.address} forwarded what it received to ${d.exchange.address} in ${d.txHash}` } });
      logger.info({ chain, address: entry.address, exchange: d.exchange.label, tx_hash: d.txHash }, 'derived entry is an exchange deposit address: no longer followed');
    }
    await store.saveBalances([...touched.values()].filter((e) => !stopped.some((s) => s.matchKey === e.matchKey)));
    await store.save(stopped);
    if (found.length > 0) {
      await store.saveRuntimeLabels(found);
      for (const f of found) runtime.set(`${chain}|${f.matchKey}`, f.label);
      const removals = stopped.map(removalOf);
      await overlayStore.write(removals);
      options.overlay.apply(removals);
    }
    await store.recordSinks(plan.sinks);
    // Further evidence for entries paid again by their incident (kept through a reorg of their creating leg).
    if (plan.corroborations.length > 0) {
      const legsOf = new Map<string, (typeof plan.corroborations)[number]['evidence'][]>();
      for (const c of plan.corroborations) legsOf.set(c.matchKey, [...(legsOf.get(c.matchKey) ?? []), c.evidence]);
      await store.update(chain, [...legsOf.keys()], (entries) =>
        entries.flatMap((e) => {
          let next: DerivedEntry | undefined;
          for (const leg of legsOf.get(e.matchKey) ?? []) next = corroborateDerivedEntry(next ?? e, leg) ?? next;
          return next === undefined ? [] : [next];
        }),
      );
    }
    // A retracted entry derived again (its leg re-mined in the new branch): restored with the new evidence.
    const toWrite = plan.entries.map((e) => {
      const old = existing.get(e.matchKey);
      return old?.status === 'retracted' ? restoreDerivedEntry(old, e, at) : e;
    });
    // Entry first, then its overlay add: a crash in between re-processes the block; create() is then a no-op
    // for the existing key and the leg that made it is 'already-watched', so the overlay add is written again
    // for active entries whose creating leg is in this round.
    const created = await store.create(toWrite);
    const createdKeys = new Set(created.map((e) => e.matchKey));
    const roundLegs = new Set(legs.map((l) => `${l.movement.id}|${l.leg}|${l.recipientKey}`));
    const replayed = [...existing.values()].filter((e) => e.status === 'active' && roundLegs.has(`${e.provenance.movementId}|${e.provenance.leg}|${e.matchKey}`));
    const toOverlay = [...created.filter((e) => e.status === 'active'), ...replayed.filter((e) => !createdKeys.has(e.matchKey))];
    if (toOverlay.length > 0) {
      const adds = toOverlay.map((e): OverlayChange => ({ op: 'add', entry: overlayEntryOf(e) }));
      await overlayStore.write(adds);
      options.overlay.apply(adds);
    }
    for (const e of created) {
      if (e.restoredAfter !== undefined && existing.get(e.matchKey)?.status === 'retracted') {
        counters.restored.inc({ chain });
        logger.info({ chain, incident: e.incident, address: e.address, hop: e.hop, parent: e.provenance.parentAddress, tx_hash: e.provenance.txHash, block_hash: e.provenance.blockHash, status: e.status }, 'following funds: retracted derived entry restored (its leg was re-mined)');
        continue;
      }
      counters.created.inc({ chain, rule: e.provenance.rule });
      logger.info({ chain, incident: e.incident, address: e.address, hop: e.hop, parent: e.provenance.parentAddress, tx_hash: e.provenance.txHash, rule: e.provenance.rule }, 'following funds: derived watch entry created');
    }
    await reportCaps(plan.caps);
    return toOverlay;
  };

  return {
    store,
    labelBook,
    refresh,
    async afterMatch(input) {
      const all = [...input.movements];
      const seen = new Set(all.map((m) => m.id));
      let round: readonly Movement[] = input.movements;
      const createdAt = new Map<string, number>();
      const keyOf = keyOfChain.get(input.chain);
      if (keyOf === undefined) return input.movements;
      const early = new Set<string>();
      const result = (): readonly Movement[] => (early.size === 0 ? all : all.filter((m) => !early.has(m.id)));
      for (let r = 0; r < config.maxRoundsPerBlock; r++) {
        const created = await processRound(input.chain, round, input.txShape, early);
        if (created.length === 0) return result();
        for (const e of created) if (!createdAt.has(e.matchKey)) createdAt.set(e.matchKey, input.txShape(e.provenance.txHash)?.position ?? Infinity);
        // Matched from the very next transaction: only what the new entries did after the leg that made them.
        const again = await input.rematch();
        const fresh = again.filter((m) => {
          if (seen.has(m.id)) return false;
          const key = keyOf(m.watchedAddress);
          const from = key === undefined ? undefined : createdAt.get(key);
          const position = input.txShape(m.txHash)?.position;
          return from !== undefined && position !== undefined && position > from;
        });
        for (const m of fresh) seen.add(m.id);
        all.push(...fresh);
        round = fresh;
      }
      logger.warn({ chain: input.chain, rounds: config.maxRoundsPerBlock }, 'follow.maxRoundsPerBlock reached: hops deeper inside this block are matched from the next block on');
      return result();
    },
    async retractOrphaned(chain, orphaned) {
      if (orphaned.length === 0 || !keyOfChain.has(chain)) return;
      const at = now().toISOString();
      // Only the entries with a leg in these blocks (indexed when written), not the whole chain: what they
      // derived in the orphaned branch is in those blocks too, as every later block of a branch is orphaned with it.
      const touched = await store.keysWithEvidenceIn(chain, orphaned.map((b) => b.hash));
      if (touched.length === 0) return;
      let plan: ReturnType<typeof planFollowRetraction> | undefined;
      await store.update(chain, touched, (entries) => {
        plan = planFollowRetraction({ entries, orphaned, at });
        return [...plan.retracted, ...plan.trimmed].map((c) => c.after);
      });
      if (plan === undefined) return;
      // After the entries: a crash in between repeats the rewind, and the plan repeats these removals.
      const changes: OverlayChange[] = [...plan.unwatch.map(removalOf), ...plan.rewatch.map((e): OverlayChange => ({ op: 'add', entry: overlayEntryOf(e) }))];
      if (changes.length > 0) {
        await overlayStore.write(changes);
        options.overlay.apply(changes);
      }
      for (const { after: e } of plan.retracted) {
        counters.retracted.inc({ chain, cause: e.retraction?.cause ?? 'orphaned' });
        logger.warn({ chain, incident: e.incident, address: e.address, hop: e.hop, tx_hash: e.retraction?.txHash, block_number: e.retraction?.orphanedBlock.number, block_hash: e.retraction?.orphanedBlock.hash, cause: e.retraction?.cause }, 'following funds: derived entry retracted (a reorg orphaned the legs that derived it)');
      }
      if (plan.trimmed.length > 0) logger.info({ chain, entries: plan.trimmed.length }, 'derived entries kept on other evidence after a reorg orphaned some of their legs');
    },
    async sweepOnce(nowMs = now().getTime()) {
      const expired: DerivedEntry[] = [];
      for (const e of await store.allEntries()) {
        if (isEntryExpired(e, nowMs, rules)) expired.push({ ...e, status: 'expired', statusReason: `idle ${config.idleDays} days holding less than the threshold` });
      }
      if (expired.length === 0) return 0;
      await store.save(expired);
      const removals = expired.map(removalOf);
      await overlayStore.write(removals);
      options.overlay.apply(removals);
      logger.info({ expired: expired.length }, 'derived entries expired (kept for the record, no longer watched)');
      return expired.length;
    },
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        this.sweepOnce().catch((err: unknown) => logger.warn({ err }, 'follow expiry sweep failed; will retry'));
      }, config.sweepIntervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * The followed sender of a movement: its listed (or tenant) entry, else its derived
 * entry with the lowest hop; a derived entry no longer active is not followed.
 */
function parentOf(m: Movement, keyOf: KeyOf, parents: ReadonlyMap<string, DerivedEntry>): FollowParent | undefined {
  const refs = [...m.watchlist].sort((a, b) => (a.hop ?? 0) - (b.hop ?? 0));
  const ref = refs[0];
  if (ref === undefined) return undefined;
  if ((ref.hop ?? 0) === 0) return { ref };
  const key = keyOf(m.watchedAddress);
  const entry = key === undefined ? undefined : parents.get(key);
  if (entry?.status !== 'active') return undefined;
  return { ref, entry };
}
