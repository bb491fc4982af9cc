import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseUniswapTokenList } from '../core/import/parse-uniswap-token-list.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface TokenListImport {
  readonly listName: string | undefined;
  readonly added: number;
  readonly alreadyListed: number;
  readonly invalid: readonly { readonly index: number; readonly reason: string }[];
}

/**
 * Adds the tokens of one chain from a Uniswap token-list JSON file to
 * `tokens.<chain>` in chainwatch.yaml, keeping its comments and layout;
 * addresses already listed are left as they are (the operator's symbol wins).
 */
export async function importTokenListFile(options: { inputFile: string; configDir: string; chain: string; eip155ChainId: number }): Promise<TokenListImport> {
  const list = parseUniswapTokenList(JSON.parse(await readFile(options.inputFile, 'utf8')) as unknown, options.chain, options.eip155ChainId);
  const file = path.join(options.configDir, 'chainwatch.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  if (doc.errors.length > 0) throw new Error(`${file} has YAML errors; run chainwatch validate`);
  if (!doc.has('tokens') || !isMap(doc.get('tokens'))) doc.set('tokens', doc.createNode({}));
  const tokens = doc.get('tokens') as YAMLMap;
  if (!tokens.has(options.chain) || !isSeq(tokens.get(options.chain))) tokens.set(options.chain, doc.createNode([]));
  const seq = tokens.get(options.chain) as YAMLSeq;
  const addressOf = (item: unknown): string => {
    const value: unknown = isMap(item) ? item.get('address') : undefined;
    return typeof value === 'string' ? value.toLowerCase() : '';
  };
  const present = new Set(seq.items.map(addressOf));
  let added = 0;
  let alreadyListed = 0;
  for (const t of list.tokens) {
    if (present.has(t.address.toLowerCase())) {
      alreadyListed++;
      continue;
    }
    const node = doc.createNode({ address: t.address, symbol: t.symbol, decimals: t.decimals, ...(t.name !== undefined ? { name: t.name } : {}) }) as YAMLMap;
    node.flow = true;
    seq.items.push(node);
    present.add(t.address.toLowerCase());
    added++;
  }
  if (added > 0) await writeFileAtomic(file, doc.toString({ lineWidth: 0 }));
  return { listName: list.name, added, alreadyListed, invalid: list.invalid };
}
