/**
 * Solana end to end as an operator runs it: config files (base58 addresses) -> the ledger
 * poller over the JSON-RPC of a replay node (sava's recorded mainnet block, a skipped slot,
 * then an assembled block of recorded transactions; test/fixtures/ledger/solana/NOTES.md) ->
 * real Redis queue -> alerter -> real SMTP server and signed webhook receiver. The node fails
 * like real ones do; nothing is skipped, nothing is alerted twice, and one unreadable
 * transaction costs only itself.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSolanaBlock } from '../../src/core/ledger/solana/normalize-solana-block.js';
import type { LedgerTransaction } from '../../src/core/ledger/ledger-block.js';
import { startSolanaReplayServer, type SolanaReplayServer, type SolanaReplaySlot } from '../../src/devchain/ledger/solana/start-solana-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';
const SLOT = 361774429;
const ASSEMBLED_HASH = 'AsSemb1edB1ockHash1111111111111111111111111';

type RawBlock = { blockhash: string; previousBlockhash: string; parentSlot: number; blockTime: number; blockHeight: number; transactions: { transaction: [string, string]; meta: unknown }[] };
const recorded = (JSON.parse(readFileSync(new URL('../fixtures/ledger/solana/block-361774429-trimmed.json', import.meta.url), 'utf8')) as { result: RawBlock }).result;
// What the recorded block says happened, read independently of the poller (normalised here, then matched by the running service).
const truth = normalizeSolanaBlock(SLOT, recorded).block.transactions;
const solTx = truth[2]!;
const tokenTx = truth[3]!;
const failedTx = truth[1]!;
const laterTx = truth[6]!;
const tokenLeg = tokenTx.transfers.find((t) => t.kind === 'token')!;

let node: SolanaReplayServer;
let pipeline: LedgerPipeline;

// Alerts are looked up by the transaction as normalised above.
const hooksFor = (tx: LedgerTransaction) => pipeline.hooksFor(tx.hash);
const emailsFor = (tx: LedgerTransaction) => pipeline.emailsFor(tx.hash);

beforeAll(async () => {
  const assembled: RawBlock = {
    ...recorded,
    blockhash: ASSEMBLED_HASH,
    previousBlockhash: recorded.blockhash,
    parentSlot: SLOT,
    blockHeight: recorded.blockHeight + 1,
    // A recorded transaction, and one cut short (hostile data): only the second may be lost.
    transactions: [{ ...recorded.transactions[0]!, transaction: [recorded.transactions[0]!.transaction[0].slice(0, 60), 'base64'] }, recorded.transactions[6]!],
  };
  node = await startSolanaReplayServer({
    slots: new Map<number, SolanaReplaySlot>([
      [SLOT, { block: { ...recorded, transactions: recorded.transactions.slice(0, 6) } }],
      [SLOT + 1, 'skipped'],
      [SLOT + 2, { block: assembled }],
    ]),
    head: SLOT + 2,
  });
  node.failNext('http503', 1, 'getBlock');
  node.failNext('garbage', 1, 'getBlock');
  node.failNext('reset', 1, 'getSlot');

  const entry = (address: string, label: string) => ({ chain: 'solana', address, label, incident: 'test-heist-2026', source: SOURCE });
  pipeline = await startLedgerPipeline({
    name: 'solana',
    chainId: 'solana',
    chain: { kind: 'solana', apiUrl: node.url, pollIntervalMs: 100, startBlock: SLOT },
    entries: [
      entry(solTx.transfers[0]!.to.display, 'SOL cash-out wallet'),
      entry(tokenLeg.to.display, 'token collector wallet'),
      entry(failedTx.signer!.display, 'failing bot'),
      entry(laterTx.signer!.display, 'later payer'),
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Solana end to end', () => {
  it('alerts SOL, SPL-token and failed-transaction activity of watched wallets, across a skipped slot, exactly once', async () => {
    await waitFor(() => hooksFor(solTx).length >= 1 && hooksFor(tokenTx).length >= 1 && hooksFor(failedTx).length >= 1 && emailsFor(solTx).length >= 1, { what: 'recorded block alerts', timeoutMs: 60_000 });
    const [solHook] = hooksFor(solTx);
    expect(solHook!.signatureValid).toBe(true);
    expect(solHook!.body.data).toMatchObject({
      chain: 'solana',
      kind: 'native',
      direction: 'in',
      blockNumber: SLOT,
      blockHash: '8qSPsbs79i4UvK7dqxHYSPBX1u1BU4pTEewnsrQnogQw',
      from: solTx.signer!.display,
      to: solTx.transfers[0]!.to.display,
      amount: solTx.transfers[0]!.amount.toString(),
      asset: { contract: null, symbol: 'SOL', decimals: 9 },
    });
    expect(emailsFor(solTx)[0]).toContain(`https://solscan.io/tx/${solTx.hash}`);
    expect(hooksFor(tokenTx).map((h) => h.body.data)).toContainEqual(expect.objectContaining({ kind: 'token', direction: 'in', to: tokenLeg.to.display, amount: tokenLeg.amount.toString(), asset: expect.objectContaining({ contract: tokenLeg.asset.contract }) }));
    expect(hooksFor(failedTx).map((h) => h.body.data['kind'])).toEqual(['activity']);

    // The skipped slot passed the recorded blockhash through; the assembled block linked to it.
    await waitFor(() => hooksFor(laterTx).length >= 1, { what: 'alert from the block after the skipped slot', timeoutMs: 60_000 });
    expect(hooksFor(laterTx)[0]!.body.data).toMatchObject({ blockNumber: SLOT + 2, blockHash: ASSEMBLED_HASH, direction: 'out', from: laterTx.signer!.display });
    // Exactly once per leg despite the 503, the garbage answer and the dropped connection.
    expect(hooksFor(solTx)).toHaveLength(1);
    expect(hooksFor(laterTx)).toHaveLength(laterTx.transfers.length);
    expect(node.slotsRequested.has(SLOT + 2)).toBe(true);
    expect(pipeline.logLines.join('')).toContain('Solana API request failed; retrying');
  });
});
