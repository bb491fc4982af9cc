/**
 * Tezos end to end (issue #14): config files -> the ledger poller over the Octez RPC of a replay
 * node serving recorded mainnet block 1470478 (a hic et nunc collect: tez to the marketplace, an
 * internal FA2 transfer of the OBJKT to the buyer) and an assembled next block made of recorded
 * operation contents (test/fixtures/ledger/tezos/NOTES.md) -> real Redis queue -> alerter -> real
 * SMTP sink and signed webhook receiver; node faults are retried, nothing skipped or repeated.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTezosReplayServer, type TezosReplayServer } from '../../src/devchain/ledger/tezos/start-tezos-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/ledger/tezos/${name}`, import.meta.url), 'utf8')) as Json;
const recorded = fixture('block-1470478.json') as { hash: string; header: Json } & Json;
const contents = fixture('batch-result-contents.json') as unknown as Json[];
const N = recorded.header['level'] as number;
const SOURCE = 'https://example.org/attribution';
const COLLECT = 'oo4ZXrmij79uZfWKPzxQHsyVS3TLecHDVx8ZrLv6qpeijLLzP3b';
const buyer = recorded['operations'][0][0]['contents'][0]['source'] as string;
const payment = contents[0]!;

// Assembled: the next level, linked by predecessor, holding one recorded transaction content under an assembled hash.
const NEXT_OP = 'opNzjyNGHBAgvsVMyezUAPSZKbFcXZmTh6GTjcTjAGtGMpVG3Eh';
const next = { protocol: recorded['protocol'], chain_id: recorded['chain_id'], hash: 'BMZXDPn8kKMCSXX1ZfpkCHBuSeXkwqbEp3MJtEwNB21TNVC3Gsp', header: { level: N + 1, predecessor: recorded.hash }, operations: [[], [], [], [{ hash: NEXT_OP, contents: [payment] }]] };

let node: TezosReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  node = await startTezosReplayServer({ blocks: new Map([[N, recorded], [N + 1, next]]), head: N + 1 });
  node.failNext('http503', 1, `/chains/main/blocks/${N}`);
  node.failNext('garbage', 1, `/chains/main/blocks/${N}`);
  pipeline = await startLedgerPipeline({
    name: 'tezos',
    chainId: 'tezos',
    chain: { kind: 'tezos', apiUrl: node.url, pollIntervalMs: 100, startBlock: N },
    entries: [
      { chain: 'tezos', address: buyer, label: 'NFT buyer', incident: 'test-heist-2026', source: SOURCE, tags: ['lazarus'] },
      { chain: 'tezos', address: payment['destination'], label: 'tez cash-out', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Tezos end to end', () => {
  it('alerts the tez payment and the FA2 token received by a watched tz1, then the next block once final', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(COLLECT).length >= 2 && emailsFor(COLLECT).length >= 1, { what: 'Tezos alerts', timeoutMs: 60_000 });
    const byKind = Object.fromEntries(hooksFor(COLLECT).map((h) => [h.body.data['kind'] as string, h]));
    expect(byKind['native']!.signatureValid).toBe(true);
    expect(byKind['native']!.body.data).toMatchObject({ chain: 'tezos', direction: 'out', from: buyer, amount: '500000', asset: { contract: null, symbol: 'XTZ', decimals: 6 }, blockNumber: N, blockHash: recorded.hash, confirmations: 2 });
    expect(byKind['token']!.body.data).toMatchObject({ direction: 'in', to: buyer, amount: '1', tokenId: '77582', asset: { contract: 'KT1RJ6PbjHpwc3M5rw5s2Nbmefwbuwbdxton' } });
    const mail = emailsFor(COLLECT).join('\n');
    expect(mail).toContain(`https://tzkt.io/${COLLECT}`);
    expect(mail).toMatch(/OUT\s+0\.5 XTZ/);

    // Level N+1 has one block on top only once the head moves.
    expect(node.blocksRequested.has(N + 1)).toBe(false);
    node.head = N + 2;
    await waitFor(() => hooksFor(NEXT_OP).length >= 1, { what: 'next block alert', timeoutMs: 60_000 });
    expect(hooksFor(NEXT_OP)[0]!.body.data).toMatchObject({ kind: 'native', direction: 'in', to: payment['destination'], from: payment['source'], amount: payment['amount'], blockHash: next.hash });

    expect(hooksFor(COLLECT)).toHaveLength(2);
    expect(hooksFor(NEXT_OP)).toHaveLength(1);
    expect(pipeline.logLines.join('')).toContain('Tezos API request failed; retrying');
  });
});
