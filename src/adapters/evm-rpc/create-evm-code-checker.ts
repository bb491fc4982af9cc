import { createEvmRpcClient, type EvmRpcClient } from './create-evm-rpc-client.js';

/**
 * Which addresses hold contract code (eth_getCode ≠ 0x): following stops at an
 * unlabelled contract (a router, a pool, a multisig we cannot reason about).
 * One batched call per round for the addresses not yet known; answers are
 * cached (code rarely appears or goes once an address has been paid), bounded.
 */
export interface EvmCodeChecker {
  contractsAmong(matchKeys: readonly string[]): Promise<ReadonlySet<string>>;
}

const MAX_CACHED = 200_000;

export function createEvmCodeChecker(options: { readonly chain: string; readonly client?: EvmRpcClient; readonly rpcUrls?: readonly string[]; readonly timeoutMs?: number }): EvmCodeChecker {
  const client = options.client ?? createEvmRpcClient({ chain: options.chain, urls: options.rpcUrls ?? [], timeoutMs: options.timeoutMs ?? 10_000, maxAttempts: 3 });
  const cache = new Map<string, boolean>();
  return {
    async contractsAmong(matchKeys) {
      const unknown = [...new Set(matchKeys)].filter((key) => !cache.has(key));
      if (unknown.length > 0) {
        const outcomes = await client.batch(unknown.map((key) => ({ method: 'eth_getCode', params: [key, 'latest'] })));
        if (cache.size + unknown.length > MAX_CACHED) cache.clear();
        unknown.forEach((key, i) => {
          const o = outcomes[i];
          // A node that cannot answer for one address: not cached, treated as no contract this time (following is the safer error).
          if (o?.ok === true && typeof o.result === 'string') cache.set(key, o.result !== '0x' && o.result !== '0x0' && o.result !== '');
        });
      }
      return new Set(matchKeys.filter((key) => cache.get(key) === true));
    },
  };
}
