import { RetryableError } from '../../../core/errors.js';
import type { LedgerBlock } from '../../../core/ledger/ledger-block.js';
import { normalizeSolanaBlock, skippedSolanaBlock } from '../../../core/ledger/solana/normalize-solana-block.js';
import { SOLANA_SLOT_SKIPPED_CODES } from '../../../core/ledger/solana/solana-block-data.js';
import type { BlockHeader } from '../../../core/ports.js';
import type { LedgerHttpClient } from '../../ledger/ledger-http-client.js';
import type { LedgerSource, LedgerSourceFactory } from '../../ledger/ledger-source.js';

/** How far back a skipped slot at the start of a batch looks for the last real block (getBlocks takes up to 500,000). */
const SKIP_LOOKBACK_SLOTS = 2_000;

type SlotAnswer = { readonly skipped: true } | { readonly skipped: false; readonly block: unknown };

/**
 * Solana over its JSON-RPC API (any RPC node or provider): `getSlot` and
 * `getBlock` with commitment `finalized`, `getBlocks` only to find the last
 * real block before a run of skipped slots. Blocks are asked in `base64`
 * encoding (the smallest answer; chainwatch reads the signature and account
 * keys from the wire bytes and everything else from the status meta).
 * Numbers are slots; a skipped slot (-32007/-32009) becomes an empty block that
 * carries the previous blockhash through (see skippedSolanaBlock).
 */
export function createSolanaSource(http: LedgerHttpClient, chainId: string): LedgerSource {
  let rpcId = 0;
  let skippedTransactions = 0;
  let skippedSlots = 0;

  async function call(method: string, params: unknown): Promise<{ result?: unknown; error?: { code?: unknown; message?: unknown } }> {
    const answer = (await http.post('', { jsonrpc: '2.0', id: ++rpcId, method, params })) as { result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw new RetryableError('RPC_BAD_RESPONSE', `${method} on chain ${chainId} answered no JSON-RPC object`);
    return answer;
  }

  async function result(method: string, params: unknown): Promise<unknown> {
    const answer = await call(method, params);
    if (answer.error !== undefined && answer.error !== null) throw rpcError(method, answer.error);
    return answer.result;
  }

  function rpcError(method: string, error: { code?: unknown; message?: unknown }): RetryableError {
    const text = typeof error.message === 'string' ? error.message.slice(0, 200) : `code ${String(error.code)}`;
    return new RetryableError('RPC_CALL_FAILED', `${method} on chain ${chainId} failed: ${text}`);
  }

  async function fetchSlot(slot: number, details: 'full' | 'none'): Promise<SlotAnswer> {
    const answer = await call('getBlock', [slot, { encoding: 'base64', transactionDetails: details, maxSupportedTransactionVersion: 0, rewards: false, commitment: 'finalized' }]);
    if (answer.error !== undefined && answer.error !== null) {
      if (typeof answer.error.code === 'number' && SOLANA_SLOT_SKIPPED_CODES.has(answer.error.code)) return { skipped: true };
      // -32004 (block not available yet), -32001 (cleaned up), -32015 (a newer transaction version): never skipped, retried and reported.
      throw rpcError('getBlock', answer.error);
    }
    if (answer.result === null || answer.result === undefined) throw new RetryableError('RPC_BAD_RESPONSE', `getBlock on chain ${chainId} answered no block for slot ${slot}`);
    return { skipped: false, block: answer.result };
  }

  /** The blockhash of the last real block before `slot` (a skipped run starts the batch). */
  async function lastBlockhashBefore(slot: number): Promise<string> {
    const slots = await result('getBlocks', [Math.max(0, slot - SKIP_LOOKBACK_SLOTS), slot - 1, { commitment: 'finalized' }]);
    const last = Array.isArray(slots) ? slots.filter((s): s is number => typeof s === 'number' && s < slot).at(-1) : undefined;
    if (last === undefined) throw new RetryableError('RPC_BAD_RESPONSE', `getBlocks on chain ${chainId} names no block in the ${SKIP_LOOKBACK_SLOTS} slots before skipped slot ${slot}`);
    const answer = await fetchSlot(last, 'none');
    if (answer.skipped) throw new RetryableError('RPC_BAD_RESPONSE', `chain ${chainId}: getBlocks names slot ${last} but getBlock says it was skipped`);
    return normalizeSolanaBlock(last, { ...(answer.block as object), transactions: [] }).block.header.hash;
  }

  async function fetchNormalized(numbers: readonly number[], details: 'full' | 'none'): Promise<LedgerBlock[]> {
    const answers = await Promise.all(numbers.map((n) => fetchSlot(n, details)));
    const blocks: LedgerBlock[] = [];
    let previousHash: string | undefined;
    for (let i = 0; i < numbers.length; i++) {
      const slot = numbers[i]!;
      const answer = answers[i]!;
      if (answer.skipped) {
        // Consecutive numbers carry the last real hash; otherwise look it up.
        previousHash = i > 0 && numbers[i - 1] === slot - 1 && previousHash !== undefined ? previousHash : await lastBlockhashBefore(slot);
        skippedSlots++;
        blocks.push(skippedSolanaBlock(slot, previousHash));
        continue;
      }
      const raw = details === 'none' ? { ...(answer.block as object), transactions: [] } : answer.block;
      const { block, skipped } = normalizeSolanaBlock(slot, raw);
      skippedTransactions += skipped.length;
      previousHash = block.header.hash;
      blocks.push(block);
    }
    return blocks;
  }

  return {
    async fetchHeadNumber() {
      const slot = await result('getSlot', [{ commitment: 'finalized' }]);
      if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0) throw new RetryableError('RPC_BAD_RESPONSE', `getSlot on chain ${chainId} answered no slot number`);
      return slot;
    },
    fetchBlocks: (numbers) => fetchNormalized(numbers, 'full'),
    async fetchHeaders(numbers): Promise<readonly BlockHeader[]> {
      return (await fetchNormalized(numbers, 'none')).map((b) => b.header);
    },
    describe: () => ({ commitment: 'finalized', encoding: 'base64', numbers: 'slots (skipped slots pass the previous blockhash through)', skippedSlots, unreadableTransactionsSkipped: skippedTransactions, host: http.currentHost() }),
  };
}

export const SOLANA_SOURCE: LedgerSourceFactory = {
  create: ({ chain, http }) => createSolanaSource(http, chain.id),
};
