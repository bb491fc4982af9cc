import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { isUtxoKind, type UtxoKind } from '../core/btc/utxo-chain.js';
import { chainSchema, chainwatchFileSchema, type BitcoinChainConfig, type ChainConfig, type Settings } from './schema.js';
import { isLedgerKind, type LedgerKind } from '../core/ledger/ledger-kinds.js';
import { withLedgerDefaults } from './ledger-chain-schema.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { displayFile, yamlSyntaxProblems } from './yaml-problems.js';
import { interpolateEnv } from './interpolate-env.js';
import { formatFieldPath, locateYamlNode } from './locate-yaml-node.js';
import { zodIssuesToProblems, type Locate } from './zod-issues-to-problems.js';
import { effectiveRedisPrefix, parseRedisTarget, RedisTargetError, type RedisTarget } from '../core/parse-redis-target.js';
import { checkAlertReferences } from './check-alert-references.js';

export const SETTINGS_FILE = 'chainwatch.yaml';

/** What the watchlist checks need to know about a chain, even when settings failed elsewhere. */
export interface KnownChain {
  /** evm, tron, a UTXO family (bitcoin, litecoin, dogecoin, bitcoin-cash...) with its network, or a ledger family (ripple, stellar...). */
  readonly kind: 'evm' | 'tron' | UtxoKind | LedgerKind;
  readonly network?: 'mainnet' | 'testnet' | 'signet' | 'regtest' | undefined;
  /** Ledger families with per-chain prefixes (Cosmos bech32, Polkadot SS58). */
  readonly addressPrefix?: string | undefined;
}

/** How a configured chain's addresses are written: what every address check needs to know. */
export function knownChainOf(chain: ChainConfig): KnownChain {
  if (chain.kind === 'evm' || chain.kind === 'tron') return { kind: chain.kind };
  if (isLedgerKind(chain.kind)) return { kind: chain.kind, ...('addressPrefix' in chain && chain.addressPrefix !== undefined ? { addressPrefix: chain.addressPrefix } : {}) };
  return { kind: chain.kind, network: (chain as BitcoinChainConfig).network };
}

export interface SettingsCheck {
  /** Present only when there are no errors. */
  readonly settings: Settings | undefined;
  /** Every chain id written in the file, with its kind when that part validated. */
  readonly chainIds: ReadonlyMap<string, KnownChain | undefined>;
  /** False when the file could not be read or parsed at all, so chain ids are unknown. */
  readonly chainsKnown: boolean;
  readonly problems: readonly ConfigProblem[];
}

/** Reads and validates `<dir>/chainwatch.yaml`; throws ConfigError with every problem. */
export async function loadSettings(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const check = await checkSettings(dir, env);
  if (check.settings === undefined) throw new ConfigError(check.problems);
  return check.settings;
}

/** Like loadSettings, but returns problems instead of throwing (for `validate` and loadConfig). */
export async function checkSettings(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<SettingsCheck> {
  const file = displayFile(path.join(dir, SETTINGS_FILE));
  let text: string;
  try {
    text = await readFile(path.join(dir, SETTINGS_FILE), 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      settings: undefined,
      chainIds: new Map(),
      chainsKnown: false,
      problems: [{ severity: 'error', file, line: 1, field: '', code: missing ? 'file_missing' : 'file_unreadable', message: missing ? `${SETTINGS_FILE} not found in the config directory` : `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }],
    };
  }
  return checkSettingsText(text, file, env);
}

/** Pure apart from its inputs: validates chainwatch.yaml text. */
export function checkSettingsText(text: string, file: string, env: NodeJS.ProcessEnv): SettingsCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const syntax = yamlSyntaxProblems(doc, file);
  if (syntax.length > 0) return { settings: undefined, chainIds: new Map(), chainsKnown: false, problems: syntax };
  const problems: ConfigProblem[] = [...interpolateEnv(doc, lineCounter, env, file)];
  const locate: Locate = (p, o) => locateYamlNode(doc, lineCounter, p, o);
  const at = (p: readonly (string | number)[]) => locate(p);

  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ severity: 'error', file, line: 1, field: '', code: 'invalid_type', message: 'chainwatch.yaml must be a mapping of settings (chains, email, webhooks, ...)' });
    return { settings: undefined, chainIds: new Map(), chainsKnown: false, problems };
  }
  const input = applyEnvOverrides(raw as Record<string, unknown>, env, problems);

  const chainIds = new Map<string, KnownChain | undefined>();
  const top = chainwatchFileSchema.safeParse(input);
  if (!top.success) problems.push(...zodIssuesToProblems(top.error.issues, [], file, locate));

  const chains = new Map<string, ChainConfig>();
  const rawChains = (input as { chains?: unknown }).chains;
  if (typeof rawChains === 'object' && rawChains !== null && !Array.isArray(rawChains)) {
    for (const [id, value] of Object.entries(rawChains)) {
      const parsed = chainSchema.safeParse(value);
      if (parsed.success) {
        const data = parsed.data;
        const chain = Object.freeze(data.kind === 'evm' || data.kind === 'tron' || !isLedgerKind(data.kind) ? { ...data, id } : withLedgerDefaults(data as Parameters<typeof withLedgerDefaults>[0], id)) as ChainConfig;
        chains.set(id, chain);
        chainIds.set(id, knownChainOf(chain));
      } else {
        problems.push(...zodIssuesToProblems(parsed.error.issues, ['chains', id], file, locate));
        chainIds.set(id, guessKind(value));
      }
    }
    if (Object.keys(rawChains).length === 0) {
      const pos = at(['chains']);
      problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field: 'chains', code: 'no_chains', message: 'no chains configured: add at least one chain (e.g. ethereum) to watch' });
    }
  }

  let redisTarget: RedisTarget | undefined;
  if (top.success) {
    try {
      redisTarget = parseRedisTarget(top.data.redis.url, top.data.redis.cluster);
    } catch (err) {
      if (!(err instanceof RedisTargetError)) throw err;
      const pos = at(top.data.redis.cluster !== undefined ? ['redis', 'cluster'] : ['redis', 'url']);
      problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field: top.data.redis.cluster !== undefined ? 'redis.cluster' : 'redis.url', code: 'invalid_value', message: err.message });
    }
  }

  if (top.success) {
    const data = top.data;
    // Tenants' subscriptions (issue #9) are a channel too when the operator configured the section.
    if (data.email === undefined && data.webhooks.length === 0 && !('subscriptions' in input)) {
      problems.push({ severity: 'error', file, line: 1, column: 1, field: '', code: 'no_notification_channel', message: 'no notification channel: configure email or at least one webhook, or alerts go nowhere' });
    } else if ((data.email === undefined || !data.email.enabled) && data.webhooks.every((w) => !w.enabled) && !('subscriptions' in input)) {
      problems.push({ severity: 'warning', file, line: 1, column: 1, field: '', code: 'no_notification_channel', message: 'every notification channel is disabled: alerts are kept pending, not sent, until one is enabled' });
    }
    const seen = new Map<string, number>();
    data.webhooks.forEach((w, i) => {
      const pos = at(['webhooks', i, 'id']);
      const first = seen.get(w.id);
      if (first === undefined) seen.set(w.id, pos.line);
      else problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field: formatFieldPath(['webhooks', i, 'id']), code: 'duplicate_webhook_id', message: `duplicate webhook id "${w.id}" (first used at line ${first})` });
    });
    problems.push(...checkAlertReferences(data, chains, file, at));
  }

  // An unset variable leaves an empty string that then fails its own check; report the cause once.
  const unset = new Set(problems.filter((p) => p.code === 'env_var_unset').map((p) => p.field));
  if (unset.size > 0) {
    const kept = problems.filter((p) => p.code === 'env_var_unset' || !unset.has(p.field));
    problems.length = 0;
    problems.push(...kept);
  }
  if (problems.some((p) => p.severity === 'error') || !top.success) {
    return { settings: undefined, chainIds, chainsKnown: true, problems };
  }
  const d = top.data;
  const settings: Settings = Object.freeze({
    chains,
    email: d.email === undefined ? undefined : Object.freeze({ ...d.email, to: Object.freeze([...d.email.to]) as string[] }),
    webhooks: Object.freeze(d.webhooks.map((w) => Object.freeze({ ...w }))),
    api: Object.freeze({ ...d.api }),
    // In a Redis Cluster the prefix becomes a hash tag, so each queue and store lives on one slot.
    redis: Object.freeze({ ...d.redis, prefix: redisTarget === undefined ? d.redis.prefix : effectiveRedisPrefix(d.redis.prefix, redisTarget) }),
    reloadIntervalMs: d.reloadIntervalMs,
    shutdownTimeoutMs: d.shutdownTimeoutMs,
    prices: d.prices,
    tokens: d.tokens,
    alerts: d.alerts,
    ...(d.follow !== undefined ? { follow: Object.freeze({ ...d.follow, minAmount: Object.freeze({ ...d.follow.minAmount }) }) } : {}),
    subscriptions: Object.freeze({ ...d.subscriptions, allowPrivateTargets: Object.freeze([...d.subscriptions.allowPrivateTargets]) as string[] }),
  });
  return { settings, chainIds, chainsKnown: true, problems };
}

/** Documented contract: env REDIS_URL overrides redis.url and PORT overrides api.port. */
function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): Record<string, unknown> {
  const out = { ...raw };
  const redisUrl = env['REDIS_URL'];
  if (redisUrl !== undefined && redisUrl !== '') {
    out['redis'] = { ...asObject(out['redis']), url: redisUrl };
  }
  const port = env['PORT'];
  if (port !== undefined && port !== '') {
    if (/^\d+$/.test(port)) out['api'] = { ...asObject(out['api']), port: Number(port) };
    else problems.push({ severity: 'error', file: '<env>', line: 0, field: 'PORT', code: 'invalid_value', message: 'environment variable PORT must be a TCP port number' });
  }
  return out;
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function guessKind(value: unknown): KnownChain | undefined {
  const kind = (value as { kind?: unknown } | null)?.kind;
  const network = (value as { network?: unknown } | null)?.network;
  if (kind === 'evm' || kind === 'tron') return { kind };
  if (isLedgerKind(kind)) {
    const prefix = (value as { addressPrefix?: unknown } | null)?.addressPrefix;
    return { kind, ...(typeof prefix === 'string' ? { addressPrefix: prefix } : {}) };
  }
  if (isUtxoKind(kind) && (network === 'mainnet' || network === 'testnet' || network === 'signet' || network === 'regtest')) return { kind, network };
  return undefined;
}
