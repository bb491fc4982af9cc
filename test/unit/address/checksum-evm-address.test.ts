import { getAddress, hexlify, randomBytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { checksumEvmAddress, checksumEvmAddressMemo } from '../../../src/core/address/checksum-evm-address.js';

describe('checksumEvmAddress (EIP-55)', () => {
  it('matches the EIP-55 test vectors', () => {
    // From EIP-55 itself.
    for (const vector of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
      '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
    ]) {
      expect(checksumEvmAddress(vector.toLowerCase())).toBe(vector);
    }
  });

  it('agrees with ethers getAddress on 5,000 random addresses', () => {
    for (let i = 0; i < 5000; i++) {
      const lower = hexlify(randomBytes(20)).toLowerCase();
      expect(checksumEvmAddress(lower)).toBe(getAddress(lower));
    }
  });

  it('memoised: the same answers as ethers, repeated and past the memo limit (it is forgotten, not wrong)', () => {
    const addresses = Array.from({ length: 12_000 }, () => hexlify(randomBytes(20)).toLowerCase());
    for (const round of [0, 1]) {
      for (const lower of round === 0 ? addresses : addresses.slice(0, 50).concat(addresses.slice(-50))) {
        expect(checksumEvmAddressMemo(lower)).toBe(getAddress(lower));
      }
    }
  });
});
