import { AbiCoder } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decodeTrc20Metadata } from '../../../src/core/tron/decode-trc20-metadata.js';
import { findTronTokenNeeds } from '../../../src/core/tron/find-tron-token-needs.js';
import { normalizeTronBlock } from '../../../src/core/tron/normalize-tron-block.js';
import { LEDGER_SENDER_KEY, ledgerLiveReplayBlock } from '../../helpers/tron-fixtures.js';
import { tronWatchlist } from './tron-watchlist.js';

const coder = AbiCoder.defaultAbiCoder();
const word = (types: string[], values: unknown[]): string => coder.encode(types, values).slice(2);

describe('decodeTrc20Metadata', () => {
  it('reads ABI string and bytes32 symbols and uint8 decimals', () => {
    expect(decodeTrc20Metadata(word(['string'], ['JST']), word(['uint8'], [18]))).toEqual({ symbol: 'JST', decimals: 18 });
    expect(decodeTrc20Metadata(Buffer.from('WIN'.padEnd(32, '\0')).toString('hex'), word(['uint8'], [6]))).toEqual({ symbol: 'WIN', decimals: 6 });
  });

  it('falls back to TRC20 in base units when a getter failed or answered nonsense', () => {
    expect(decodeTrc20Metadata(undefined, undefined)).toEqual({ symbol: 'TRC20', decimals: 0 });
    expect(decodeTrc20Metadata(word(['string'], ['\u0007\u0000']), word(['uint256'], [1000]))).toEqual({ symbol: 'TRC20', decimals: 0 });
  });
});

describe('findTronTokenNeeds', () => {
  const N = 79_072_108;
  const { block, infos } = ledgerLiveReplayBlock(N, '00'.repeat(32));
  const normalized = normalizeTronBlock(block, infos, N);

  it('asks nothing for USDT (built in) or for tokens no watched address touched', () => {
    expect(findTronTokenNeeds(normalized, 'tron', tronWatchlist('tron', [LEDGER_SENDER_KEY]))).toEqual([]);
    const other = { ...normalized, transactions: normalized.transactions.map((t) => ({ ...t, logs: t.logs.map((l) => ({ ...l, address: '41' + 'ab'.repeat(20) })) })) };
    expect(findTronTokenNeeds(other, 'tron', tronWatchlist('tron', ['41' + '00'.repeat(20)]))).toEqual([]);
    expect(findTronTokenNeeds(other, 'tron', tronWatchlist('tron', [LEDGER_SENDER_KEY]))).toEqual(['41' + 'ab'.repeat(20)]);
  });
});
