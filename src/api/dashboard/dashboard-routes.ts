import type { FastifyInstance } from 'fastify';
import { compareStreamIds, type HistoryEntry } from '../../adapters/redis/movement-history-store.js';
import { buildHistoryTotals } from '../../core/dashboard/build-history-totals.js';
import { buildHistoryTrail } from '../../core/dashboard/build-history-trail.js';
import { matchesMovementFilter, type DashboardMovement, type MovementFilter } from '../../core/dashboard/dashboard-movement.js';
import { SEVERITIES, type MovementDirection, type Severity } from '../../core/movement.js';
import { buildWatchlistStats } from '../../core/watchlist-query/build-watchlist-stats.js';
import { ApiError } from '../api-error.js';
import { validateApiAddress } from '../validate-api-address.js';
import { SECURITY_HEADERS } from './dashboard-auth.js';
import type { DashboardDeps, DeliveryChannelKind } from './dashboard-deps.js';

/** A movement as the API answers it: the stored movement plus its history id (cursor, SSE event id). */
export type ListedMovement = DashboardMovement & { readonly streamId: string };

interface FilterQuery {
  chain?: string;
  incident?: string;
  severity?: Severity;
  direction?: MovementDirection;
  address?: string;
  from?: string;
  to?: string;
  cursor?: string;
  after?: string;
  limit?: number;
}

const STREAM_ID = '^\\d{1,16}-\\d{1,16}$';
const filterProperties = {
  chain: { type: 'string', minLength: 1, maxLength: 64 },
  incident: { type: 'string', minLength: 1, maxLength: 200 },
  severity: { type: 'string', enum: [...SEVERITIES], description: 'at or above this severity' },
  direction: { type: 'string', enum: ['in', 'out', 'self'] },
  address: { type: 'string', minLength: 1, maxLength: 200 },
  from: { type: 'string', format: 'date-time', description: 'ISO time: movements processed at or after it' },
  to: { type: 'string', format: 'date-time', description: 'ISO time: movements processed before it' },
} as const;
const movementsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...filterProperties, cursor: { type: 'string', pattern: STREAM_ID }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
} as const;
const streamQuery = { type: 'object', additionalProperties: false, properties: { ...filterProperties, after: { type: 'string', pattern: STREAM_ID } } } as const;

/** How many stored movements one request scans at most while filtering (bounds the work per request). */
const MAX_SCAN = 5_000;
const BATCH = 500;

export function registerDashboardRoutes(api: FastifyInstance, deps: DashboardDeps): void {
  const openStreams = new Set<{ end(): void }>();
  api.addHook('preClose', (done) => {
    // SSE responses never end on their own: end them so the server can close.
    for (const s of openStreams) s.end();
    done();
  });

  const filterOf = (q: FilterQuery): MovementFilter => ({ chain: q.chain, incident: q.incident, minSeverity: q.severity, direction: q.direction, address: q.address });

  /** Newest first, filtered, paged by history id. */
  const pageMovements = async (filter: MovementFilter, options: { cursor?: string | undefined; sinceMs?: number | undefined; untilMs?: number | undefined; limit: number; maxScan?: number }): Promise<{ data: ListedMovement[]; nextCursor: string | null }> => {
    const data: ListedMovement[] = [];
    let before = options.cursor;
    let scanned = 0;
    let exhausted = false;
    while (data.length < options.limit && scanned < (options.maxScan ?? MAX_SCAN)) {
      const batch = await deps.history.readBackwards({ ...(before !== undefined ? { before } : options.untilMs !== undefined ? { untilMs: options.untilMs - 1 } : {}), ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}), count: BATCH });
      for (const e of batch) {
        before = e.id;
        scanned++;
        if (matchesMovementFilter(e.movement, filter)) data.push({ ...e.movement, streamId: e.id });
        if (data.length >= options.limit) break;
      }
      if (batch.length < BATCH && data.length < options.limit) {
        exhausted = true;
        break;
      }
    }
    return { data, nextCursor: exhausted || before === undefined ? null : before };
  };

  const timeRange = (q: FilterQuery): { sinceMs?: number; untilMs?: number } => {
    const sinceMs = q.from !== undefined ? Date.parse(q.from) : undefined;
    const untilMs = q.to !== undefined ? Date.parse(q.to) : undefined;
    if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) throw new ApiError('invalid_request', 'querystring.from: must be before querystring.to', 'querystring.from');
    return { ...(sinceMs !== undefined ? { sinceMs } : {}), ...(untilMs !== undefined ? { untilMs } : {}) };
  };

  api.get('/meta', () => {
    const incidents = new Set(deps.watchlistEntries().map((e) => e.incident));
    return {
      chains: [...deps.chainInfo.entries()].map(([id, c]) => ({ id, kind: c.kind, explorerUrl: c.explorerUrl })),
      incidents: [...incidents].sort(),
      severities: SEVERITIES,
      followStage: deps.follow !== undefined,
    };
  });

  api.get('/movements', { schema: { querystring: movementsQuery } }, async (request) => {
    const q = request.query as FilterQuery;
    return pageMovements(filterOf(q), { cursor: q.cursor, ...timeRange(q), limit: q.limit ?? 50 });
  });

  api.get('/movements/stream', { schema: { querystring: streamQuery } }, async (request, reply) => {
    const q = request.query as FilterQuery;
    const filter = filterOf(q);
    const lastEventId = request.headers['last-event-id'];
    let last = typeof lastEventId === 'string' && new RegExp(STREAM_ID).test(lastEventId) ? lastEventId : q.after;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    let ready = false;
    const buffered: HistoryEntry[] = [];
    // A browser can go away at any moment: never write to an ended response (Node would raise an unhandled error).
    const open = (): boolean => !res.writableEnded && !res.destroyed;
    const send = (e: HistoryEntry): void => {
      if (!open()) return;
      if (last !== undefined && compareStreamIds(e.id, last) <= 0) return;
      last = e.id;
      if (!matchesMovementFilter(e.movement, filter)) return;
      res.write(`id: ${e.id}\nevent: movement\ndata: ${JSON.stringify({ ...e.movement, streamId: e.id })}\n\n`);
    };
    // Subscribe first, then send what was stored since `after`: nothing falls between the two.
    const unsubscribe = deps.liveFeed.subscribe((e) => (ready ? send(e) : buffered.push(e)));
    const heartbeat = setInterval(() => {
      if (open()) res.write(': keep-alive\n\n');
    }, 15_000);
    const stream = {
      end() {
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(stream);
        if (open()) res.end();
      },
    };
    openStreams.add(stream);
    request.raw.on('close', () => stream.end());
    res.on('error', () => stream.end());
    try {
      if (last !== undefined) for (const e of await deps.history.readAfter(last, BATCH)) send(e);
    } finally {
      ready = true;
      for (const e of buffered.splice(0)) send(e);
    }
  });

  api.get('/chains', async () => ({ data: await deps.chains() }));

  /** Recent stored movements of every incident, one scan shared by the incident pages. */
  const recentMovements = async (incident?: string): Promise<ListedMovement[]> => (await pageMovements({ incident }, { limit: MAX_SCAN })).data;

  const knownIncidents = async (): Promise<string[]> => {
    const names = new Set(deps.watchlistEntries().filter((e) => e.removed === undefined).map((e) => e.incident));
    for (const i of (await deps.follow?.incidents()) ?? []) names.add(i);
    return [...names].sort();
  };

  /** The follow stage's totals once something was followed in the incident, else what the movement history says. */
  const totalsOf = async (incident: string, own: Parameters<typeof buildHistoryTotals>[1]): Promise<unknown> => {
    const followed = deps.follow !== undefined ? await deps.follow.incidentTotals(incident) : undefined;
    return followed !== undefined && (followed.activeEntries > 0 || Object.keys(followed.stolen).length > 0) ? followed : buildHistoryTotals(incident, own);
  };

  api.get('/incidents', async () => {
    const movements = await recentMovements();
    const entries = deps.watchlistEntries();
    const data = await Promise.all(
      (await knownIncidents()).map(async (incident) => {
        const listed = entries.filter((e) => e.incident === incident && e.removed === undefined);
        const own = movements.filter((m) => m.watchlist.some((w) => w.incident === incident));
        return {
          incident,
          listed: listed.length,
          chains: [...new Set(listed.map((e) => e.chain))].sort(),
          movements: own.length,
          lastMovementAt: own[0]?.at ?? null,
          totals: await totalsOf(incident, own),
        };
      }),
    );
    return { data };
  });

  api.get('/incidents/:id', { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } } }, async (request) => {
    const { id } = request.params as { id: string };
    const movements = await recentMovements(id);
    if (!(await knownIncidents()).includes(id) && movements.length === 0) throw new ApiError('not_found', `no incident "${id}" in the watchlists, the follow stage or the movement history`);
    const followed = deps.follow !== undefined ? await Promise.all([deps.follow.incidentTotals(id), deps.follow.incidentTrail(id)]) : undefined;
    // An incident nothing was followed from yet (or following off): its listed wallets and what they sent, from the history.
    if (followed === undefined || followed[1].nodes.length === 0) {
      return { incident: id, source: 'history', totals: buildHistoryTotals(id, movements), timeline: movements.slice(0, 200), trail: buildHistoryTrail(id, deps.watchlistEntries(), movements) };
    }
    const [totals, trail] = followed;
    return { incident: id, source: 'follow', totals, timeline: movements.slice(0, 200), trail };
  });

  api.get('/addresses/:chain/:address', {
    schema: { params: { type: 'object', required: ['chain', 'address'], properties: { chain: { type: 'string', minLength: 1, maxLength: 64 }, address: { type: 'string', minLength: 1, maxLength: 200 } } } },
  }, async (request) => {
    const { chain, address } = request.params as { chain: string; address: string };
    const { display, matchKey } = validateApiAddress(deps.chainInfo, chain, address, 'params.address');
    const listed = deps.watchlistEntries()
      .filter((e) => e.chain === chain && e.matchKey === matchKey)
      .map((e) => ({ label: e.label, incident: e.incident, source: e.source, tags: e.tags, file: e.file, line: e.line, enabled: e.enabled, removed: e.removed ?? null }));
    // Tenant entries: the tenant id only (never keys, labels they keep private stay theirs).
    const tenants = (await deps.overlayEntries())
      .filter((o) => o.chain === chain && o.matchKey === matchKey)
      .map((o) => (o.ref.owner?.startsWith('tenant:') === true ? { tenantId: o.ref.owner.slice('tenant:'.length) } : { owner: o.ref.owner ?? null, label: o.ref.label, incident: o.ref.incident }));
    const derived = (await deps.follow?.getEntry(chain, matchKey)) ?? null;
    const movements = await pageMovements({ chain, address: chain !== '' && deps.chainInfo.get(chain)?.kind === 'evm' ? display.toLowerCase() : display }, { limit: 100 });
    const counterparty = movements.data.flatMap((m) => (m.counterparty !== null && m.counterparty.address.toLowerCase() === display.toLowerCase() ? [m.counterparty] : []))[0] ?? null;
    return { chain, address: display, explorerUrl: deps.chainInfo.get(chain)?.explorerUrl ?? null, listed, tenants, derived, counterparty, movements: movements.data, nextCursor: movements.nextCursor };
  });

  api.get('/watchlists', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } } },
  }, async (request) => {
    const { q, limit = 100 } = request.query as { q?: string; limit?: number };
    const entries = deps.watchlistEntries();
    const overlay = await deps.overlayEntries();
    const stats = buildWatchlistStats(entries);
    const tenantByChain: Record<string, number> = {};
    for (const o of overlay) tenantByChain[o.chain] = (tenantByChain[o.chain] ?? 0) + 1;
    const derived = deps.follow !== undefined ? (await deps.follow.listEntries({ limit: 1000 })).entries : [];
    const derivedByIncident: Record<string, number> = {};
    for (const d of derived) derivedByIncident[d.incident] = (derivedByIncident[d.incident] ?? 0) + 1;
    const needle = q?.trim().toLowerCase() ?? '';
    const hit = (...fields: readonly (string | undefined)[]): boolean => needle !== '' && fields.some((f) => f?.toLowerCase().includes(needle) === true);
    const results = [
      ...entries.filter((e) => hit(e.address, e.matchKey, e.label, e.incident, ...e.tags)).map((e) => ({ kind: 'listed' as const, chain: e.chain, address: e.address, label: e.label, incident: e.incident, source: `${e.file}:${e.line}`, status: e.removed !== undefined ? 'removed' : e.enabled ? 'watched' : 'disabled' })),
      ...overlay.filter((o) => hit(o.ref.address, o.matchKey, o.ref.label)).map((o) => ({ kind: o.ref.owner?.startsWith('tenant:') === true ? ('tenant' as const) : ('overlay' as const), chain: o.chain, address: o.ref.address, label: o.ref.owner?.startsWith('tenant:') === true ? `tenant ${o.ref.owner.slice(7)}` : o.ref.label, incident: o.ref.incident, source: o.ref.owner ?? 'overlay', status: 'watched' })),
      ...derived.filter((d) => hit(d.address, d.matchKey, d.incident)).map((d) => ({ kind: 'derived' as const, chain: d.chain, address: d.address, label: `hop ${d.hop} from ${d.provenance.parentAddress}`, incident: d.incident, source: `tx ${d.provenance.txHash}`, status: d.status })),
    ];
    return { stats: { total: stats.total, byChain: stats.byChain, byIncident: stats.byIncident, files: stats.files, tenantByChain, derivedByIncident }, query: q ?? '', results: results.slice(0, limit), truncated: results.length > limit };
  });

  api.get('/deliveries', async () => ({ data: await deps.deliveries.list() }));

  api.post('/deliveries/replay', {
    schema: {
      body: {
        type: 'object',
        required: ['channel', 'target', 'id'],
        additionalProperties: false,
        properties: { channel: { type: 'string', enum: ['email', 'webhook', 'subscription'] }, target: { type: 'string', minLength: 1, maxLength: 200 }, id: { type: 'string', minLength: 1, maxLength: 400 } },
      },
    },
  }, async (request) => {
    const { channel, target, id } = request.body as { channel: DeliveryChannelKind; target: string; id: string };
    const replayed = await deps.deliveries.replay(channel, target, id);
    if (!replayed) throw new ApiError('not_found', `no failed delivery ${id} on ${channel} ${target} to replay`);
    return { replayed: true };
  });
}
