/**
 * A Cosmos SDK chain end to end as an operator runs it: config files (bech32 `cro1` addresses,
 * the chain's native denom in `options`) -> ledger poller over the CometBFT RPC of a replay
 * node (crypto.org mainnet block 643189 as recorded, `/block` and `/block_results`; the block
 * after it is an assembled empty one: see test/fixtures/ledger/cosmos/NOTES.md) -> real Redis
 * queue -> alerter -> real SMTP server and signed webhooks. The node fails (503, a proxy's HTML
 * page) and lags; nothing is skipped, nothing is alerted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosTxHash } from '../../src/core/ledger/cosmos/normalize-cosmos-block.js';
import { startCosmosReplayServer, type CosmosReplayServer } from '../../src/devchain/ledger/cosmos/start-cosmos-replay-server.js';
import { assembledBlock, assembledEmptyResults, CRYPTO_ORG, recordedHeight, recordedTxs } from '../helpers/cosmos-fixtures.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';
const FIRST = CRYPTO_ORG.height;
const NEXT = FIRST + 1;
const recorded = recordedHeight(CRYPTO_ORG);
// Recorded facts (the block's txs and their events).
const [WITHDRAW_TX, SEND_TX, TIMEOUT_TX] = recordedTxs(recorded.block).map(cosmosTxHash) as [string, string, string];
const DELEGATOR = 'cro1wdyk7kys6hcrljrmn2ppjcu559csvlpt8gpddy';
const DISTRIBUTION_MODULE = 'cro1jv65s3grqf6v6jl3dp4t6c9t9rk99cd8lyv94w';
const SENDER = 'cro1v32h6ccfvs8v6qc0natzhgs566es3mrwu42mw9';
const RECIPIENT = 'cro1w2kvwrzp23aq54n3amwav4yy4a9ahq2kz2wtmj';
const RELAYER = 'cro1q040rm026jmpfmxdsj6q9phm9tdceepnsau6me';

let node: CosmosReplayServer;
let pipeline: LedgerPipeline;

const hooksFor = (hash: string) => pipeline.hooksFor(hash);
const emailsFor = (hash: string) => pipeline.emailsFor(hash);

beforeAll(async () => {
  // The block after the recorded one was not recorded: an empty block linked to the recorded id stands in.
  const firstId = (recorded.block as { block_id: { hash: string } }).block_id.hash;
  node = await startCosmosReplayServer({
    heights: new Map([
      [FIRST, { block: recorded.block, results: recorded.results }],
      [NEXT, { block: assembledBlock(NEXT, 0, firstId), results: assembledEmptyResults(NEXT) }],
    ]),
    head: FIRST,
  });
  node.failNext('http503', 1, '/block_results');
  node.failNext('garbage', 1, '/block');

  pipeline = await startLedgerPipeline({
    name: 'cosmos',
    chainId: 'crypto-org',
    chain: { kind: 'cosmos', addressPrefix: CRYPTO_ORG.prefix, apiUrl: node.url, pollIntervalMs: 100, startBlock: FIRST, explorerUrl: 'https://crypto.org/explorer/tx/{tx}', options: CRYPTO_ORG.options },
    entries: [
      { chain: 'crypto-org', address: SENDER, label: 'Cash-out', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'crypto-org', address: DELEGATOR, label: 'Staking cash-out', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'crypto-org', address: RELAYER, label: 'Relayer', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Cosmos SDK chain end to end (CometBFT RPC)', () => {
  it('alerts a recorded send, a rewards payout and a watched signer once each, and waits for the next block', async () => {
    await waitFor(() => hooksFor(SEND_TX).length >= 1 && hooksFor(WITHDRAW_TX).length >= 1 && hooksFor(TIMEOUT_TX).length >= 1 && emailsFor(SEND_TX).length >= 1, { what: 'alerts of the recorded block', timeoutMs: 60_000 });
    // The recorded MsgSend: 45385034928basecro (453.85034928 CRO) out of the watched account.
    const [send] = hooksFor(SEND_TX);
    expect(send!.signatureValid).toBe(true);
    expect(send!.body.data).toMatchObject({ chain: 'crypto-org', kind: 'native', direction: 'out', blockNumber: FIRST, from: SENDER, to: RECIPIENT, txFrom: SENDER, amount: '45385034928', confirmations: 1, asset: { contract: null, symbol: 'CRO', decimals: 8 }, watchlist: [{ address: SENDER, label: 'Cash-out' }] });
    expect(emailsFor(SEND_TX)[0]).toContain(`https://crypto.org/explorer/tx/${SEND_TX}`);
    expect(emailsFor(SEND_TX)[0]).toMatch(/\bOUT\s+453\.85034928 CRO/);
    // The recorded rewards payout from the distribution module (transfer event: 1681170184basecro).
    expect(hooksFor(WITHDRAW_TX)[0]!.body.data).toMatchObject({ kind: 'native', direction: 'in', from: DISTRIBUTION_MODULE, to: DELEGATOR, amount: '1681170184', txFrom: DELEGATOR, blockNumber: FIRST });
    // The relayer's MsgTimeout moved none of its coins (the refund goes to the packet's sender): one activity alert.
    expect(hooksFor(TIMEOUT_TX).map((h) => [h.body.data['kind'], h.body.data['txFrom'], h.body.data['amount']])).toEqual([['activity', RELAYER, '0']]);

    // The next block is not there yet: two more head polls, and its results were never asked for.
    const polls = node.requests.get('GET /status') ?? 0;
    await waitFor(() => (node.requests.get('GET /status') ?? 0) >= polls + 2, { what: 'two more head polls' });
    expect(node.resultsRequested.has(NEXT)).toBe(false);
    node.head = NEXT;
    await waitFor(() => node.resultsRequested.has(NEXT), { what: 'the next block read', timeoutMs: 60_000 });
    const pollsAfter = node.requests.get('GET /status') ?? 0;
    await waitFor(() => (node.requests.get('GET /status') ?? 0) >= pollsAfter + 2, { what: 'head polls past the next block' });

    // Exactly once despite the 503 and the HTML page, which were retried.
    for (const hash of [SEND_TX, WITHDRAW_TX, TIMEOUT_TX]) expect(hooksFor(hash)).toHaveLength(1);
    expect(pipeline.hooks.received).toHaveLength(3);
    expect(pipeline.logLines.join('')).toContain('Cosmos SDK chain API request failed; retrying');
  });
});
