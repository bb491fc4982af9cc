/**
 * Zilliqa end to end (issue #14): config files -> the ledger poller over the JSON-RPC API of a
 * replay node serving a whole recorded mainnet TxBlock (692365: GetTxBlock and
 * GetTxnBodiesForTxBlock of the same block, see test/fixtures/ledger/zilliqa/NOTES.md) -> real
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
const BLOCK = 692365;
const txBlock = fixture(`get-tx-block-${BLOCK}.json`).result as Json;
const bodies = fixture(`txn-bodies-block-${BLOCK}.json`).result as Json[];
const SOURCE = 'https://example.org/attribution';
const zil = (hex: string) => normalizeLedgerAddress('zilliqa', hex).display;

// Recorded facts: a 29.999 ZIL payment, and a reward contract paying 30 ZIL to a tweet author in a message.
const payment = bodies[0]!;
const payee = payment['toAddr'] as string;
const rewardCall = bodies[17]!;
const rewardContract = rewardCall['receipt']['transitions'][0]['addr'] as string;
const rewardRecipient = rewardCall['receipt']['transitions'][0]['msg']['_recipient'] as string;

let node: ZilliqaReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  // The head one past the recorded block: with Zilliqa's 2 confirmations only the recorded block is read.
  node = await startZilliqaReplayServer({ blocks: new Map([[BLOCK, { txBlock, bodies }]]), head: BLOCK + 1 });
  node.failNext('http503', 1, 'GetTxnBodiesForTxBlock');
  node.failNext('garbage', 1, 'GetTxnBodiesForTxBlock');
  pipeline = await startLedgerPipeline({
    name: 'zilliqa',
    chainId: 'zilliqa',
    chain: { kind: 'zilliqa', apiUrl: node.url, pollIntervalMs: 100, startBlock: BLOCK },
    entries: [
      { chain: 'zilliqa', address: zil(payee), label: 'ZIL deposit', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'zilliqa', address: rewardRecipient, label: 'Reward receiver (base16 in the watchlist)', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Zilliqa end to end', () => {
  it('alerts a recorded ZIL payment and a contract payout to watched accounts, once each despite node faults', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(payment['ID']).length >= 1 && hooksFor(rewardCall['ID']).length >= 1 && emailsFor(rewardCall['ID']).length >= 1, { what: 'Zilliqa alerts', timeoutMs: 60_000 });
    const hook = hooksFor(payment['ID'])[0]!;
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({ chain: 'zilliqa', kind: 'native', direction: 'in', to: zil(payee), amount: '29999000000000', asset: { contract: null, symbol: 'ZIL', decimals: 12 }, blockNumber: BLOCK, blockHash: txBlock['body']['BlockHash'], confirmations: 2 });
    expect(hooksFor(rewardCall['ID'])[0]!.body.data).toMatchObject({ kind: 'native', direction: 'in', from: zil(rewardContract), to: zil(rewardRecipient), amount: '30000000000000', blockNumber: BLOCK });
    expect(emailsFor(rewardCall['ID'])[0]).toContain(`https://viewblock.io/zilliqa/tx/0x${rewardCall['ID']}`);
    for (const id of [payment['ID'], rewardCall['ID']]) expect(hooksFor(id)).toHaveLength(1);
    // Bodies were read for the confirmed recorded block only.
    expect([...node.blocksRequested]).toEqual([BLOCK]);
    expect(pipeline.logLines.join('')).toContain('Zilliqa API request failed; retrying');
  });
});
