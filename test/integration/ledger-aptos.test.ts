/**
 * Aptos end to end as an operator runs it: config files (hex addresses) -> the ledger poller
 * over the REST API of a replay node (a recorded mainnet block whose parent header is
 * assembled; test/fixtures/ledger/aptos/NOTES.md) -> real Redis queue -> alerter -> real SMTP
 * server and signed webhook receiver. The node fails like real ones do (503, garbage); the
 * API key goes out as a bearer token and never into a log line.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAptosReplayServer, type AptosReplayBlock, type AptosReplayServer } from '../../src/devchain/ledger/aptos/start-aptos-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

const API_KEY = `aptoslabs_${randomBytes(8).toString('hex')}`;
const SOURCE = 'https://example.org/attribution';
const HEIGHT = 445814139;

type RawTx = { type: string; hash: string; sender?: string; payload?: { arguments: string[] } };
type RecordedBlock = { block_height: string; block_hash: string; first_version: string; last_version: string; transactions: RawTx[] };
const recorded = JSON.parse(readFileSync(new URL('../fixtures/ledger/aptos/block-445814139.json', import.meta.url), 'utf8')) as RecordedBlock;
const transferTx = recorded.transactions.filter((t) => t.type === 'user_transaction')[1]!;
const [recipient, amount] = transferTx.payload!.arguments as [string, string];

let node: AptosReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  const firstVersion = BigInt(recorded.first_version);
  // Assembled: the parent's header (only its hash and version range are read).
  const parent: AptosReplayBlock = { block_height: String(HEIGHT - 1), block_hash: `0x${'ab'.repeat(32)}`, block_timestamp: '1', first_version: String(firstVersion - 3n), last_version: String(firstVersion - 1n), transactions: null };
  node = await startAptosReplayServer({ blocks: new Map<number, AptosReplayBlock>([[HEIGHT - 1, parent], [HEIGHT, recorded]]), head: HEIGHT });
  node.failNext('http503', 1, '/v1/blocks/by_height');
  node.failNext('garbage', 1, '/v1/blocks/by_height');

  pipeline = await startLedgerPipeline({
    name: 'aptos',
    chainId: 'aptos',
    chain: { kind: 'aptos', apiUrl: node.url, apiKey: API_KEY, pollIntervalMs: 100, startBlock: HEIGHT },
    // Written in upper case on purpose: matched by the 32 bytes.
    entries: [{ chain: 'aptos', address: recipient.toUpperCase().replace('0X', '0x'), label: 'FA collector', incident: 'test-heist-2026', source: SOURCE }],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('Aptos end to end', () => {
  it('alerts the fungible-asset deposit to a watched account by signed webhook and email, once, with an explorer link', async () => {
    const { hooksFor, emailsFor } = pipeline;
    await waitFor(() => hooksFor(transferTx.hash).length >= 1 && emailsFor(transferTx.hash).length >= 1, { what: 'Aptos alert', timeoutMs: 60_000 });
    const [hook] = hooksFor(transferTx.hash);
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.body.data).toMatchObject({ chain: 'aptos', kind: 'token', direction: 'in', blockNumber: HEIGHT, blockHash: recorded.block_hash, to: recipient, from: transferTx.sender, amount });
    expect(emailsFor(transferTx.hash)[0]).toContain(`https://explorer.aptoslabs.com/txn/${transferTx.hash}?network=mainnet`);
    expect(hooksFor(transferTx.hash)).toHaveLength(1);
    expect([...node.headerValues('authorization')]).toEqual([`Bearer ${API_KEY}`]);
    expect(pipeline.logLines.join('')).not.toContain(API_KEY);
    expect(pipeline.logLines.join('')).toContain('Aptos API request failed; retrying');
  });
});
