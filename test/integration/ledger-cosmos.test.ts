/**
 * A Cosmos SDK chain end to end as an operator runs it: config files (bech32 `inj1` addresses,
 * the chain's native denom in `options`) -> ledger poller over the CometBFT RPC of a replay
 * node (recorded Injective `/block_results`, assembled `/block` headers: see
 * test/fixtures/ledger/cosmos/NOTES.md) -> real Redis queue -> alerter -> real SMTP server and
 * signed webhooks. The node fails (503, a proxy's HTML page) and lags; nothing is skipped,
 * nothing is alerted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosTxHash } from '../../src/core/ledger/cosmos/normalize-cosmos-block.js';
import { startCosmosReplayServer, type CosmosReplayServer } from '../../src/devchain/ledger/cosmos/start-cosmos-replay-server.js';
import { assembledBlock, assembledTxs, BASE64_HEIGHT, recordedResults, PLAIN_HEIGHT } from '../helpers/cosmos-fixtures.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';
const FIRST = BASE64_HEIGHT;
const NEXT = BASE64_HEIGHT + 1;
// Recorded facts (the fixtures' event attributes).
const FEE_ONLY_SIGNER = 'inj1x2ck0ql2ngyxqtw8jteyc0tchwnwxv7npaungt';
const UNDELEGATOR = 'inj1wgd6mj5pr3cvuac5n6wrjzsp3kpcckssk080kg';
const FAILED_SIGNER = 'inj1sa2kskl0jg0cjmd9adga3lag8fstz4vrh5jeu2';

let node: CosmosReplayServer;
let pipeline: LedgerPipeline;

const txHash = (height: number, i: number, count: number) => cosmosTxHash(assembledTxs(height, count)[i]!);

beforeAll(async () => {
  // The CometBFT 1.0 results served as the next height (relabelled), with the authz MsgExec failed (code 5).
  const next = structuredClone(recordedResults(PLAIN_HEIGHT));
  next['height'] = String(NEXT);
  const nextTxs = next['txs_results'] as Record<string, unknown>[];
  nextTxs[0] = { ...nextTxs[0], code: 5, codespace: 'sdk', log: 'insufficient funds' };
  node = await startCosmosReplayServer({
    heights: new Map([
      [FIRST, { block: assembledBlock(FIRST, 4), results: recordedResults(BASE64_HEIGHT) }],
      [NEXT, { block: assembledBlock(NEXT, 3), results: next }],
    ]),
    head: FIRST,
  });
  node.failNext('http503', 1, '/block_results');
  node.failNext('garbage', 1, '/block');

  pipeline = await startLedgerPipeline({
    name: 'cosmos',
    chainId: 'injective',
    chain: { kind: 'cosmos', addressPrefix: 'inj', apiUrl: node.url, pollIntervalMs: 100, startBlock: FIRST, explorerUrl: 'https://www.mintscan.io/injective/tx/{tx}', options: { nativeDenom: 'inj', nativeSymbol: 'INJ', nativeDecimals: 18 } },
    entries: [
      { chain: 'injective', address: UNDELEGATOR, label: 'Staking cash-out', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'injective', address: FEE_ONLY_SIGNER, label: 'Order bot', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'injective', address: FAILED_SIGNER, label: 'Failed sender', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Cosmos SDK chain end to end (CometBFT RPC)', () => {
  it('alerts a watched signer, then (once the node has the next block) an incoming payout and a failed tx, once each', async () => {
    const { hooksFor, emailsFor } = pipeline;
    const feeOnly = txHash(FIRST, 0, 4);
    await waitFor(() => hooksFor(feeOnly).length >= 1 && emailsFor(feeOnly).length >= 1, { what: 'activity alert of block one', timeoutMs: 60_000 });
    const [activity] = hooksFor(feeOnly);
    expect(activity!.signatureValid).toBe(true);
    expect(activity!.body.data).toMatchObject({ chain: 'injective', kind: 'activity', blockNumber: FIRST, from: FEE_ONLY_SIGNER, txFrom: FEE_ONLY_SIGNER, confirmations: 1, asset: { contract: null, symbol: 'INJ', decimals: 18 }, watchlist: [{ address: FEE_ONLY_SIGNER, label: 'Order bot' }] });
    expect(emailsFor(feeOnly)[0]).toContain(`https://www.mintscan.io/injective/tx/${feeOnly}`);

    // The next block is not there yet: two more head polls, and its results were never asked for.
    const polls = node.requests.get('GET /status') ?? 0;
    await waitFor(() => (node.requests.get('GET /status') ?? 0) >= polls + 2, { what: 'two more head polls' });
    expect(node.resultsRequested.has(NEXT)).toBe(false);
    node.head = NEXT;

    const payout = txHash(NEXT, 2, 3);
    const failed = txHash(NEXT, 0, 3);
    await waitFor(() => hooksFor(payout).length >= 1 && hooksFor(failed).length >= 1 && emailsFor(payout).length >= 1, { what: 'block two alerts', timeoutMs: 60_000 });
    // The recorded rewards payout to the undelegator (transfer event: 197643202602405085inj).
    expect(hooksFor(payout)[0]!.body.data).toMatchObject({ kind: 'native', direction: 'in', to: UNDELEGATOR, amount: '197643202602405085', asset: { contract: null, symbol: 'INJ', decimals: 18 }, blockNumber: NEXT, txFrom: UNDELEGATOR });
    expect(emailsFor(payout)[0]).toMatch(/\bIN\s+0\.19764320260240508\d* INJ/);
    // The failed MsgExec moved nothing: one activity alert.
    expect(hooksFor(failed).map((h) => [h.body.data['kind'], h.body.data['txFrom'], h.body.data['amount']])).toEqual([['activity', FAILED_SIGNER, '0']]);

    // Exactly once despite the 503 and the HTML page, which were retried.
    for (const hash of [feeOnly, payout, failed]) expect(hooksFor(hash)).toHaveLength(1);
    expect(pipeline.logLines.join('')).toContain('Cosmos SDK chain API request failed; retrying');
  });
});
