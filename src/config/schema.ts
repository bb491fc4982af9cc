import { z } from 'zod';
import { httpUrlSchema, wsUrlSchema, zmqUrlSchema } from './http-url-schema.js';
import { tronChainSchema, type TronChainConfig } from './tron-chain-schema.js';
import { checkLedgerChain, ledgerChainSchema, type LedgerChainConfig } from './ledger-chain-schema.js';
import { isLedgerChain } from '../core/ledger/ledger-kinds.js';
import { UTXO_KINDS, UTXO_NETWORK_NAMES } from '../core/btc/utxo-chain.js';
import { followSchema, type FollowConfig } from './follow-schema.js';
import { alertsSchema, emailRouteSchema, pricesSchema, tokensSchema, type AlertsConfig, type PricesConfig, type TokensConfig } from './alerts-schema.js';

/**
 * The configuration contract (issue #2). Keys here are public interface:
 * extend freely, rename nothing. The loader (load-config.ts) maps zod issue
 * paths back to YAML line numbers.
 */

const positiveInt = z.number().int().nonnegative();
// RPC, Esplora, webhook and explorer URLs: http(s) only (wss://, htps://, javascript: are refused).
const httpUrl = httpUrlSchema;

export const startBlockSchema = z.union([z.literal('latest'), positiveInt]);

export const evmChainSchema = z
  .object({
    kind: z.literal('evm'),
    rpcUrls: z.array(httpUrl).min(1, 'at least one RPC URL is required'),
    /**
     * Issue #13: the node's WebSocket endpoint. New heads are then followed by eth_subscribe("newHeads") and
     * the poller wakes at once on each; polling every pollIntervalMs goes on as the safety net and the fallback
     * while the socket is down (reconnected with backoff).
     */
    wsUrl: wsUrlSchema.optional(),
    confirmations: positiveInt.min(1).default(1),
    pollIntervalMs: positiveInt.min(50).default(1000),
    startBlock: startBlockSchema.default('latest'),
    explorerUrl: httpUrl.optional(),
    /** Native coin symbol for alerts (ETH, BNB, MATIC...). */
    nativeSymbol: z.string().min(1).default('ETH'),
    /** Internal transfers from traces: auto = probe debug_traceBlockByNumber, then trace_block. */
    traces: z.enum(['auto', 'off']).default('auto'),
    /** Largest number of blocks fetched in one JSON-RPC batch while catching up. */
    maxBlocksPerBatch: positiveInt.min(1).max(100).default(10),
    rpcTimeoutMs: positiveInt.min(100).default(10_000),
    enabled: z.boolean().default(true),
    /** Watchdog (issue #10): blocks behind beyond the confirmations wait before /readyz and the operator email say so; default 50 (evm), 3 (UTXO chains). */
    maxLagBlocks: positiveInt.min(1).optional(),
    /** Watchdog: no successful poll step for this long is a stall (default max(5 min, 20 poll intervals)). */
    stallAfterMs: positiveInt.min(1000).optional(),
    /** Lifecycle (issue #10): send movement.confirmed when a movement's block has this many confirmations, or is `finalized` (the node's finalized tag); `off` (default). */
    finality: z.union([positiveInt.min(1), z.literal('finalized'), z.literal('off')]).optional(),
    /** Arbitrum One: trace blocks below this number (the Nitro genesis, 22207817) with arbtrace_block. */
    arbtraceBelowBlock: positiveInt.optional(),
  })
  .strict();

/** Bitcoin and the UTXO chains run through its engine (litecoin, dogecoin, bitcoin-cash): the same keys. */
export const bitcoinChainSchema = z
  .object({
    kind: z.enum(UTXO_KINDS),
    network: z.enum(['mainnet', 'testnet', 'signet', 'regtest']),
    rpcUrl: httpUrl.optional(),
    esploraUrl: httpUrl.optional(),
    /**
     * Issue #13: Bitcoin Core's ZeroMQ `-zmqpubhashblock` (and, with `mempool`, `-zmqpubrawtx`) endpoint: each
     * new block wakes the poller at once, each announced mempool transaction is matched at once; polling every
     * pollIntervalMs stays the safety net (needs the optional package zeromq).
     */
    zmqUrl: zmqUrlSchema.optional(),
    confirmations: positiveInt.min(1).default(1),
    pollIntervalMs: positiveInt.min(50).default(5000),
    startBlock: startBlockSchema.default('latest'),
    explorerUrl: httpUrl.optional(),
    mempool: z.boolean().default(false),
    /** With mempool: an early warning whose transaction is out of the mempool and unmined this long is announced `movement.dropped` (default 6 h). */
    mempoolDropAfterMs: positiveInt.min(1).optional(),
    /** Load watched addresses' unspent outputs from the backend when the poller starts. */
    seedOnStart: z.boolean().default(true),
    rpcTimeoutMs: positiveInt.min(100).default(30_000),
    enabled: z.boolean().default(true),
    /** Watchdog (issue #10): blocks behind beyond the confirmations wait before /readyz and the operator email say so; default 50 (evm), 3 (UTXO chains). */
    maxLagBlocks: positiveInt.min(1).optional(),
    /** Watchdog: no successful poll step for this long is a stall (default max(5 min, 20 poll intervals)). */
    stallAfterMs: positiveInt.min(1000).optional(),
    /** Lifecycle (issue #10): send movement.confirmed when a movement's block has this many confirmations; `off` (default). */
    finality: z.union([positiveInt.min(1), z.literal('off')]).optional(),
  })
  .strict();

export const chainSchema = z
  .discriminatedUnion('kind', [evmChainSchema, bitcoinChainSchema, tronChainSchema, ledgerChainSchema])
  .superRefine((c, ctx) => {
    if (c.kind === 'evm' || c.kind === 'tron') return;
    if (isLedgerChain(c)) {
      checkLedgerChain(c, ctx);
      return;
    }
    if (c.rpcUrl === undefined && c.esploraUrl === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['rpcUrl'],
        message: `a ${c.kind} chain needs rpcUrl (its Core-compatible JSON-RPC) or esploraUrl (Esplora REST)`,
      });
    }
    if (!UTXO_NETWORK_NAMES[c.kind].includes(c.network)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['network'], message: `${c.kind} has no ${c.network} network (one of ${UTXO_NETWORK_NAMES[c.kind].join(', ')})` });
    }
  });

export const emailSchema = z
  .object({
    smtpUrl: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
    from: z.string().email(),
    to: z.array(z.string().email()).min(1, 'at least one recipient is required'),
    subjectPrefix: z.string().default('[chainwatch]'),
    /** Who gets operational emails (chain watchdog, disabled subscriptions); default `to`. */
    operatorTo: z.array(z.string().email()).min(1).optional(),
    enabled: z.boolean().default(true),
    /** Ordered email routes (issue #8, docs/alerts.md); a movement no route takes goes to `to`. */
    routes: z.array(emailRouteSchema).default([]),
  })
  .strict();

export const webhookSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    url: httpUrl,
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be whsec_ followed by a base64 key'),
    timeoutMs: positiveInt.min(100).default(10_000),
    enabled: z.boolean().default(true),
  })
  .strict();

/** The operator dashboard (issue #12): movement history kept in Redis for the movements page. */
export const dashboardSchema = z
  .object({
    /** Movements older than this are trimmed from the history (default 30). */
    historyRetentionDays: positiveInt.min(1).max(3650).optional(),
    /** At most this many movements are kept, newest win (default 100000). */
    historyMaxEntries: positiveInt.min(100).max(10_000_000).optional(),
    /** Login session lifetime in hours (default 12). */
    sessionTtlHours: positiveInt.min(1).max(24 * 30).optional(),
  })
  .strict();

export const apiSchema = z
  .object({
    port: positiveInt.max(65535).default(8080),
    host: z.string().default('0.0.0.0'),
    /** Operator token for the dashboard (issue #12); CHAINWATCH_ADMIN_TOKEN wins. Without either the dashboard is off. */
    adminToken: z.string().min(16, 'must be at least 16 characters (use a random token: openssl rand -hex 24)').optional(),
    dashboard: dashboardSchema.optional(),
  })
  .strict();

export const redisSchema = z
  .object({
    url: z
      .string()
      .regex(/^(rediss?|redis\+sentinel):\/\//, 'must be a redis://, rediss:// or redis+sentinel:// URL')
      .default('redis://127.0.0.1:6379'),
    /** Redis Cluster: any of its nodes as host:port; the prefix then becomes a hash tag ({prefix}). */
    cluster: z.array(z.string().regex(/^\[?[^\s\]]+\]?:\d{1,5}$/, 'must be host:port')).min(1).optional(),
    /** Key prefix for every queue and key, so several deployments can share one Redis. */
    prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('chainwatch'),
  })
  .strict();

/** Tenant subscriptions (issue #9): what the SSRF guard lets through, and delivery tuning. */
export const subscriptionsSchema = z
  .object({
    /** true: http:// subscription URLs are allowed (default: https only). */
    allowHttp: z.boolean().default(false),
    /** CIDRs exempt from the SSRF guard, for on-premise receivers, e.g. ["10.20.0.0/16"]. */
    allowPrivateTargets: z.array(z.string().refine(isCidr, 'must be a CIDR like 10.20.0.0/16 or fd00::/8')).default([]),
    /** Delays between delivery attempts (ms); about 3 days in all by default. Tests shrink it. */
    retryScheduleMs: z.array(positiveInt).min(1).max(50).optional(),
    /** Longest Retry-After (429/503) honoured. */
    maxRetryAfterMs: positiveInt.default(6 * 60 * 60_000),
    /** Per-attempt timeout. */
    timeoutMs: positiveInt.min(100).max(60_000).default(15_000),
    /** Deliveries in flight at once per subscription. */
    concurrencyPerSubscription: positiveInt.min(1).max(64).default(4),
    /** A subscription failing every delivery for this long is disabled (default 5 days). */
    disableAfterFailingMs: positiveInt.min(1).default(5 * 24 * 60 * 60_000),
    /** API requests per tenant per minute. */
    rateLimitPerMinute: positiveInt.min(1).default(600),
    /** Settled delivery records (succeeded, dead) older than this are deleted; pending and retrying ones are kept until they settle. Default 30 days. */
    deliveryRetentionMs: positiveInt.min(60_000).optional(),
  })
  .strict();

function isCidr(value: string): boolean {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(value);
  if (m === null) return false;
  const bits = Number(m[2]);
  return m[1]!.includes(':') ? bits <= 128 : /^\d{1,3}(\.\d{1,3}){3}$/.test(m[1]!) && m[1]!.split('.').every((o) => Number(o) <= 255) && bits <= 32;
}

export const chainwatchFileSchema = z
  .object({
    chains: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'chain ids are lowercase letters, digits, _ and -'), z.unknown()),
    email: emailSchema.optional(),
    webhooks: z.array(webhookSchema).default([]),
    api: apiSchema.default({}),
    redis: redisSchema.default({}),
    subscriptions: subscriptionsSchema.default({}),
    /** How often each process re-reads the watchlist directory. */
    reloadIntervalMs: positiveInt.min(100).default(2000),
    /** SIGTERM/SIGINT: stop polling, let deliveries finish or return to the queue, close; exit by this deadline whatever peers do. */
    shutdownTimeoutMs: positiveInt.min(100).default(10_000),
    /** USD prices by asset symbol, listed tokens by chain, severity rules and email policy (docs/alerts.md). */
    prices: pricesSchema.default({}),
    tokens: tokensSchema.default({}),
    alerts: alertsSchema.default({}),
    /** Follow the money (issue #11, docs/follow.md); absent = off. */
    follow: followSchema.optional(),
  })
  .strict();

export type EvmChainConfig = z.infer<typeof evmChainSchema> & { readonly id: string };
export type BitcoinChainConfig = z.infer<typeof bitcoinChainSchema> & { readonly id: string };
export type ChainConfig = EvmChainConfig | BitcoinChainConfig | TronChainConfig | LedgerChainConfig;
export type { TronChainConfig, LedgerChainConfig };
/** `routes` optional: settings built by hand (tests, tools) predate issue #8. */
export type EmailConfig = Omit<z.infer<typeof emailSchema>, 'routes'> & { readonly routes?: z.infer<typeof emailSchema>['routes'] };
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
export type DashboardConfig = z.infer<typeof dashboardSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type { AlertsConfig, PriceConfig, PricesConfig, TokensConfig } from './alerts-schema.js';
export type SubscriptionsConfig = z.infer<typeof subscriptionsSchema>;

/** Fully validated, env-interpolated settings from chainwatch.yaml. */
export interface Settings {
  readonly chains: ReadonlyMap<string, ChainConfig>;
  readonly email: EmailConfig | undefined;
  readonly webhooks: readonly WebhookConfig[];
  readonly api: ApiConfig;
  readonly redis: RedisConfig;
  readonly reloadIntervalMs: number;
  /** Optional so hand-built settings stay valid; the loader always sets it (default 10000). */
  readonly shutdownTimeoutMs?: number;
  /** Issue #8 (docs/alerts.md); optional so hand-built settings stay valid: absent = none / defaults. */
  readonly prices?: PricesConfig;
  readonly tokens?: TokensConfig;
  readonly alerts?: AlertsConfig;
  /** Absent only in Settings built by hand before issue #9 (tests); the loader always sets it. */
  readonly subscriptions?: SubscriptionsConfig;
  /** Issue #11 (docs/follow.md); absent = following is off. */
  readonly follow?: FollowConfig;
}
export type { FollowConfig };

export const watchlistEntrySchema = z
  .object({
    chain: z.string().min(1),
    address: z.string().min(1),
    label: z.string().min(1),
    incident: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'incident is a lowercase slug like ronin-2022'),
    source: z
      .string()
      .url('source must be the URL of the public attribution')
      // An attribution is a web page an operator can open; javascript:, file: or mailto: are not.
      .refine((s) => /^https?:\/\//i.test(s), 'source must be an http(s) URL of the public attribution'),
    tags: z.array(z.string().min(1)).default([]),
    /** Date (YYYY-MM-DD) the source stopped listing this address; kept for history, not watched. */
    removed: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.date()]).optional(),
    enabled: z.boolean().default(true),
    note: z.string().optional(),
  })
  .strict();

export const watchlistFileSchema = z
  .object({
    description: z.string().optional(),
    note: z.string().optional(),
    /** A whole file can be kept but not watched (e.g. chains chainwatch does not monitor yet). */
    enabled: z.boolean().default(true),
    entries: z.array(z.unknown()),
  })
  .strict();

export type WatchlistEntryInput = z.infer<typeof watchlistEntrySchema>;
