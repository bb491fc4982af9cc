import { readFileSync } from 'node:fs';
import type { WatchlistRef } from '../../../src/core/movement.js';
import type { WatchlistIndex } from '../../../src/core/watchlist.js';

const root = new URL('../../fixtures/evm/', import.meta.url);

/** The `result` of the first request/response pair of an erigontech/rpc-tests fixture. */
export function rpcTestResult(path: string): unknown {
  const pairs = JSON.parse(readFileSync(new URL(`rpc-tests/${path}`, root), 'utf8')) as { response: { result: unknown } }[];
  return pairs[0]!.response.result;
}

export function rpcTestRaw(path: string): string {
  return readFileSync(new URL(`rpc-tests/${path}`, root), 'utf8');
}

export function ethereumjsBlock(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`ethereumjs/${name}`, root), 'utf8'));
}

export const CHAIN = 'ethereum';

export function watchlistOf(...addresses: string[]): WatchlistIndex {
  const map = new Map<string, WatchlistRef[]>(
    addresses.map((a) => [a.toLowerCase(), [{ address: a, label: `label ${a.slice(0, 8)}`, incident: 'test-hack', source: 'https://example.org/a', tags: [] }]]),
  );
  return { version: 'v', lookup: (chain, key) => (chain === CHAIN ? map.get(key) : undefined), keysFor: () => new Set(map.keys()), size: map.size };
}
