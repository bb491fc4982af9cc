/**
 * TON end to end as an operator runs it: config files (user-friendly addresses) -> the ledger
 * poller over a toncenter API v3 replay node (the recorded transaction of masterchain block
 * 33013054, test/fixtures/ledger/ton/NOTES.md) -> real Redis queue -> alerter -> real SMTP
 * server and signed webhook. The node fails (503, a proxy's HTML page) and the next block is
 * not indexed yet: retried, nothing skipped, nothing alerted twice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTonAddress } from '../../src/core/ledger/ton/ton-address.js';
import { startTonReplayServer, type TonReplayServer } from '../../src/devchain/ledger/ton/start-ton-replay-server.js';
import { startLedgerPipeline, type LedgerPipeline } from '../helpers/start-ledger-pipeline.js';
import { TON_RECORDED_SEQNO as S, tonAbortedTransaction, tonRecordedTransaction, tonReplayBlock } from '../helpers/ton-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

const API_KEY = `ton-key-${randomBytes(8).toString('hex')}`;
const SOURCE = 'https://example.org/attribution';
const recorded = tonRecordedTransaction();
const aborted = { ...tonAbortedTransaction(S + 1), in_msg: { ...recorded.in_msg, source: null, value: null } };
const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
const friendly = (raw: string) => encodeTonAddress(Number(raw.split(':')[0]), raw.split(':')[1]!.toLowerCase());
// The gateway written as the testnet form its operators use; the recipient as bounceable mainnet.
const GATEWAY = 'kQAAGUqtjkIr7fQ_7nRtbZKdNp26slRopp1RNwbqaXi2OnXH';
const valued = recorded.out_msgs.find((m) => m['destination'] !== null)!;
const RECIPIENT = friendly(valued['destination'] as string);

let node: TonReplayServer;
let pipeline: LedgerPipeline;

beforeAll(async () => {
  node = await startTonReplayServer({
    blocks: new Map([
      [S - 1, tonReplayBlock(S - 1, [])],
      [S, tonReplayBlock(S, [recorded])],
      [S + 1, tonReplayBlock(S + 1, [aborted])],
    ]),
    head: S,
  });
  node.failNext('http503', 1, '/api/v3/transactions');
  node.failNext('garbage', 1, '/api/v3/blocks');

  pipeline = await startLedgerPipeline({
    name: 'ton',
    chainId: 'ton',
    chain: { kind: 'ton', apiUrl: node.url, apiKey: API_KEY, pollIntervalMs: 100, startBlock: S },
    entries: [
      { chain: 'ton', address: GATEWAY, label: 'TON gateway', incident: 'test-heist-2026', source: SOURCE },
      { chain: 'ton', address: RECIPIENT, label: 'TON relayer', incident: 'test-heist-2026', source: SOURCE },
    ],
  });
});

afterAll(async () => {
  await pipeline?.close();
  await node?.close();
});

describe('TON end to end', () => {
  it('alerts the recorded nanoton transfer to both watched accounts by email and signed webhook, and a failed one as activity', async () => {
    const { hooksFor, emailsFor } = pipeline;
    const txHex = hex(recorded.hash);
    await waitFor(() => hooksFor(txHex).length >= 2 && emailsFor(txHex).length >= 1, { what: 'TON alerts', timeoutMs: 60_000 });
    const byDirection = Object.fromEntries(hooksFor(txHex).map((h) => [h.body.data['direction'], h]));
    expect(byDirection['out']!.signatureValid).toBe(true);
    const amount = String(valued['value']);
    expect(byDirection['out']!.body.data).toMatchObject({ chain: 'ton', kind: 'native', direction: 'out', blockNumber: S, from: friendly(recorded.account), to: RECIPIENT, amount, asset: { contract: null, symbol: 'TON', decimals: 9 } });
    expect(byDirection['in']!.body.data).toMatchObject({ direction: 'in', to: RECIPIENT, amount });
    expect(emailsFor(txHex)[0]).toContain(`https://tonviewer.com/transaction/${txHex}`);
    // 93402800 nanotons = 0.0934028 TON
    expect(pipeline.smtp.messages.map((m) => m.text ?? '').join('\n')).toMatch(/0\.0934028 TON/);

    // Block S+1 is not committed yet: never asked for until the head moves.
    expect(node.transactionsRequested.has(S + 1)).toBe(false);
    node.head = S + 1;
    const abortedHex = hex(aborted.hash);
    await waitFor(() => hooksFor(abortedHex).length >= 1, { what: 'aborted-transaction activity', timeoutMs: 60_000 });
    expect(hooksFor(abortedHex).map((h) => h.body.data['kind'])).toEqual(['activity']);

    // Exactly once per leg despite the injected failures and retries.
    expect(hooksFor(txHex)).toHaveLength(2);
    expect([...node.headerValues('x-api-key')]).toEqual([API_KEY]);
    expect(pipeline.logLines.join('')).not.toContain(API_KEY);
    expect(pipeline.logLines.join('')).toContain('TON API request failed; retrying');
  });
});
