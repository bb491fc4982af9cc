/**
 * Recorded CometBFT answers (test/fixtures/ledger/cosmos/NOTES.md). Whole heights, `/block` and
 * `/block_results` of the same block as the node answered them, for crypto.org mainnet 643189,
 * Cosmos Hub 9399574, Croeseid testnet 113382 (authz) and 492759 (a failed tx). The one plain-attribute
 * (CometBFT 1.0) recording is a `/block_results` alone (Injective 137512194): its `/block` is assembled
 * around it, in the recorded crypto.org block's shape.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'ledger', 'cosmos');
const read = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

/** A recorded height: the `result` of `/block` and of `/block_results`, and the chain's coin. */
export interface RecordedCosmosHeight {
  readonly height: number;
  readonly block: Record<string, unknown>;
  readonly results: Record<string, unknown>;
}

export const CRYPTO_ORG = { name: 'crypto-org-643189', height: 643189, prefix: 'cro', options: { nativeDenom: 'basecro', nativeSymbol: 'CRO', nativeDecimals: 8 } } as const;
export const COSMOS_HUB = { name: 'cosmoshub-9399574', height: 9399574, prefix: 'cosmos', options: { nativeDenom: 'uatom', nativeSymbol: 'ATOM', nativeDecimals: 6 } } as const;
export const CROESEID_AUTHZ = { name: 'croeseid4-113382', height: 113382, prefix: 'tcro', options: { nativeDenom: 'basetcro', nativeSymbol: 'TCRO', nativeDecimals: 8 } } as const;
export const CROESEID_FAILED = { name: 'croeseid1-492759', height: 492759, prefix: 'tcro', options: { nativeDenom: 'basetcro', nativeSymbol: 'TCRO', nativeDecimals: 8 } } as const;

/** A fresh copy of a recorded height (tests may edit it). */
export function recordedHeight(fixture: { readonly name: string; readonly height: number }): RecordedCosmosHeight {
  const result = (name: string) => (read(name) as { result: Record<string, unknown> }).result;
  return { height: fixture.height, block: result(`${fixture.name}-block.json`), results: result(`${fixture.name}-block-results.json`) };
}

/** The recorded raw txs (base64) of a `/block` result. */
export function recordedTxs(block: Record<string, unknown>): string[] {
  return (block as { block: { data: { txs: string[] } } }).block.data.txs;
}

/**
 * CometBFT's `data_hash`: the RFC 6962 Merkle root of the txs' SHA-256 hashes (leaf
 * 0x00 || hash, inner 0x01 || left || right, split at the largest power of two below n).
 * Recomputing it shows a recorded `/block` holds the very txs its header commits to.
 */
export function cometDataHash(base64Txs: readonly string[]): string {
  const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const root = (items: readonly Buffer[]): Buffer => {
    if (items.length === 0) return sha();
    if (items.length === 1) return sha(Buffer.from([0]), items[0]!);
    let split = 1;
    while (split * 2 < items.length) split *= 2;
    return sha(Buffer.from([1]), root(items.slice(0, split)), root(items.slice(split)));
  };
  return root(base64Txs.map((tx) => sha(Buffer.from(tx, 'base64')))).toString('hex').toUpperCase();
}

/** Plain attributes (CometBFT 1.0, `fee_payer`): authz MsgExec, an undelegation paying out rewards. Results only. */
export const PLAIN_HEIGHT = 137512194;

export function plainResults(): Record<string, unknown> {
  return read('injective-block-results-137512194.json') as Record<string, unknown>;
}

export function assembledBlockId(height: number): string {
  return createHash('sha256').update(`assembled-block-${height}`).digest('hex').toUpperCase();
}

export function assembledTxs(height: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`assembled-tx:${height}:${i}`).toString('base64'));
}

/**
 * An assembled `/block` result: the recorded crypto.org block's shape with `height`, made-up
 * ids (SHA-256 of `assembled-block-<height>`) and `txCount` placeholder txs. Used where no
 * `/block` was recorded: around the plain-attribute results, and as the empty block after the
 * recorded one in the end-to-end test.
 */
export function assembledBlock(height: number, txCount: number, parentId = assembledBlockId(height - 1)): Record<string, unknown> {
  const template = recordedHeight(CRYPTO_ORG).block as { block: { header: Record<string, unknown> } & Record<string, unknown>; block_id: Record<string, unknown> };
  const txs = assembledTxs(height, txCount);
  return {
    block_id: { ...template.block_id, hash: assembledBlockId(height) },
    block: {
      ...template.block,
      header: { ...template.block.header, chain_id: 'assembled', height: String(height), data_hash: cometDataHash(txs), last_block_id: { hash: parentId, parts: { total: 1, hash: assembledBlockId(-height) } } },
      data: { txs },
    },
  };
}

/** `/block_results` of an assembled block with no transactions. */
export function assembledEmptyResults(height: number): Record<string, unknown> {
  return { height: String(height), txs_results: null, begin_block_events: null, end_block_events: null, validator_updates: null, consensus_param_updates: null };
}
