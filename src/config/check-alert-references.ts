import type { ConfigProblem } from './config-error.js';
import { formatFieldPath, type YamlPosition } from './locate-yaml-node.js';
import type { ChainConfig } from './schema.js';

/**
 * Cross-checks of issue #8 keys against `chains`: a price feed is read through
 * a configured EVM chain, listed tokens belong to a configured EVM chain.
 */
export function checkAlertReferences(
  data: { readonly prices: Readonly<Record<string, { readonly chain?: string | undefined; readonly chainlinkFeed?: string | undefined }>>; readonly tokens: Readonly<Record<string, unknown>> },
  chains: ReadonlyMap<string, ChainConfig>,
  file: string,
  at: (path: readonly (string | number)[]) => YamlPosition,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [symbol, price] of Object.entries(data.prices)) {
    if (price.chainlinkFeed === undefined || price.chain === undefined) continue;
    const chain = chains.get(price.chain);
    if (chain === undefined || chain.kind !== 'evm') {
      const path = ['prices', symbol, 'chain'];
      const pos = at(path);
      problems.push({ severity: 'error', file, line: pos.line, column: pos.column, field: formatFieldPath(path), code: 'unknown_chain', message: `"${price.chain}" is not an evm chain in chains: the feed is read through that chain's RPC` });
    }
  }
  for (const chainId of Object.keys(data.tokens)) {
    const chain = chains.get(chainId);
    if (chain === undefined || (chain.kind !== 'evm' && chain.kind !== 'tron')) {
      const path = ['tokens', chainId];
      const pos = at(path);
      problems.push({ severity: 'warning', file, line: pos.line, column: pos.column, field: formatFieldPath(path), code: 'unknown_chain', message: `"${chainId}" is not an evm or tron chain in chains: these tokens are never seen` });
    }
  }
  return problems;
}
