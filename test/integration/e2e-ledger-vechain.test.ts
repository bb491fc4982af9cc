/**
 * VeChain end to end (issue #14): config files -> the ledger poller over the Thor REST API of
 * a replay node serving recorded mainnet block 17229578 (and an assembled child block, see
 * test/fixtures/ledger/vechain/NOTES.md) -> real Redis queue -> alerter -> real SMTP sink and
 * signed webhook receiver. The node fails (503, a garbage page) and is retried, nothing skipped
 * and nothing alerted twice.
 */
import { readFileSync } from 'node:fs';
import { getAddress } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVechainReplayServer, type VechainReplayServer } from '../../src/devchain/ledger/vechain/start-vechain-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

type RawTx = { id: string; origin: string; paid: string; clauses: { to: string; value: string }[]; outputs: { events: { data: string }[] }[] };
const recorded = JSON.parse(readFileSync(new URL('../fixtures/ledger/vechain/block-17229578.json', import.meta.url), 'utf8')) as { number: number; id: string; transactions: RawTx[] } & Record<string, unknown>;
const N = recorded.number;
const SOURCE = 'https://example.org/attribution';
const [swap, , reverted, payment] = recorded.transactions as [RawTx, RawTx, RawTx, RawTx];
const cashOut = payment.clauses[0]!.to;
const swapper = swap.origin;

// Assembled (not recorded): the next block, linked to the recorded one, in which the watched recipient moves 1000 VET on.
const NEXT_TX = `0x${'ab'.repeat(32)}`;
const next = {
  number: N + 1,
  id: `0x${(N + 1).toString(16).padStart(8, '0')}${'cd'.repeat(28)}`,
  parentID: recorded.id,
  timestamp: 1702821980,
  transactions: [{ id: NEXT_TX, origin: cashOut, delegator: null, paid: '0x2ea11e32ad50000', reverted: false, clauses: [{ to: swapper, value: '0x3635c9adc5dea00000', data: '0x' }], outputs: [{ contractAddress: null, events: [], transfers: [{ sender: cashOut, recipient: '0x000000000000000000000000000000000000dead', amount: '0x3635c9adc5dea00000' }] }] }],
};

let node: VechainReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  node = await startVechainReplayServer({ blocks: new Map([[N, recorded], [N + 1, next]]), head: N + 11 });
  node.failNext('http503', 1, `/blocks/${N}`);
  node.failNext('garbage', 1, `/blocks/${N}`);
  pipeline = await startLedgerPipeline({
    name: 'vechain',
    chainId: 'vechain',
    chain: { kind: 'vechain', apiUrl: node.url, pollIntervalMs: 100, startBlock: N },
    entries: [
      { chain: 'vechain', address: getAddress(cashOut), label: 'VET cash-out wallet', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'vechain', address: swapper, label: 'swapper', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'vechain', address: reverted.origin, label: 'failed VTHO sender', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('VeChain end to end', () => {
  it('alerts VET and VIP-180 movements and a reverted transaction by email and signed webhook, once each despite node faults', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(payment.id).length >= 1 && hooksFor(swap.id).length >= 2 && hooksFor(reverted.id).length >= 1 && emailsFor(payment.id).length >= 1, { what: 'VeChain alerts', timeoutMs: 60_000 });
    const [hook] = hooksFor(payment.id);
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.body.data).toMatchObject({
      chain: 'vechain',
      kind: 'native',
      direction: 'in',
      blockNumber: N,
      blockHash: recorded.id,
      to: getAddress(cashOut),
      from: getAddress(payment.origin),
      asset: { contract: null, symbol: 'VET', decimals: 18 },
      amount: BigInt(payment.clauses[0]!.value).toString(),
      confirmations: 12,
      watchlist: [{ address: getAddress(cashOut), label: 'VET cash-out wallet', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] }],
    });
    const mail = emailsFor(payment.id)[0]!;
    expect(mail).toContain(`https://vechainstats.com/transaction/${payment.id}/`);
    expect(mail).toMatch(/\bIN\s+4,160\.66 VET/);

    expect(hooksFor(swap.id).map((h) => [h.body.data['kind'], h.body.data['direction'], h.body.data['amount']]).sort()).toEqual(
      [
        ['native', 'out', (300n * 10n ** 18n).toString()],
        ['token', 'in', BigInt(swap.outputs[0]!.events[2]!.data).toString()],
      ].sort(),
    );
    expect(hooksFor(reverted.id).map((h) => [h.body.data['kind'], h.body.data['amount'], h.body.data['txFrom']])).toEqual([['activity', '0', getAddress(reverted.origin)]]);

    // The assembled next block is not confirmed yet; once it is, the cash-out wallet's outgoing move is alerted.
    expect(node.blocksRequested.has(N + 1)).toBe(false);
    node.head = N + 12;
    await waitFor(() => hooksFor(NEXT_TX).length >= 1, { what: 'next block alert', timeoutMs: 60_000 });
    expect(hooksFor(NEXT_TX)[0]!.body.data).toMatchObject({ kind: 'native', direction: 'out', amount: (1000n * 10n ** 18n).toString(), blockHash: next.id });

    for (const tx of [payment.id, reverted.id, NEXT_TX]) expect(hooksFor(tx)).toHaveLength(1);
    expect(hooksFor(swap.id)).toHaveLength(2);
    expect(pipeline.logLines.join('')).toContain('VeChainThor API request failed; retrying');
  });
});
