/**
 * The cosmos and polkadot sources over their replay nodes through the real ledger HTTP client:
 * heads, headers for reorg walks, heights the node does not have yet, unreadable transactions
 * counted for /readyz. (The end-to-end tests cover blocks through the whole pipeline.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerHttpClient } from '../../src/adapters/ledger/ledger-http-client.js';
import { LEDGER_SOURCES } from '../../src/adapters/ledger/ledger-sources.js';
import type { LedgerSource } from '../../src/adapters/ledger/ledger-source.js';
import { withLedgerDefaults, ledgerChainSchema } from '../../src/config/ledger-chain-schema.js';
import { startCosmosReplayServer, type CosmosReplayServer } from '../../src/devchain/ledger/cosmos/start-cosmos-replay-server.js';
import { startSidecarReplayServer, type SidecarReplayServer } from '../../src/devchain/ledger/polkadot/start-sidecar-replay-server.js';
import { CRYPTO_ORG, recordedHeight } from '../helpers/cosmos-fixtures.js';
import { recordedSidecarBlock } from '../helpers/polkadot-fixtures.js';

const RETRY = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 };

function sourceFor(kind: 'cosmos' | 'polkadot', url: string, extra: Record<string, unknown> = {}): LedgerSource {
  const chain = withLedgerDefaults(ledgerChainSchema.parse({ kind, apiUrl: url, ...extra }), `test-${kind}`);
  return LEDGER_SOURCES[kind]!.create({ chain, http: createLedgerHttpClient({ chain: chain.id, urls: [url], timeoutMs: 5000, retry: RETRY }) });
}

describe('cosmos source (CometBFT RPC)', () => {
  let node: CosmosReplayServer;
  const recorded = recordedHeight(CRYPTO_ORG);
  const HEIGHT = CRYPTO_ORG.height;
  beforeAll(async () => {
    // The recorded crypto.org block, with the MsgSend's transfer sender made unreadable (hostile node data).
    const broken = structuredClone(recorded.results);
    const send = (broken['txs_results'] as { events: { type: string; attributes: { key: string; value: string }[] }[] }[])[1]!.events[3]!;
    send.attributes.find((a) => a.key === Buffer.from('sender').toString('base64'))!.value = Buffer.from('not-an-address').toString('base64');
    node = await startCosmosReplayServer({ heights: new Map([[HEIGHT, { block: recorded.block, results: broken }]]), head: HEIGHT });
  });
  afterAll(() => node.close());

  it('reads the head and headers, waits for a height the node lacks, counts an unreadable tx', async () => {
    const source = sourceFor('cosmos', node.url, { addressPrefix: CRYPTO_ORG.prefix, options: CRYPTO_ORG.options });
    expect(await source.fetchHeadNumber()).toBe(HEIGHT);
    const header = recorded.block as { block_id: { hash: string }; block: { header: { last_block_id: { hash: string } } } };
    expect(await source.fetchHeaders([HEIGHT])).toEqual([{ number: HEIGHT, hash: header.block_id.hash, parentHash: header.block.header.last_block_id.hash }]);
    // Headers never need the results.
    expect(node.resultsRequested.size).toBe(0);
    await expect(source.fetchBlocks([HEIGHT + 1])).rejects.toMatchObject({ name: 'RetryableError' });
    const [block] = await source.fetchBlocks([HEIGHT]);
    expect(block!.transactions).toHaveLength(2);
    expect(source.describe?.()).toMatchObject({ api: 'cometbft-rpc', native_denom: 'basecro', skipped_transactions: 1, last_skipped_transaction: expect.stringMatching(/not-an-address/) as unknown });
  });
});

describe('polkadot source (Substrate API Sidecar)', () => {
  let node: SidecarReplayServer;
  const first = recordedSidecarBlock(19772575);
  beforeAll(async () => {
    node = await startSidecarReplayServer({ blocks: new Map([[19772575, first]]), finalizedHead: 19772575 });
  });
  afterAll(() => node.close());

  it('follows the finalized head, reads headers alone, shows accounts under the configured prefix', async () => {
    const source = sourceFor('polkadot', node.url, { addressPrefix: '2' });
    expect(await source.fetchHeadNumber()).toBe(19772575);
    expect(node.requests.get('GET /blocks/head/header')).toBe(1);
    expect(await source.fetchHeaders([19772575])).toEqual([{ number: 19772575, hash: first.hash, parentHash: first.parentHash }]);
    expect(node.blocksRequested.size).toBe(0);
    const [block] = await source.fetchBlocks([19772575]);
    // Kusama-format (prefix 2) addresses start with a capital letter.
    expect(block!.transactions[2]!.signer?.display).toMatch(/^[C-HJ]/);
    expect(source.describe?.()).toMatchObject({ api: 'substrate-api-sidecar', head: 'finalized', ss58_prefix: 2, skipped_extrinsics: 0 });
  });
});
