/**
 * Recorded CometBFT `/block_results` of Injective mainnet (test/fixtures/ledger/cosmos/NOTES.md)
 * and the `/block` answers assembled around them: the header shape is the recorded gaia block
 * 10 of tendermint-rs, with the height, chained block ids and one placeholder tx per recorded
 * result filled in (the recorded sources keep no raw tx bytes for these heights).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'ledger', 'cosmos');
const read = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

/** Base64 attributes (CometBFT 0.34, Cosmos SDK 0.45): 4 txs, fees, a delegation. */
export const BASE64_HEIGHT = 4555980;
/** Plain attributes (CometBFT 1.0, `finalize_block_events`): authz MsgExec, an undelegation paying out rewards. */
export const PLAIN_HEIGHT = 137512194;

export function recordedResults(height: number): Record<string, unknown> {
  if (height === BASE64_HEIGHT) return (read('injective-block-results-4555980.json') as { result: Record<string, unknown> }).result;
  if (height === PLAIN_HEIGHT) return read('injective-block-results-137512194.json') as Record<string, unknown>;
  throw new Error(`no recorded results at ${height}`);
}

export function assembledBlockId(height: number): string {
  return createHash('sha256').update(`assembled-block-${height}`).digest('hex').toUpperCase();
}

export function assembledTxs(height: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`assembled-tx:${height}:${i}`).toString('base64'));
}

/** A `/block` result for `height` with `txCount` placeholder txs, its parent the assembled block below. */
export function assembledBlock(height: number, txCount: number): Record<string, unknown> {
  const template = (read('gaia-block-10.json') as { result: { block: { header: Record<string, unknown> } & Record<string, unknown>; block_id: Record<string, unknown> } }).result;
  return {
    block_id: { ...template.block_id, hash: assembledBlockId(height) },
    block: {
      ...template.block,
      header: { ...template.block.header, chain_id: 'injective-1', height: String(height), last_block_id: { hash: assembledBlockId(height - 1), parts: { total: 1, hash: assembledBlockId(-height) } } },
      data: { txs: assembledTxs(height, txCount) },
    },
  };
}
