import { knownChainOf } from '../config/load-settings.js';
import type { Settings } from '../config/schema.js';
import { checkPriceRound } from '../core/enrich/check-price-round.js';
import { enrichMovement, priceSymbolOf, type PriceQuote } from '../core/enrich/enrich-movement.js';
import { parseDecimal } from '../core/enrich/decimal.js';
import { buildTokenIndex, type TokenIndex } from '../core/enrich/token-index.js';
import type { SeverityRule } from '../core/enrich/alert-match.js';
import type { Movement } from '../core/movement.js';
import type { LabelBook } from '../core/labels/address-label.js';
import { labelMatchKey, type ChainAddressFormat } from '../core/labels/label-match-key.js';
import type { MatchKeyOf } from '../core/enrich/find-counterparty.js';
import { createEvmRpcClient } from '../adapters/evm-rpc/create-evm-rpc-client.js';
import { createChainlinkReader, type ChainlinkReading, type EthCall } from '../adapters/prices/read-chainlink-feed.js';
import type { Logger } from './logger.js';
import { priceUnavailableCounter, type Metrics } from './metrics-alerts.js';

/**
 * The enrich stage as the pollers run it: before a step's movements are
 * queued, each gets severity, USD value, known/spoofed flags (core/enrich).
 * Prices are read once per step for the symbols the step needs (reset() at
 * the start of each step), so a burst of 50 legs costs one feed read.
 */
export interface MovementEnricher {
  /** Forget the step's prices: the next enrich() reads them again. */
  reset(): void;
  enrich(movements: readonly Movement[]): Promise<readonly Movement[]>;
}

export interface MovementEnricherOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Seconds since the epoch (staleness); tests inject it. */
  readonly nowSeconds?: () => number;
  /** eth_call per chain id; default: a JSON-RPC client on the chain's rpcUrls. */
  readonly ethCallFor?: (chainId: string) => EthCall | undefined;
  /** The address labels in force (hot-reloaded): a labelled other side becomes `counterparty`. */
  readonly labels?: () => LabelBook;
}

export function createMovementEnricher(options: MovementEnricherOptions): MovementEnricher {
  const { settings, logger } = options;
  const prices = settings.prices ?? {};
  const tokens: TokenIndex = buildTokenIndex(Object.entries(settings.tokens ?? {}).flatMap(([chain, list]) => list.map((t) => ({ ...t, chain }))));
  const rules = (settings.alerts?.rules ?? []) as readonly SeverityRule[];
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const unavailable = priceUnavailableCounter(options.metrics);
  const readers = new Map<string, ((feed: string) => Promise<ChainlinkReading>) | undefined>();
  const readerFor = (chainId: string): ((feed: string) => Promise<ChainlinkReading>) | undefined => {
    if (!readers.has(chainId)) {
      const call = (options.ethCallFor ?? defaultEthCall(settings))(chainId);
      readers.set(chainId, call === undefined ? undefined : createChainlinkReader(call));
    }
    return readers.get(chainId);
  };
  let step = new Map<string, Promise<PriceQuote | null>>();
  const matchKeyOf = chainMatchKeyOf(settings);

  const fetchPrice = async (symbol: string): Promise<PriceQuote | null> => {
    const config = prices[symbol];
    if (config === undefined) return null;
    if (config.usd !== undefined) {
      const { units, scale } = parseDecimal(config.usd);
      return { answer: units, decimals: scale };
    }
    if (config.chainlinkFeed === undefined || config.chain === undefined) return null;
    const read = readerFor(config.chain);
    if (read === undefined) return null;
    try {
      const reading = await read(config.chainlinkFeed);
      const checked = checkPriceRound(reading.round, reading.decimals, nowSeconds(), config.heartbeatSeconds);
      if (checked.ok) return checked.quote;
      unavailable.inc({ symbol, reason: checked.reason });
      logger.warn({ symbol, feed: config.chainlinkFeed, reason: checked.reason, updated_at: reading.round.updatedAt, heartbeat_seconds: config.heartbeatSeconds }, 'price feed answer not used: USD values stay unknown');
      return null;
    } catch (err) {
      unavailable.inc({ symbol, reason: 'read_failed' });
      logger.warn({ symbol, feed: config.chainlinkFeed, err }, 'price feed read failed: USD values stay unknown');
      return null;
    }
  };

  return {
    reset() {
      step = new Map();
    },
    async enrich(movements) {
      if (movements.length === 0) return movements;
      const symbols = new Set(movements.map((m) => priceSymbolOf(m, tokens)).filter((s): s is string => s !== null));
      for (const s of symbols) if (!step.has(s)) step.set(s, fetchPrice(s));
      const quotes = new Map<string, PriceQuote | null>();
      for (const s of symbols) quotes.set(s, await step.get(s)!);
      const book = options.labels?.();
      const labels = book === undefined ? undefined : { book, matchKeyOf };
      return movements.map((m) => enrichMovement(m, { tokens, prices: quotes, rules, labels }));
    },
  };
}

/** Match keys of the configured chains' addresses, for label lookups. */
function chainMatchKeyOf(settings: Settings): MatchKeyOf {
  const formats = new Map<string, ChainAddressFormat>();
  for (const [id, c] of settings.chains) formats.set(id, knownChainOf(c));
  return (chain, address) => {
    const format = formats.get(chain);
    return format === undefined ? undefined : labelMatchKey(format, address);
  };
}

function defaultEthCall(settings: Settings): (chainId: string) => EthCall | undefined {
  return (chainId) => {
    const chain = settings.chains.get(chainId);
    if (chain === undefined || chain.kind !== 'evm') return undefined;
    const client = createEvmRpcClient({ chain: chain.id, urls: chain.rpcUrls, timeoutMs: chain.rpcTimeoutMs, maxAttempts: 2 });
    return async (to, data) => {
      const result = await client.call('eth_call', [{ to, data }, 'latest']);
      if (typeof result !== 'string') throw new Error('eth_call returned a non-string result');
      return result;
    };
  };
}

/**
 * A poller's beforeStep with the enricher's per-step price cache reset first, so each step reads
 * its prices once; undefined when there is neither (ChainFollower then runs no hook).
 */
export function beforeStepWithEnricher(enricher: MovementEnricher | undefined, beforeStep: (() => Promise<unknown>) | undefined): { beforeStep?: () => Promise<unknown> } {
  if (enricher === undefined && beforeStep === undefined) return {};
  return {
    beforeStep: () => {
      enricher?.reset();
      return beforeStep?.() ?? Promise.resolve();
    },
  };
}
