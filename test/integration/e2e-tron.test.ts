/**
 * The whole Tron pipeline as an operator runs it: config files (T-addresses) -> Tron poller
 * over the HTTP API of a replay node (recorded mainnet block 79072107 and the recorded
 * ledger-live transaction infos, see test/fixtures/tron/NOTES.md) -> real Redis queue ->
 * alerter -> real SMTP server and real webhook receiver. The node fails and lags like real
 * ones do; nothing is skipped and nothing is alerted twice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTronAddress } from '../../src/core/address/normalize-tron-address.js';
import { startTronReplayServer, type TronReplayServer } from '../../src/devchain/tron/start-tron-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { LEDGER_FAILED_TX, LEDGER_SENDER_KEY, LEDGER_USDT_TX, RECORDED_BLOCK, ledgerLiveReplayBlock, recordedReplayBlock } from '../helpers/tron-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

const API_KEY = `tron-key-${randomBytes(8).toString('hex')}`;
const SOURCE = 'https://example.org/attribution';
const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

let node: TronReplayServer;
let pipeline: LedgerPipeline;

type RawTx = { txID: string; raw_data: { contract: { type: string; parameter: { value: Record<string, unknown> } }[] } };
let usdtTx: RawTx;
let trxTx: RawTx;
let usdtRecipient: string;
let trxRecipient: string;
const ledgerSender = encodeTronAddress(LEDGER_SENDER_KEY)!;

beforeAll(async () => {
  const recorded = await recordedReplayBlock();
  const txs = recorded.block['transactions'] as RawTx[];
  usdtTx = txs.find((t) => t.raw_data.contract[0]!.type === 'TriggerSmartContract' && String(t.raw_data.contract[0]!.parameter.value['data']).startsWith('a9059cbb'))!;
  usdtRecipient = encodeTronAddress(String(usdtTx.raw_data.contract[0]!.parameter.value['data']).slice(8 + 24, 8 + 64))!;
  trxTx = txs.find((t) => t.raw_data.contract[0]!.type === 'TransferContract')!;
  trxRecipient = encodeTronAddress(String(trxTx.raw_data.contract[0]!.parameter.value['to_address']))!;

  const ledger = ledgerLiveReplayBlock(RECORDED_BLOCK + 1, String(recorded.block['blockID']));
  node = await startTronReplayServer({
    blocks: new Map([
      [RECORDED_BLOCK, recorded],
      [RECORDED_BLOCK + 1, ledger],
    ]),
    // 19 confirmations: the recorded block is solid, the next one not yet.
    head: RECORDED_BLOCK + 18,
  });
  // A node that fails, rate-limits and has not indexed the infos yet: retried, never skipped.
  node.failNext('http503');
  node.failNext('http429');
  node.failNext('infos-missing');
  node.failNext('node-error');

  pipeline = await startLedgerPipeline({
    name: 'tron',
    chainId: 'tron',
    chain: { kind: 'tron', httpUrl: node.httpUrl, apiKey: API_KEY, pollIntervalMs: 100, startBlock: RECORDED_BLOCK },
    entries: [
      { chain: 'tron', address: usdtRecipient, label: 'USDT cash-out wallet', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'tron', address: trxRecipient, label: 'TRX gas wallet', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'tron', address: ledgerSender, label: 'USDT launderer', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Tron end to end', () => {
  it('alerts USDT and TRX movements of watched T-addresses by email and signed webhook, with Tronscan links', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(usdtTx.txID).length >= 1 && emailsFor(usdtTx.txID).length >= 1, { what: 'USDT alert', timeoutMs: 60_000 });
    const [usdtHook] = hooksFor(usdtTx.txID);
    expect(usdtHook!.signatureValid).toBe(true);
    const value = String(usdtTx.raw_data.contract[0]!.parameter.value['data']).slice(8 + 64);
    expect(usdtHook!.body.data).toMatchObject({
      chain: 'tron',
      kind: 'trc20',
      direction: 'in',
      blockNumber: RECORDED_BLOCK,
      blockHash: '0000000004b68b6be6d7223b1ecf2850f00f700292beeead2810c18e9e1548e2',
      to: usdtRecipient,
      from: encodeTronAddress(String(usdtTx.raw_data.contract[0]!.parameter.value['owner_address'])),
      asset: { contract: USDT, symbol: 'USDT', decimals: 6 },
      amount: BigInt(`0x${value}`).toString(),
      confirmations: 19,
      watchlist: [{ address: usdtRecipient, label: 'USDT cash-out wallet', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] }],
    });
    const [usdtMail] = emailsFor(usdtTx.txID);
    expect(usdtMail).toContain(`https://tronscan.org/#/transaction/${usdtTx.txID}`);
    expect(usdtMail).toContain(usdtRecipient);
    expect(usdtMail).toMatch(/\bIN\s+50 USDT/);

    await waitFor(() => hooksFor(trxTx.txID).length >= 1 && emailsFor(trxTx.txID).length >= 1, { what: 'TRX alert', timeoutMs: 60_000 });
    const amount = BigInt(trxTx.raw_data.contract[0]!.parameter.value['amount'] as number);
    expect(hooksFor(trxTx.txID)[0]!.body.data).toMatchObject({ kind: 'trx', direction: 'in', to: trxRecipient, amount: amount.toString(), asset: { contract: null, symbol: 'TRX', decimals: 6 } });
    expect(emailsFor(trxTx.txID)[0]).toContain(`https://tronscan.org/#/transaction/${trxTx.txID}`);

    // The next block is not solid yet (18 blocks on top): after two more looks at the head, still never fetched.
    const polls = node.requests.get('/wallet/getnowblock') ?? 0;
    await waitFor(() => (node.requests.get('/wallet/getnowblock') ?? 0) >= polls + 2, { what: 'two more head polls' });
    expect(node.blocksRequested.has(RECORDED_BLOCK + 1)).toBe(false);
    expect(hooksFor(LEDGER_USDT_TX)).toEqual([]);
    node.head = RECORDED_BLOCK + 1 + 18;
    await waitFor(() => hooksFor(LEDGER_USDT_TX).length >= 1 && hooksFor(LEDGER_FAILED_TX).length >= 1 && emailsFor(LEDGER_USDT_TX).length >= 1, { what: 'ledger-live alerts', timeoutMs: 60_000 });
    expect(hooksFor(LEDGER_USDT_TX)[0]!.body.data).toMatchObject({ kind: 'trc20', direction: 'out', from: ledgerSender, amount: '41677389', asset: { contract: USDT, symbol: 'USDT' }, txFrom: ledgerSender });
    expect(emailsFor(LEDGER_USDT_TX)[0]).toMatch(/\bOUT\s+41\.677389 USDT|\bIN\s+41\.677389 USDT/);
    // The failed call moved nothing: only an activity alert.
    expect(hooksFor(LEDGER_FAILED_TX).map((h) => h.body.data['kind'])).toEqual(['activity']);

    // Exactly once per leg despite the injected failures and retries.
    for (const tx of [usdtTx.txID, trxTx.txID, LEDGER_USDT_TX]) expect(hooksFor(tx)).toHaveLength(1);
    // The API key reached the node as TRON-PRO-API-KEY, and never a log line.
    expect([...node.apiKeysSeen]).toEqual([API_KEY]);
    expect(pipeline.logLines.join('')).not.toContain(API_KEY);
    expect(pipeline.logLines.join('')).toContain('Tron HTTP request failed; retrying');
  });
});
