/**
 * The Stellar pipeline as an operator runs it: config files (G-addresses) -> ledger poller over
 * Horizon REST of a replay node (ASSEMBLED Horizon-shaped ledgers, test/fixtures/ledger/stellar/NOTES.md)
 * -> real Redis queue -> alerter -> real SMTP server and signed webhook receiver. Faults are
 * retried without skipping a ledger; a failed transaction alerts activity only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStellarReplayServer, type StellarReplayServer } from '../../src/devchain/ledger/stellar/start-stellar-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { assembledLedger, LEDGER, SHIPPED_STELLAR, TX, txHashes, USDC_ISSUER } from '../helpers/stellar-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';

let node: StellarReplayServer;
let pipeline: LedgerPipeline;
const first = assembledLedger(LEDGER, 'ab'.repeat(32));
const second = assembledLedger(LEDGER + 1, String(first.ledger['hash']));

const hooksFor = (txHash: string, block: number) => pipeline.hooksFor(txHash).filter((h) => h.body.data['blockNumber'] === block);
const emailsFor = (txHash: string) => pipeline.emailsFor(txHash);

beforeAll(async () => {
  node = await startStellarReplayServer({ ledgers: new Map([[LEDGER, first], [LEDGER + 1, second]]), head: LEDGER });
  node.failNext('http503', 1, '/operations');
  node.failNext('garbage', 1, '/transactions');
  node.failNext('http429');
  pipeline = await startLedgerPipeline({
    name: 'stellar',
    chainId: 'stellar',
    chain: { kind: 'stellar', apiUrl: node.url, pollIntervalMs: 100, startBlock: LEDGER },
    entries: [{ chain: 'stellar', address: SHIPPED_STELLAR, label: 'CoinEx theft', incident: 'coinex-2023', source: SOURCE }],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Stellar end to end', () => {
  it('alerts XLM and USDC received by a watched account, a failed payment as activity, ledger after ledger', async () => {
    await waitFor(() => hooksFor(TX.payIn, LEDGER).length >= 1 && hooksFor(TX.usdc, LEDGER).length >= 1 && hooksFor(TX.failedOut, LEDGER).length >= 1 && emailsFor(TX.payIn).length >= 1, { what: 'ledger alerts', timeoutMs: 60_000 });
    const [xlm] = hooksFor(TX.payIn, LEDGER);
    expect(xlm!.signatureValid).toBe(true);
    expect(xlm!.body.data).toMatchObject({ chain: 'stellar', kind: 'native', direction: 'in', to: SHIPPED_STELLAR, amount: '1255000000', asset: { contract: null, symbol: 'XLM', decimals: 7 }, blockHash: first.ledger['hash'], confirmations: 1 });
    expect(hooksFor(TX.usdc, LEDGER)[0]!.body.data).toMatchObject({ kind: 'token', direction: 'in', amount: '420000001', asset: { contract: `USDC:${USDC_ISSUER}`, symbol: 'USDC', decimals: 7 } });
    expect(hooksFor(TX.failedOut, LEDGER).map((h) => [h.body.data['kind'], h.body.data['amount']])).toEqual([['activity', '0']]);
    expect(emailsFor(TX.payIn)[0]).toContain(`https://stellar.expert/explorer/public/tx/${TX.payIn}`);
    expect(emailsFor(TX.payIn)[0]).toMatch(/\bIN\s+125\.5 XLM/);

    // The next ledger is served once the head reaches it.
    node.head = LEDGER + 1;
    await waitFor(() => hooksFor(txHashes(LEDGER + 1).payIn, LEDGER + 1).length >= 1, { what: 'second ledger', timeoutMs: 60_000 });
    for (const block of [LEDGER]) for (const tx of [TX.payIn, TX.usdc, TX.failedOut]) expect(hooksFor(tx, block)).toHaveLength(1);
    expect(pipeline.logLines.join('')).toContain('Stellar API request failed; retrying');
  });
});
