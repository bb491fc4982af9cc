/**
 * Polkadot end to end as an operator runs it: config files (SS58 addresses, one written in the
 * generic Substrate format) -> ledger poller over a Substrate API Sidecar replay (recorded
 * mainnet block 19772575, and recorded block 789629 relabelled as its successor: see
 * test/fixtures/ledger/polkadot/NOTES.md) -> real Redis queue -> alerter -> real SMTP server
 * and signed webhooks. Only finalized blocks are read; a 503 and a proxy's HTML page are
 * retried; nothing is skipped or alerted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSs58, encodeSs58 } from '../../src/core/ledger/polkadot/ss58.js';
import { startSidecarReplayServer, type SidecarReplayServer } from '../../src/devchain/ledger/polkadot/start-sidecar-replay-server.js';
import { recordedSidecarBlock, type SidecarBlock } from '../helpers/polkadot-fixtures.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';
const FIRST = 19772575;
const NEXT = FIRST + 1;
// Recorded facts of block 19772575 (its events) and 789629.
const RECIPIENT = '1pNEBqhMUrv8YLiVWg3aHkbG2UvegxkhfWJV6Wdy9QfvQE4';
const BATCH_SENDER = '1qnJN7FViy3HZaxZK9tGAA71zxHSBeUweirKqCaox4t8GT7';
const PROXY_SIGNER = '1QqpeG1LEaRFuhtvy5QPn7syF2hn21e5aYv4cqkji8m7cnq';

let node: SidecarReplayServer;
let pipeline: LedgerPipeline;
let first: SidecarBlock;
let next: SidecarBlock;

beforeAll(async () => {
  first = recordedSidecarBlock(FIRST);
  // Block 789629 served as the successor (relabelled number and parent), its proxy call failed.
  next = { ...structuredClone(recordedSidecarBlock(789629)), number: String(NEXT), parentHash: first.hash };
  next.extrinsics[4]!.success = false;
  node = await startSidecarReplayServer({ blocks: new Map([[FIRST, first], [NEXT, next]]), finalizedHead: FIRST });
  node.failNext('http503', 1, `/blocks/${FIRST}`);
  node.failNext('garbage', 1, `/blocks/${FIRST}`);

  pipeline = await startLedgerPipeline({
    name: 'polkadot',
    chainId: 'polkadot',
    chain: { kind: 'polkadot', apiUrl: node.url, pollIntervalMs: 100, startBlock: FIRST },
    entries: [
      // Written in the generic Substrate format (prefix 42): the same account, matched by its public key.
      { chain: 'polkadot', address: encodeSs58(decodeSs58(RECIPIENT)!.accountId, 42), label: 'DOT cash-out', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'polkadot', address: BATCH_SENDER, label: 'DOT splitter', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'polkadot', address: PROXY_SIGNER, label: 'Proxy operator', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Polkadot end to end (Substrate API Sidecar)', () => {
  it('alerts DOT transfers of watched accounts in finalized blocks, and a failed call as activity, once each', async () => {
    const { hooksFor, emailsFor } = pipeline;
    const transfer = first.extrinsics[2]!.hash;
    const batch = first.extrinsics[4]!.hash;
    await waitFor(() => hooksFor(transfer).length >= 1 && hooksFor(batch).length >= 3 && emailsFor(transfer).length >= 1, { what: 'block one alerts', timeoutMs: 60_000 });
    const [incoming] = hooksFor(transfer);
    expect(incoming!.signatureValid).toBe(true);
    // As recorded: Transfer(16Xuv8..., 1pNEBq..., 209894644000).
    expect(incoming!.body.data).toMatchObject({ chain: 'polkadot', kind: 'native', direction: 'in', to: RECIPIENT, amount: '209894644000', asset: { contract: null, symbol: 'DOT', decimals: 10 }, blockNumber: FIRST, blockHash: first.hash, confirmations: 1 });
    expect(emailsFor(transfer)[0]).toContain(`https://polkadot.subscan.io/extrinsic/${transfer}`);
    expect(emailsFor(transfer)[0]).toMatch(/\bIN\s+20\.9894644 DOT/);
    const recordedBatch = first.extrinsics[4]!.events.filter((e) => e.method.method === 'Transfer').map((e) => String(e.data[2]));
    expect(hooksFor(batch).map((h) => [h.body.data['direction'], h.body.data['amount']]).sort()).toEqual(recordedBatch.map((a) => ['out', a]).sort());

    // The next block is not finalized yet: never read.
    const polls = node.requests.get('GET /blocks/head/header') ?? 0;
    await waitFor(() => (node.requests.get('GET /blocks/head/header') ?? 0) >= polls + 2, { what: 'two more head polls' });
    expect(node.blocksRequested.has(NEXT)).toBe(false);
    node.finalizedHead = NEXT;

    const failed = next.extrinsics[4]!.hash;
    await waitFor(() => hooksFor(failed).length >= 1, { what: 'failed proxy call alert', timeoutMs: 60_000 });
    expect(hooksFor(failed).map((h) => [h.body.data['kind'], h.body.data['txFrom'], h.body.data['amount']])).toEqual([['activity', PROXY_SIGNER, '0']]);

    for (const hash of [transfer, failed]) expect(hooksFor(hash)).toHaveLength(1);
    expect(hooksFor(batch)).toHaveLength(3);
    expect(pipeline.logLines.join('')).toContain('Polkadot API request failed; retrying');
  });
});
