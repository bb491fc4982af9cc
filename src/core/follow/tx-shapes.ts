import type { TxShape } from './plan-derived-entries.js';

/**
 * Positions of a block's transactions (and their input/output counts on UTXO chains),
 * for the follow stage: same-block hops and peel chains. Transaction hashes compare lowercase.
 */
export function txShapes(txs: readonly { readonly hash: string; readonly inputs?: number; readonly outputs?: number }[]): (txHash: string) => TxShape | undefined {
  let byHash: Map<string, TxShape> | undefined;
  return (txHash) => {
    byHash ??= new Map(txs.map((t, position) => [t.hash.toLowerCase(), { position, ...(t.inputs !== undefined ? { inputs: t.inputs } : {}), ...(t.outputs !== undefined ? { outputs: t.outputs } : {}) }] as const));
    return byHash.get(txHash.toLowerCase());
  };
}
