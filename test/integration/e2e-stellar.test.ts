/**
 * The Stellar pipeline as an operator runs it: config files (G-addresses) -> ledger poller over Horizon
 * REST of a replay node -> real Redis queue -> alerter -> real SMTP server and signed webhook receiver.
 * The replay node serves RECORDED mainnet Horizon answers (ledgers 2, 3, 4; ledger 3's transaction and
 * operations: the genesis distribution to GALPCCZN…) and then ledger 5, ASSEMBLED after the recorded 4
 * to hold a recorded failed mainnet transaction (test/fixtures/ledger/stellar/NOTES.md). Faults are
 * retried without skipping a ledger; a failed transaction alerts activity only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStellarReplayServer, type StellarReplayServer } from '../../src/devchain/ledger/stellar/start-stellar-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { assembledLedger, GENESIS_RECIPIENT, GENESIS_TX, recordedLedger, recordedLedger3Operations, recordedPieces, ROOT_ACCOUNT } from '../helpers/stellar-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';

let node: StellarReplayServer;
let pipeline: LedgerPipeline;

const ledgers = new Map([2, 3, 4].map((n) => [n, recordedLedger(n as 2 | 3 | 4)]));
const { failedTx } = recordedPieces();
const FAILED_SOURCE = String(failedTx['source_account']);
const FAILED_TX = String(failedTx['hash']);
const ledger5 = assembledLedger(5, String(ledgers.get(4)!.ledger['hash']), [failedTx], []);
ledgers.set(5, ledger5);
const [createOp, paymentOp] = recordedLedger3Operations();

const hooksFor = (txHash: string, block: number) => pipeline.hooksFor(txHash).filter((h) => h.body.data['blockNumber'] === block);
const emailsFor = (txHash: string) => pipeline.emailsFor(txHash);

beforeAll(async () => {
  node = await startStellarReplayServer({ ledgers, head: 4 });
  node.failNext('http503', 1, '/operations');
  node.failNext('garbage', 1, '/transactions');
  node.failNext('http429');
  // Addresses that really appear in the recorded data: the account mainnet's genesis transaction funded,
  // and the source of a recorded failed transaction.
  pipeline = await startLedgerPipeline({
    name: 'stellar',
    chainId: 'stellar',
    chain: { kind: 'stellar', apiUrl: node.url, pollIntervalMs: 100, startBlock: 2 },
    entries: [
      { chain: 'stellar', address: GENESIS_RECIPIENT, label: 'Genesis recipient (test)', incident: 'test-genesis', source: SOURCE },
      { chain: 'stellar', address: FAILED_SOURCE, label: 'Failed sender (test)', incident: 'test-failed', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Stellar end to end on recorded Horizon answers', () => {
  it('alerts the genesis create_account and payment received by a watched account, then a failed transaction as activity, ledger after ledger', async () => {
    // Both legs in the email(s): one per leg, or one digest of both when they reach the group together.
    const bothAmountsMailed = (): boolean => {
      const text = emailsFor(GENESIS_TX).join('\n');
      return /\bIN\s+20 XLM/.test(text) && /\bIN\s+99,999,999,959\.99997 XLM/.test(text);
    };
    await waitFor(() => hooksFor(GENESIS_TX, 3).length >= 2 && bothAmountsMailed(), { what: 'ledger 3 alerts', timeoutMs: 60_000 });
    const hooks3 = hooksFor(GENESIS_TX, 3);
    for (const h of hooks3) expect(h.signatureValid).toBe(true);
    expect(hooks3.map((h) => h.body.data['amount']).sort()).toEqual(['200000000', '999999999599999700']);
    const create = hooks3.find((h) => h.body.data['amount'] === '200000000')!;
    expect(create.body.data).toMatchObject({ chain: 'stellar', kind: 'native', direction: 'in', from: ROOT_ACCOUNT, to: GENESIS_RECIPIENT, asset: { contract: null, symbol: 'XLM', decimals: 7 }, blockHash: ledgers.get(3)!.ledger['hash'], confirmations: 2 }); // head 4
    expect(String(createOp!['starting_balance'])).toBe('20.0000000');
    expect(String(paymentOp!['amount'])).toBe('99999999959.9999700');
    // Two legs of one transaction: two deliveries with their own webhook-id.
    expect(new Set(hooks3.map((h) => h.headers['webhook-id'])).size).toBe(2);
    // Amounts as coins (20 XLM and the 99,999,999,959.99997 XLM payment, checked above) with the explorer link.
    const mails = emailsFor(GENESIS_TX);
    expect(mails.length).toBeGreaterThanOrEqual(1);
    for (const mail of mails) expect(mail).toContain(`https://stellar.expert/explorer/public/tx/${GENESIS_TX}`);

    // Ledger 5 (assembled after the recorded 4) is served once the head reaches it.
    node.head = 5;
    await waitFor(() => hooksFor(FAILED_TX, 5).length >= 1, { what: 'ledger 5 failed transaction', timeoutMs: 60_000 });
    expect(hooksFor(FAILED_TX, 5).map((h) => [h.body.data['kind'], h.body.data['amount'], h.body.data['fee']])).toEqual([['activity', '0', String(failedTx['fee_charged'])]]);
    expect(hooksFor(GENESIS_TX, 3)).toHaveLength(2);
    expect(pipeline.logLines.join('')).toContain('Stellar API request failed; retrying');
  });
  // After the poller has met the injected faults, so this read is not the one they hit.
  it('the replay node serves the recorded records, paged by cursor as Horizon pages them', async () => {
    const page = async (query: string) => ((await (await fetch(`${node.url}/ledgers/3/operations?${query}`)).json()) as { _embedded: { records: unknown[] } })._embedded.records;
    const first = await page('include_failed=true&order=asc&limit=2');
    const rest = await page(`include_failed=true&order=asc&limit=2&cursor=${String(recordedLedger3Operations()[1]!['paging_token'])}`);
    expect([...first, ...rest]).toEqual(recordedLedger3Operations());
    expect(await (await fetch(`${node.url}/ledgers/3`)).json()).toEqual(ledgers.get(3)!.ledger);
  });
});
