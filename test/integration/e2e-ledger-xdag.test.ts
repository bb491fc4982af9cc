/**
 * XDAG end to end (issue #14): config files -> the ledger poller over xdagj's JSON-RPC served by a
 * replay node (main block 2652592 as printed in xdagj's docs/XDAGJ_RPC.md; main block 2652593 and
 * the blocks it applied assembled in the same shape, one of them the recorded transaction block
 * xkJtNKNV… from XDAG-Hub as xdagj prints it once applied, see test/fixtures/ledger/xdag/NOTES.md) ->
 * real Redis queue -> alerter -> real SMTP sink and signed webhook receiver; node faults are retried.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXdagReplayServer, type XdagReplayServer } from '../../src/devchain/ledger/xdag/start-xdag-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/ledger/xdag/${name}`, import.meta.url), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const recorded = fixture('get-block-by-number-2652592-page1.json').result as Json;
const assembled = fixture('assembled-2652593.json') as { main: Json; byHash: Record<string, Json> };
const blocks = Object.values(assembled.byHash);
const accepted = blocks.find((b) => b['state'] === 'Accepted' && (b['refs'] as Json[]).some((r: Json) => r['amount'] === '12.600000000'))!;
const rejected = blocks.find((b) => b['state'] === 'Rejected')!;
const WATCHED = '15VY3MadZvLpXhjzFXwCUmtZcHszju6L9';
/** The recorded transaction block (NOTES.md) and the account it pays. */
const recordedTx = fixture('get-block-by-hash-xkJtNKNV-pending.json') as Json;
const RECORDED_RECIPIENT = 'C3vw9K8wteBHkaFTEiezh825YQrYWz71k';
const SOURCE = 'https://example.org/attribution';

let node: XdagReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  node = await startXdagReplayServer({ mainBlocks: new Map([[2652592, recorded], [2652593, assembled.main]]), blocksByAddress: new Map(Object.entries(assembled.byHash)), head: 2652593 });
  node.failNext('http503', 1, 'xdag_getBlockByHash');
  node.failNext('garbage', 1, 'xdag_getBlockByHash');
  pipeline = await startLedgerPipeline({
    name: 'xdag',
    chainId: 'xdag',
    chain: { kind: 'xdag', apiUrl: node.url, pollIntervalMs: 100, startBlock: 2652593, confirmations: 1 },
    entries: [
      { chain: 'xdag', address: WATCHED, label: 'CoinEx theft (XDAG)', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'xdag', address: RECORDED_RECIPIENT, label: 'Recorded XDAG recipient', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('XDAG end to end', () => {
  it('alerts an accepted XDAG payment to the watched account once despite node faults, not the rejected one', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(accepted['hash']).length >= 1 && emailsFor(accepted['hash']).length >= 1, { what: 'XDAG alert', timeoutMs: 60_000 });
    const hook = hooksFor(accepted['hash'])[0]!;
    expect(hook.signatureValid).toBe(true);
    expect(hook.body.data).toMatchObject({ chain: 'xdag', kind: 'native', direction: 'in', to: WATCHED, from: '4mvr3DNkpWY9ikpGy4maaMSQqUmXjR2hp', amount: '12500000000' /* "12.500000000" XDAG in nano-XDAG */, asset: { contract: null, symbol: 'XDAG', decimals: 9 }, blockNumber: 2652593, blockHash: assembled.main['hash'] });
    expect(emailsFor(accepted['hash'])[0]).toContain(`https://explorer.xdag.io/block/${accepted['hash']}`);
    expect(hooksFor(accepted['hash'])).toHaveLength(1);
    // The witness block linking the payment was walked; the previous main block was asked but not descended into.
    expect(node.hashesRequested.has(recorded['address'])).toBe(true);
    expect(pipeline.logLines.join('')).toContain('XDAG API request failed; retrying');
    expect(hooksFor(rejected['hash']).filter((h) => h.body.data['kind'] === 'native')).toHaveLength(0);
  });

  it('alerts the recorded transaction block paying a watched account, with the amount it received after the fee', async () => {
    const { hooksFor, emailsFor } = pipeline;
    const hash = recordedTx['hash'] as string;
    await waitFor(() => hooksFor(hash).length >= 1 && emailsFor(hash).length >= 1, { what: 'XDAG alert on the recorded block', timeoutMs: 60_000 });
    const hook = hooksFor(hash)[0]!;
    expect(hook.signatureValid).toBe(true);
    // "1.000000000" in from QCe7…, printed "0.900000000" out once applied (0.1 XDAG fee): nano-XDAG in the webhook.
    expect(hook.body.data).toMatchObject({ chain: 'xdag', kind: 'native', direction: 'in', to: RECORDED_RECIPIENT, from: 'QCe7mZrnqDUVhvN4CGcRV2drB3gJm3TtH', amount: '900000000', asset: { contract: null, symbol: 'XDAG', decimals: 9 }, blockNumber: 2652593, blockHash: assembled.main['hash'] });
    const email = emailsFor(hash)[0]!;
    expect(email).toContain(`https://explorer.xdag.io/block/${hash}`);
    expect(email).toContain(RECORDED_RECIPIENT);
    expect(hooksFor(hash)).toHaveLength(1);
  });
});
