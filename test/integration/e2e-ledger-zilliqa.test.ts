/**
 * Zilliqa end to end (issue #14): config files -> the ledger poller over the JSON-RPC API of a
 * replay node serving recorded API answers (TxBlock 40, the transaction bodies of TxBlock 2, a gZIL
 * ZRC-2 transfer; assembled into linked blocks, see test/fixtures/ledger/zilliqa/NOTES.md) -> real
 * Redis queue -> alerter -> real SMTP sink and signed webhook receiver; node faults are retried.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeLedgerAddress } from '../../src/core/ledger/normalize-ledger-address.js';
import { startZilliqaReplayServer, type ZilliqaReplayServer } from '../../src/devchain/ledger/zilliqa/start-zilliqa-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/ledger/zilliqa/${name}`, import.meta.url), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const block40 = fixture('get-tx-block-40.json') as Json;
const bodies2 = fixture('txn-bodies-block-2.json') as Json[];
const gzil = fixture('transaction-gzil-transfer.json') as Json;
const SOURCE = 'https://example.org/attribution';
const zil = (hex: string) => normalizeLedgerAddress('zilliqa', hex).display;

// Recorded block 40 (empty), then assembled block 41 linked to it holding the recorded transactions.
const next = {
  body: { ...block40['body'], BlockHash: '5bda21605e7ea9404c58a40eebe99563adf330bab5b39e7438f8e4db28607b37' },
  header: { ...block40['header'], BlockNum: '41', NumTxns: 3, PrevBlockHash: block40['body']['BlockHash'] },
};
const payee = bodies2[0]!['toAddr'] as string;
const tokenRecipient = gzil['receipt']['event_logs'][0]['params'][1]['value'] as string;

let node: ZilliqaReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  node = await startZilliqaReplayServer({ blocks: new Map([[40, { txBlock: block40, bodies: [] }], [41, { txBlock: next, bodies: [...bodies2, gzil] }]]), head: 42 });
  node.failNext('http503', 1, 'GetTxnBodiesForTxBlock');
  node.failNext('garbage', 1, 'GetTxnBodiesForTxBlock');
  pipeline = await startLedgerPipeline({
    name: 'zilliqa',
    chainId: 'zilliqa',
    chain: { kind: 'zilliqa', apiUrl: node.url, pollIntervalMs: 100, startBlock: 40 },
    entries: [
      { chain: 'zilliqa', address: zil(payee), label: 'ZIL deposit', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'zilliqa', address: tokenRecipient, label: 'gZIL receiver (base16 in the watchlist)', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Zilliqa end to end', () => {
  it('alerts ZIL payments and a ZRC-2 transfer to watched accounts, once each despite node faults', async () => {
    const { hooksFor, emailsFor } = pipeline;
    const [p1, p2] = bodies2 as [Json, Json];
    await waitFor(() => hooksFor(p1['ID']).length >= 1 && hooksFor(p2['ID']).length >= 1 && hooksFor(gzil['ID']).length >= 1 && emailsFor(gzil['ID']).length >= 1, { what: 'Zilliqa alerts', timeoutMs: 60_000 });
    const hook = hooksFor(p1['ID'])[0]!;
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({ chain: 'zilliqa', kind: 'native', direction: 'in', to: zil(payee), amount: '1', asset: { contract: null, symbol: 'ZIL', decimals: 12 }, blockNumber: 41, blockHash: next.body.BlockHash, confirmations: 2 });
    expect(hooksFor(gzil['ID'])[0]!.body.data).toMatchObject({ kind: 'token', direction: 'in', to: zil(tokenRecipient), amount: '475772968079442', asset: { contract: zil(gzil['toAddr']) } });
    expect(emailsFor(gzil['ID'])[0]).toContain(`https://viewblock.io/zilliqa/tx/0x${gzil['ID']}`);
    for (const id of [p1['ID'], p2['ID'], gzil['ID']]) expect(hooksFor(id)).toHaveLength(1);
    // Bodies are only asked for blocks that announce transactions (block 40 has none).
    expect(node.blocksRequested.has(40)).toBe(false);
    expect(pipeline.logLines.join('')).toContain('Zilliqa API request failed; retrying');
  });
});
