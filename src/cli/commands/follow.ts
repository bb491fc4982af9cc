import type { Command } from 'commander';
import { isLedgerChain } from '../../core/ledger/ledger-kinds.js';
import { ledgerProfileOf } from '../../core/ledger/ledger-profiles.js';
import type { Redis } from 'ioredis';
import { createDerivedEntryStore, type DerivedEntryStore } from '../../adapters/redis/derived-entry-store.js';
import { createWatchlistOverlayStore } from '../../adapters/redis/watchlist-overlay-store.js';
import type { ChainConfig, Settings } from '../../config/schema.js';
import { sanitizeHeaderValue } from '../../core/alert/sanitize-header-value.js';
import { formatBaseUnits } from '../../core/alert/format-amount.js';
import { buildTagpack } from '../../core/follow/build-tagpack.js';
import { evidenceOf } from '../../core/follow/evidence-of.js';
import type { DerivedEntry, DerivedEntryStatus } from '../../core/follow/derived-entry.js';
import { utxoAsset } from '../../core/btc/utxo-chain.js';
import { formatTable } from '../../core/watchlist-query/format-table.js';
import { followKeyOf, removalOf } from '../../app/follow-stage.js';
import { withRedisSettings } from '../with-redis-settings.js';

/**
 * `chainwatch follow ls | show | stop | export` (issue #11, docs/follow.md): the
 * operator's view of followed funds. Reads and writes the derived entries in Redis,
 * so it works against a running deployment. Exit 0 on success, 1 on a failure
 * (unknown entry, Redis down), 2 on bad config or arguments.
 */
export function registerFollowCommand(program: Command): void {
  const follow = program.command('follow').description('followed funds: derived watch entries, their paths, totals and export (docs/follow.md)');

  follow
    .command('ls')
    .description('list derived entries (entry, hop, parent, amount, first/last seen, status) and per-incident totals')
    .option('--incident <id>', 'only this incident')
    .option('--chain <id>', 'only this chain')
    .option('--status <status>', 'only active, expired, stopped or retracted entries')
    .option('--json', 'print JSON: { entries, totals }')
    .action((opts: { incident?: string; chain?: string; status?: string; json?: boolean }, command: Command) =>
      withStore(command, async (store) => {
        if (opts.status !== undefined && !['active', 'expired', 'stopped', 'retracted'].includes(opts.status)) {
          process.stderr.write(`--status must be active, expired, stopped or retracted, not "${opts.status}"\n`);
          return 2;
        }
        const { entries } = await store.listEntries({
          ...(opts.incident !== undefined ? { incident: opts.incident } : {}),
          ...(opts.chain !== undefined ? { chain: opts.chain } : {}),
          ...(opts.status !== undefined ? { status: opts.status as DerivedEntryStatus } : {}),
        });
        const incidents = opts.incident !== undefined ? [opts.incident] : [...new Set(entries.map((e) => e.incident))].sort();
        const totals = await Promise.all(incidents.map((i) => store.incidentTotals(i)));
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify({ entries, totals }, null, 2)}\n`);
          return 0;
        }
        if (entries.length === 0) {
          process.stdout.write('no derived entries\n');
          return 0;
        }
        process.stdout.write(
          formatTable(
            ['CHAIN', 'ADDRESS', 'INCIDENT', 'HOP', 'PARENT', 'AMOUNT', 'FIRST SEEN', 'LAST SEEN', 'STATUS'],
            entries.map((e) => [e.chain, e.address, e.incident, String(e.hop), e.provenance.parentAddress, amountOf(e), e.firstSeen, e.lastSeen, e.status === 'active' ? 'active' : `${e.status}${e.statusReason !== undefined ? ` (${e.statusReason})` : ''}`]),
          ),
        );
        for (const t of totals) {
          const fmt = (r: Readonly<Record<string, string>>): string => Object.entries(r).map(([s, v]) => `${v} ${s}`).join(', ') || '-';
          process.stdout.write(`\n${t.incident}: ${t.activeEntries} active, max hop ${t.maxHop}; base units: stolen ${fmt(t.stolen)}; still held ${fmt(t.stillHeld)}; to exchanges ${t.toExchanges.map((x) => `${x.exchange} ${fmt(x.amounts)}`).join('; ') || '-'}; to mixers ${fmt(t.toMixers)}; to bridges ${fmt(t.toBridges)}\n`);
        }
        return 0;
      }),
    );

  follow
    .command('show')
    .argument('<chain>', 'chain id')
    .argument('<address>', 'the derived address')
    .description('the full path of a derived entry back to its listed root, with the transaction of each hop')
    .option('--json', 'print JSON')
    .action((chainId: string, address: string, opts: { json?: boolean }, command: Command) =>
      withStore(command, async (store, settings) => {
        const found = await findEntry(store, settings, chainId, address);
        if (typeof found === 'number') return found;
        const chainOfEntries: DerivedEntry[] = [found];
        const keyOf = followKeyOf(settings.chains.get(chainId)!);
        for (let e = found; e.hop > 0 || e.peelSteps > 0; ) {
          const key = keyOf(e.provenance.parentAddress);
          const parent = key === undefined ? undefined : await store.getEntry(chainId, key);
          if (parent === undefined || chainOfEntries.length > 10_000) break;
          chainOfEntries.unshift(parent);
          e = parent;
        }
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify({ entry: found, path: found.path, steps: chainOfEntries }, null, 2)}\n`);
          return 0;
        }
        const root = chainOfEntries[0]!;
        process.stdout.write(`${found.address} on ${chainId}: incident ${found.incident}, hop ${found.hop}, ${found.status}${found.statusReason !== undefined ? ` (${found.statusReason})` : ''}\n`);
        process.stdout.write(`root: ${found.path[0] ?? root.provenance.parentAddress}${found.root !== undefined ? ` (${found.root.label})` : ''}\n`);
        for (const e of chainOfEntries) {
          const p = e.provenance;
          process.stdout.write(`  → ${e.address}  hop ${e.hop}${e.peelSteps > 0 ? ` (peel step ${e.peelSteps})` : ''}  ${amountOf(e)}  tx ${p.txHash} block ${p.blockNumber} leg ${p.leg}  rule ${p.rule}  ${p.createdAt}${e.status === 'retracted' ? '  RETRACTED' : ''}\n`);
        }
        // Reorgs (docs/follow.md): the legs it stands on, why it was dropped, or where it came back from.
        const evidence = evidenceOf(found);
        process.stdout.write(`evidence (${evidence.length} leg${evidence.length === 1 ? '' : 's'}${found.status === 'retracted' ? ', all orphaned or from a retracted parent' : ''}):\n`);
        for (const ev of evidence) process.stdout.write(`  paid by ${ev.parentAddress} in tx ${ev.txHash} block ${ev.blockNumber} (${ev.blockHash}) leg ${ev.leg}, hop ${ev.hop}\n`);
        const r = found.retraction;
        if (found.status === 'retracted' && r !== undefined) {
          process.stdout.write(`retracted ${r.at}: ${r.cause === 'orphaned' ? `block ${r.orphanedBlock.number} (${r.orphanedBlock.hash}) carrying tx ${r.txHash} left the chain in a reorg` : `its parent ${r.parentAddress ?? '?'} was retracted (tx ${r.txHash})`}; no longer watched, not counted, not exported; it comes back if the leg is mined again (was ${r.previousStatus}${r.previousReason !== undefined ? `: ${r.previousReason}` : ''})\n`);
        }
        if (found.restoredAfter !== undefined) process.stdout.write(`restored ${found.restoredAfter.at}: its leg was mined again after block ${found.restoredAfter.orphanedBlockHash} was orphaned\n`);
        return 0;
      }),
    );

  follow
    .command('stop')
    .argument('<chain>', 'chain id')
    .argument('<address>', 'the derived address')
    .requiredOption('--reason <text>', 'why it is no longer followed (kept with the entry)')
    .description('stop following a derived entry: it is no longer watched (every replica, from its next step) but kept for the record')
    .action((chainId: string, address: string, opts: { reason: string }, command: Command) =>
      withStore(command, async (store, settings, redis) => {
        const found = await findEntry(store, settings, chainId, address);
        if (typeof found === 'number') return found;
        if (found.status !== 'active') {
          process.stderr.write(`${found.address} on ${chainId} is already ${found.status}${found.statusReason !== undefined ? ` (${found.statusReason})` : ''}\n`);
          return 1;
        }
        const stopped: DerivedEntry = { ...found, status: 'stopped', statusReason: `operator: ${oneLine(opts.reason)}` };
        await store.save([stopped]);
        await createWatchlistOverlayStore(redis, settings.redis.prefix).write([removalOf(found)]);
        process.stdout.write(`${found.address} on ${chainId} is no longer followed (incident ${found.incident}, hop ${found.hop})\n`);
        return 0;
      }),
    );

  follow
    .command('export')
    .requiredOption('--incident <id>', 'the incident whose trail to export')
    .description('print the followed trail of an incident as a GraphSense TagPack (YAML), provenance in each tag\'s context')
    .action((opts: { incident: string }, command: Command) =>
      withStore(command, async (store, settings) => {
        const { entries: all } = await store.listEntries({ incident: opts.incident });
        // Retracted entries (reorg) never held the funds as far as the chain knows: not exported.
        const entries = all.filter((e) => e.status !== 'retracted');
        if (entries.length === 0) {
          process.stderr.write(`no derived entries for incident "${opts.incident}"\n`);
          return 1;
        }
        const now = new Date().toISOString();
        process.stdout.write(buildTagpack({ incident: opts.incident, entries, currencyOf: (id) => currencyOf(settings.chains.get(id)), creator: 'chainwatch follow export', lastmod: now }));
        return 0;
      }),
    );
}

function amountOf(e: DerivedEntry): string {
  const a = e.provenance.asset;
  return `${formatBaseUnits(BigInt(e.provenance.amount), a.decimals)} ${a.symbol}`;
}

function currencyOf(chain: ChainConfig | undefined): string {
  if (chain === undefined) return 'UNKNOWN';
  if (chain.kind === 'evm') return chain.nativeSymbol;
  if (chain.kind === 'tron') return 'TRX';
  if (isLedgerChain(chain)) {
    const profile = ledgerProfileOf(chain.kind);
    return (profile?.nativeAssetOf?.(chain.options) ?? profile?.nativeAsset)?.symbol ?? 'UNKNOWN';
  }
  return utxoAsset(chain.kind).symbol;
}

function oneLine(s: string): string {
  return sanitizeHeaderValue(s).slice(0, 500);
}

async function findEntry(store: DerivedEntryStore, settings: Settings, chainId: string, address: string): Promise<DerivedEntry | number> {
  const chain = settings.chains.get(chainId);
  if (chain === undefined) {
    process.stderr.write(`unknown chain "${chainId}" (configured: ${[...settings.chains.keys()].join(', ')})\n`);
    return 2;
  }
  const key = followKeyOf(chain)(address.trim());
  if (key === undefined) {
    process.stderr.write(`"${oneLine(address)}" is not an address on ${chainId} (${chain.kind})\n`);
    return 2;
  }
  const entry = await store.getEntry(chainId, key);
  if (entry === undefined) {
    process.stderr.write(`${address} on ${chainId} is not a derived entry\n`);
    return 1;
  }
  return entry;
}

function withStore(command: Command, run: (store: DerivedEntryStore, settings: Settings, redis: Redis) => Promise<number>): Promise<void> {
  return withRedisSettings('follow', command, (redis, settings) => run(createDerivedEntryStore(redis, settings.redis.prefix), settings, redis));
}
