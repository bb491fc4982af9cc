import { describe, expect, it } from 'vitest';
import { AbiCoder, encodeBytes32String, toBeHex } from 'ethers';
import { decodeTokenMetadata } from '../../../src/core/evm/decode-token-metadata.js';

const abi = AbiCoder.defaultAbiCoder();

describe('decodeTokenMetadata', () => {
  it('decodes ABI string symbols and uint8 decimals', () => {
    expect(decodeTokenMetadata('erc20', abi.encode(['string'], ['USDT']), abi.encode(['uint8'], [6]))).toEqual({ symbol: 'USDT', decimals: 6 });
  });

  it('decodes legacy bytes32 symbols (MKR)', () => {
    expect(decodeTokenMetadata('erc20', encodeBytes32String('MKR'), toBeHex(18, 32))).toEqual({ symbol: 'MKR', decimals: 18 });
  });

  it('falls back on failed calls, empty or garbage data, absurd decimals; strips control characters', () => {
    expect(decodeTokenMetadata('erc20', undefined, undefined)).toEqual({ symbol: 'ERC20', decimals: 0, rawUnits: true });
    expect(decodeTokenMetadata('erc20', '0x', '0x')).toEqual({ symbol: 'ERC20', decimals: 0, rawUnits: true });
    expect(decodeTokenMetadata('erc20', `0x${'ff'.repeat(70)}`, toBeHex(1000, 32))).toEqual({ symbol: 'ERC20', decimals: 0, rawUnits: true });
    expect(decodeTokenMetadata('erc20', abi.encode(['string'], ['EVIL\r\nBcc: x']), toBeHex(8, 32)).symbol).toBe('EVILBcc: x');
  });

  it('NFTs have 0 decimals whatever decimals() says; ERC-1155 without symbol() shows ERC1155', () => {
    expect(decodeTokenMetadata('erc721', abi.encode(['string'], ['BAYC']), toBeHex(18, 32))).toEqual({ symbol: 'BAYC', decimals: 0 });
    expect(decodeTokenMetadata('erc1155', undefined, undefined)).toEqual({ symbol: 'ERC1155', decimals: 0 });
  });
});
