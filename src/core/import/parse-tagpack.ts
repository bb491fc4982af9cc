import type { LabelCategory } from '../labels/address-label.js';

/**
 * GraphSense TagPacks (https://github.com/graphsense/graphsense-tagpacks): a YAML
 * header (`title`, `creator`, `description`, `lastmod`, `source`, `currency` or
 * `network`, `category`, `label`, `confidence`, `is_public`, `actor`...) and a `tags:`
 * list whose items inherit every header field they do not set themselves. Pure:
 * takes the parsed YAML, returns the tags it can turn into address labels and says
 * why each other tag was left out.
 */
export interface TagPackHeader {
  readonly title: string;
  readonly creator: string | undefined;
  readonly lastmod: string | undefined;
  readonly isPublic: boolean | undefined;
}

export interface TagPackLabel {
  /** 0-based position in `tags:`. */
  readonly index: number;
  readonly chain: string;
  readonly address: string;
  readonly label: string;
  readonly category: LabelCategory;
  readonly source: string;
  /** The GraphSense category (or concept) it was mapped from. */
  readonly graphsenseCategory: string;
}

export interface SkippedTag {
  readonly index: number;
  readonly address: string;
  readonly reason: string;
  /** Set when the reason is a GraphSense category chainwatch has no mapping for. */
  readonly unknownCategory?: string;
}

export interface ParsedTagPack {
  readonly header: TagPackHeader;
  readonly labels: readonly TagPackLabel[];
  readonly skipped: readonly SkippedTag[];
}

/**
 * GraphSense (INTERPOL Dark Web and Virtual Assets taxonomy) categories to ours.
 * Services where followed funds stop; `service` for the ones with no category of
 * their own (wallet providers, payment processors, lending pools, casinos...).
 */
export const GRAPHSENSE_CATEGORY_MAP: Readonly<Record<string, LabelCategory>> = {
  exchange: 'exchange',
  mixing_service: 'mixer',
  coinjoin: 'mixer',
  defi_dex: 'dex-router',
  dex: 'dex-router',
  defi_bridge: 'bridge',
  bridge: 'bridge',
  defi: 'service',
  defi_lending: 'service',
  wallet_service: 'service',
  payment_processor: 'service',
  gambling: 'service',
  miner: 'service',
  mining_service: 'service',
  atm: 'service',
  service: 'service',
};

/**
 * Categories that name a person or a wrongdoer, never a counterparty service:
 * reported as such (they belong on a watchlist), not as unknown.
 */
const NOT_A_SERVICE = new Set(['user', 'perpetrator', 'hacker', 'scam', 'ransomware', 'black_list', 'sanction', 'terrorism', 'darknet_crime', 'phishing', 'ponzi_scheme']);

/** TagPack `currency` / `network` codes to chainwatch chain ids (tokens on a network take the network). */
export const TAGPACK_NETWORK_MAP: Readonly<Record<string, string>> = {
  BTC: 'bitcoin',
  ETH: 'ethereum',
  LTC: 'litecoin',
  BCH: 'bitcoin-cash',
  BSV: 'bitcoin-sv',
  DOGE: 'dogecoin',
  TRX: 'tron',
  ETC: 'ethereum-classic',
  BSC: 'bsc',
  BNB: 'bsc',
  POLYGON: 'polygon',
  MATIC: 'polygon',
  ARB: 'arbitrum',
  ARBITRUM: 'arbitrum',
  OPTIMISM: 'optimism',
  AVAX: 'avalanche',
  FTM: 'fantom',
  BASE: 'base',
};

export function parseTagPack(doc: unknown): ParsedTagPack {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a TagPack: the file must be a YAML mapping with a header and a tags: list');
  const { tags, ...header } = doc as Record<string, unknown>;
  if (!Array.isArray(tags)) throw new Error('not a TagPack: no tags: list');
  const title = text(header['title']);
  if (title === undefined) throw new Error('not a TagPack: the header has no title');
  const labels: TagPackLabel[] = [];
  const skipped: SkippedTag[] = [];
  tags.forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      skipped.push({ index, address: '', reason: 'not a mapping' });
      return;
    }
    // Tags inherit every header field they do not set.
    const tag = { ...header, ...(raw as Record<string, unknown>) };
    const address = text(tag['address']) ?? '';
    if (address === '') {
      skipped.push({ index, address, reason: 'no address' });
      return;
    }
    const network = (text(tag['network']) ?? text(tag['currency']))?.toUpperCase();
    if (network === undefined) {
      skipped.push({ index, address, reason: 'no currency or network' });
      return;
    }
    const chain = TAGPACK_NETWORK_MAP[network];
    if (chain === undefined) {
      skipped.push({ index, address, reason: `currency/network ${network} is not a chain chainwatch knows` });
      return;
    }
    const candidates = [text(tag['category']), ...(Array.isArray(tag['concepts']) ? tag['concepts'].map(text) : [])].filter((c): c is string => c !== undefined);
    if (candidates.length === 0) {
      skipped.push({ index, address, reason: 'no category or concepts' });
      return;
    }
    const graphsenseCategory = candidates.find((c) => GRAPHSENSE_CATEGORY_MAP[c] !== undefined);
    if (graphsenseCategory === undefined) {
      const first = candidates[0]!;
      if (candidates.every((c) => NOT_A_SERVICE.has(c))) skipped.push({ index, address, reason: `category ${first} names a person or wrongdoer, not a service (put it on a watchlist)` });
      else skipped.push({ index, address, reason: `unknown category ${first}`, unknownCategory: candidates.find((c) => !NOT_A_SERVICE.has(c)) ?? first });
      return;
    }
    const source = text(tag['source']);
    if (source === undefined || !/^https?:\/\/\S+$/.test(source) || !URL.canParse(source)) {
      skipped.push({ index, address, reason: 'no http(s) source URL' });
      return;
    }
    const label = text(tag['label']) ?? title;
    labels.push({ index, chain, address, label, category: GRAPHSENSE_CATEGORY_MAP[graphsenseCategory]!, source, graphsenseCategory });
  });
  return {
    header: { title, creator: text(header['creator']), lastmod: dateText(header['lastmod']), isPublic: bool(header['is_public']) },
    labels,
    skipped,
  };
}

/** Trimmed non-empty text; YAML may hand over numbers (an unquoted address) or dates. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return undefined;
}

function dateText(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return text(v);
}
