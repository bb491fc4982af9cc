/**
 * The XRP Ledger pipeline as an operator runs it: config files (r-addresses) -> ledger poller
 * over rippled JSON-RPC of a replay node (recorded mainnet ledger 7501326, then a ledger
 * assembled around a recorded partial payment; test/fixtures/ledger/ripple/NOTES.md) -> real
 * Redis queue -> alerter -> real SMTP server and signed webhook receiver. The node fails like
 * real ones do; nothing is skipped or alerted twice, and the partial payment alerts what it
 * delivered, not the Amount it named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRippleReplayServer, type RippleReplayServer } from '../../src/devchain/ledger/ripple/start-ripple-replay-server.js';
import { assembledPartialPaymentLedger, readRippleFixture, RECORDED_LEDGER, recordedLedger } from '../helpers/ripple-fixtures.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';
const JPY_RECIPIENT = 'rhS6Pb8oBMKshN6EznMeWCHJNHJuoom63r';
const FAILED_SIGNER = 'rfESTMcbvbvCBqU1FTvGWiJP8cmUSu4GKg';
const FAILED_TX = 'F0F263E6D4A91E43AFCAD5A33AE620CE849CA9FB2D119D92A2F6D5242CC10982';
const JPY_TXS = ['2404D179D60384599490E9BD5B0081A2E06AA9D91180DE2BB91E0B931181429A', '2564A4F4F1BE20AA13394FB06DA620814190A090DCDC03320CCB257F00D80B92'];

let node: RippleReplayServer;
let pipeline: LedgerPipeline;
const partial = readRippleFixture('partialPaymentXRP.json') as { tx_json: { hash: string; Destination: string; DeliverMax: string }; meta: { delivered_amount: string } };

beforeAll(async () => {
  const recorded = recordedLedger();
  node = await startRippleReplayServer({
    ledgers: new Map([
      [RECORDED_LEDGER, recorded],
      [RECORDED_LEDGER + 1, assembledPartialPaymentLedger(recorded)],
    ]),
    head: RECORDED_LEDGER,
  });
  // A node behind a flaky gateway: retried, never skipped.
  node.failNext('http503');
  node.failNext('garbage');
  node.failNext('reset');

  pipeline = await startLedgerPipeline({
    name: 'ripple',
    chainId: 'ripple',
    chain: { kind: 'ripple', apiUrl: node.url, pollIntervalMs: 100, startBlock: RECORDED_LEDGER },
    entries: [
      { chain: 'ripple', address: JPY_RECIPIENT, label: 'JPY cash-out', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'ripple', address: FAILED_SIGNER, label: 'BTC mover', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'ripple', address: partial.tx_json.Destination, label: 'partial payment target', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('XRP Ledger end to end', () => {
  it('alerts issued-currency payments, a failed payment as activity and a partial payment at its delivered amount', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => JPY_TXS.every((t) => hooksFor(t).length >= 1 && emailsFor(t).length >= 1) && hooksFor(FAILED_TX).length >= 1, { what: 'ledger 7501326 alerts', timeoutMs: 60_000 });
    const [jpy] = hooksFor(JPY_TXS[0]!);
    expect(jpy!.signatureValid).toBe(true);
    expect(jpy!.body.data).toMatchObject({
      chain: 'ripple',
      kind: 'token',
      direction: 'in',
      blockNumber: RECORDED_LEDGER,
      blockHash: 'E212F3EA7454A298BC0D0BCD79CE37EE08068976216AB94C71E9DDDFE45C81A4',
      from: 'r4X3WWZ3UZMDw3Z7T32FXK2NAaiitSWZ9c',
      to: JPY_RECIPIENT,
      asset: { contract: 'JPY.rMAz5ZnK73nyNUL4foAvaxdreczCkG3vA6', symbol: 'JPY', decimals: 15 },
      amount: (16n * 10n ** 15n).toString(),
      confirmations: 1,
      watchlist: [{ address: JPY_RECIPIENT, label: 'JPY cash-out', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] }],
    });
    const [mail] = emailsFor(JPY_TXS[0]!);
    expect(mail).toContain(`https://livenet.xrpl.org/transactions/${JPY_TXS[0]!}`);
    expect(mail).toMatch(/\bIN\s+16 JPY/);
    // tecPATH_DRY: in the ledger, fee charged, nothing moved.
    expect(hooksFor(FAILED_TX).map((h) => [h.body.data['kind'], h.body.data['from'], h.body.data['amount'], h.body.data['txFrom']])).toEqual([['activity', FAILED_SIGNER, '0', FAILED_SIGNER]]);

    // The next ledger is not validated yet: never fetched until the head moves.
    const heads = node.requests.get('POST /') ?? 0;
    await waitFor(() => (node.requests.get('POST /') ?? 0) >= heads + 2, { what: 'two more polls' });
    expect(node.ledgersRequested.has(RECORDED_LEDGER + 1)).toBe(false);
    node.head = RECORDED_LEDGER + 1;
    await waitFor(() => hooksFor(partial.tx_json.hash).length >= 1 && emailsFor(partial.tx_json.hash).length >= 1, { what: 'partial payment alert', timeoutMs: 60_000 });
    // The payment named DeliverMax 2 XRP; 1 XRP arrived (meta.delivered_amount): the alert says 1.
    expect(partial.tx_json.DeliverMax).not.toBe(partial.meta.delivered_amount);
    expect(hooksFor(partial.tx_json.hash)[0]!.body.data).toMatchObject({ kind: 'native', direction: 'in', to: partial.tx_json.Destination, amount: partial.meta.delivered_amount, asset: { contract: null, symbol: 'XRP', decimals: 6 } });
    expect(emailsFor(partial.tx_json.hash)[0]).toMatch(/\bIN\s+1 XRP/);

    // Exactly once per leg despite the injected failures and retries.
    for (const tx of [...JPY_TXS, FAILED_TX, partial.tx_json.hash]) expect(hooksFor(tx)).toHaveLength(1);
    expect(pipeline.logLines.join('')).toContain('XRP Ledger API request failed; retrying');
  });
});
