/**
 * Kadena end to end: config (k: accounts, options.chains) -> the ledger poller over a chainweb-node
 * replay (cut + block/branch; the recorded mainnet chain 4 payload and assembled transfers, see
 * test/fixtures/ledger/kadena/NOTES.md) -> real Redis queue -> alerter -> SMTP and signed webhook.
 * A 503 and a garbage answer are retried; heights are alerted only once 6 heights sit on top.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKadenaReplayServer, type KadenaReplayServer } from '../../src/devchain/ledger/kadena/start-kadena-replay-server.js';
import { KADENA_RECORDED_REQUEST_KEY, KADENA_RECORDED_SENDER, kadenaAssembledTx, kadenaRecordedPayload, kadenaReplayBlock } from '../helpers/kadena-fixtures.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const SOURCE = 'https://example.org/attribution';
const SHIPPED = 'k:a9f3672d7ad7a1e4592702d73b220cbc61db1fa17f89a56131d965bc03959913';
const H = 4_950_000;
const transfer = kadenaAssembledTx({ sender: SHIPPED, status: 'success', tag: 'e2e-transfer', eventsJson: `{"params":["${SHIPPED}","binance",2500.5],"name":"TRANSFER","module":{"namespace":null,"name":"coin"}}` });
const transferKey = JSON.parse(Buffer.from(transfer[0], 'base64url').toString()).hash as string;

let node: KadenaReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  const blocks = new Map<string, ReturnType<typeof kadenaReplayBlock>>();
  for (let h = H - 1; h <= H + 10; h++) {
    blocks.set(`4:${h}`, kadenaReplayBlock(4, h, h === H ? kadenaRecordedPayload().transactions : h === H + 1 ? [transfer] : []));
    blocks.set(`5:${h}`, kadenaReplayBlock(5, h, []));
  }
  // Height H+1 has only 4 heights on top at first (5 confirmations): not alerted until the cut moves.
  node = await startKadenaReplayServer({ blocks, chains: [4, 5], height: H + 5 });
  node.failNext('http503', 1, '/block/branch');
  node.failNext('garbage', 1, '/cut');

  pipeline = await startLedgerPipeline({
    name: 'kadena',
    chainId: 'kadena',
    chain: { kind: 'kadena', apiUrl: node.url, pollIntervalMs: 100, startBlock: H, options: { chains: [4, 5] } },
    entries: [
      { chain: 'kadena', address: SHIPPED, label: 'CoinEx thief', incident: 'test-heist-2026', source: SOURCE },
      // The oracle signer, written with an upper-case key: k: keys match in any case.
      { chain: 'kadena', address: `k:${KADENA_RECORDED_SENDER.slice(2).toUpperCase()}`, label: 'oracle signer', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Kadena end to end', () => {
  it('alerts the recorded signer as activity, then a KDA outflow of the shipped account once 6 heights confirm it', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(KADENA_RECORDED_REQUEST_KEY).length >= 1, { what: 'recorded transaction activity', timeoutMs: 60_000 });
    expect(hooksFor(KADENA_RECORDED_REQUEST_KEY)[0]!.body.data).toMatchObject({ chain: 'kadena', kind: 'activity', blockNumber: H });
    expect(hooksFor(KADENA_RECORDED_REQUEST_KEY)[0]!.signatureValid).toBe(true);

    const polls = node.requests.get('GET /chainweb/0.0/mainnet01/cut') ?? 0;
    await waitFor(() => (node.requests.get('GET /chainweb/0.0/mainnet01/cut') ?? 0) >= polls + 2, { what: 'two more cut polls' });
    expect(hooksFor(transferKey)).toEqual([]);
    node.height = H + 6;
    await waitFor(() => hooksFor(transferKey).length >= 1 && emailsFor(transferKey).length >= 1, { what: 'KDA outflow alert', timeoutMs: 60_000 });
    expect(hooksFor(transferKey)[0]!.body.data).toMatchObject({ kind: 'native', direction: 'out', from: SHIPPED, to: 'binance', amount: '2500500000000000', asset: { contract: null, symbol: 'KDA', decimals: 12 }, blockNumber: H + 1 });
    const mail = emailsFor(transferKey)[0]!;
    expect(mail).toContain(`https://explorer.kadena.io/mainnet/transaction/${transferKey}`);
    expect(mail).toMatch(/2,?500\.5 KDA/);

    expect(hooksFor(transferKey)).toHaveLength(1);
    expect(hooksFor(KADENA_RECORDED_REQUEST_KEY)).toHaveLength(1);
    expect(pipeline.logLines.join('')).toContain('Kadena API request failed; retrying');
  });
});
