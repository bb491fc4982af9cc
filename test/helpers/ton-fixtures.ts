import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TonReplayBlock } from '../../src/devchain/ledger/ton/start-ton-replay-server.js';

const DIR = join(import.meta.dirname, '../fixtures/ledger/ton');

/** The masterchain block the recorded transaction was committed in (its mc_block_seqno). */
export const TON_RECORDED_SEQNO = 33013054;

export type TonRecordedTx = { hash: string; account: string; mc_block_seqno: number; total_fees: string; description: Record<string, unknown>; in_msg: Record<string, unknown>; out_msgs: Record<string, unknown>[] };

/** The recorded toncenter v3 transaction (see NOTES.md), parsed afresh for each caller. */
export function tonRecordedTransaction(): TonRecordedTx {
  const answer = JSON.parse(readFileSync(join(DIR, 'transactions-axelar-gateway.json'), 'utf8')) as { transactions: TonRecordedTx[] };
  return answer.transactions[0]!;
}

/** The recorded transaction as toncenter writes an aborted one (assembled, NOTES.md). */
export function tonAbortedTransaction(seqno: number): TonRecordedTx {
  const tx = tonRecordedTransaction();
  const hash = createHash('sha256').update(`aborted-${seqno}`).digest('base64');
  return { ...tx, hash, mc_block_seqno: seqno, description: { ...tx.description, aborted: true, compute_ph: { skipped: false, success: false, exit_code: 35 } } };
}

/** An assembled `/api/v3/blocks` masterchain block object (root hash made up from the seqno and a tag). */
export function tonMasterchainBlock(seqno: number, tag = 'main'): Record<string, unknown> {
  return { workchain: -1, shard: '8000000000000000', seqno, root_hash: tonRootHash(seqno, tag), file_hash: tonRootHash(seqno, `file-${tag}`), gen_utime: '1751972976', prev_blocks: [{ workchain: -1, shard: '8000000000000000', seqno: seqno - 1 }] };
}

export function tonRootHash(seqno: number, tag = 'main'): string {
  return createHash('sha256').update(`ton-mc-${tag}-${seqno}`).digest('base64');
}

export function tonReplayBlock(seqno: number, transactions: readonly unknown[]): TonReplayBlock {
  return { block: tonMasterchainBlock(seqno), transactions };
}
