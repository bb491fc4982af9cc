/**
 * Zcash transparent legs feed Bitcoin's matching unchanged: outputs paying a watched t-address are `in`
 * movements, inputs spending a remembered outpoint are `out` movements. On real NU5 block 1,687,108
 * (test/fixtures/zcash/NOTES.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildBitcoinAddress } from '../../../src/core/btc/build-bitcoin-address.js';
import { matchBitcoinTransactions } from '../../../src/core/btc/match-bitcoin-transactions.js';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { readEquihashHeader } from '../../../src/core/btc/read-equihash-header.js';
import { utxoAsset, utxoBlockRules, utxoNetwork } from '../../../src/core/btc/utxo-chain.js';
import { watchlistOf } from './watchlist-of.js';

const raw = Buffer.from(readFileSync(fileURLToPath(new URL('../../fixtures/zcash/block-main-1-687-108.txt', import.meta.url)), 'utf8').trim(), 'hex');
const hash = readEquihashHeader(raw, 'zcash 1687108').hash;
const block = parseBitcoinBlock(raw, { height: 1_687_108, hash }, utxoBlockRules('zcash'));
const network = utxoNetwork('zcash', 'mainnet');
const common = { chain: 'zcash', network, txs: block.txs, block: { number: 1_687_108, hash }, confirmations: 1, asset: utxoAsset('zcash') };

describe('Zcash transparent matching on block 1,687,108', () => {
  it('a transparent spend of a remembered outpoint is an out movement, with its fee when every input is known', () => {
    // Transaction 1 spends one transparent outpoint and pays one t1 output; pretend the outpoint was seen paying a watched address.
    const tx = block.txs[1]!;
    expect(tx.ins).toHaveLength(1);
    const watchedScript = `76a914${'11'.repeat(20)}88ac`;
    const watched = buildBitcoinAddress(watchedScript, network)!;
    const [txid, vout] = tx.ins[0]!.outpoint.split(':') as [string, string];
    const value = tx.outs[0]!.value + 10_000n;
    const remembered = new Map([[tx.ins[0]!.outpoint, { txid, vout: Number(vout), value, matchKey: watchedScript, address: watched }]]);
    const { movements } = matchBitcoinTransactions({ ...common, index: watchlistOf('zcash', [{ scriptHex: watchedScript, address: watched }]), remembered });
    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({ chain: 'zcash', direction: 'out', txHash: tx.txid, amount: value, vin: [0], from: [watched], asset: { symbol: 'ZEC', decimals: 8 } });
    expect(tx.shielded).toBeUndefined(); // fully transparent: inputs minus outputs is its fee
    expect(movements[0]!.fee).toBe(10_000n);
    expect(movements[0]!.to).toEqual([buildBitcoinAddress(tx.outs[0]!.scriptHex, network)]);
  });

  it('an output paying a watched t1 address is an in movement and is remembered for its later spend', () => {
    const tx = block.txs[4]!;
    const script = tx.outs[0]!.scriptHex;
    const address = buildBitcoinAddress(script, network)!;
    const { movements, created } = matchBitcoinTransactions({ ...common, index: watchlistOf('zcash', [{ scriptHex: script, address }]), remembered: new Map() });
    expect(movements).toEqual([expect.objectContaining({ direction: 'in', txHash: tx.txid, amount: tx.outs[0]!.value, to: [address], fee: null })]);
    expect(created).toEqual([{ txid: tx.txid, vout: 0, value: tx.outs[0]!.value, matchKey: script, address }]);
  });
});
