import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { normalizeXdagAddress } from '../../../../src/core/ledger/xdag/xdag-address.js';

describe('XDAG addresses', () => {
  it('validates the shipped CoinEx-theft address', () => {
    const a = normalizeXdagAddress('15VY3MadZvLpXhjzFXwCUmtZcHszju6L9');
    expect(a.matchKey).toMatch(/^[0-9a-f]{40}$/);
    expect(a.display).toBe('15VY3MadZvLpXhjzFXwCUmtZcHszju6L9');
  });

  it('refuses a typo, a TRON/Bitcoin-style versioned address and an old base64 block id', () => {
    expect(() => normalizeXdagAddress('15VY3MadZvLpXhjzFXwCUmtZcHszju6L8')).toThrow(/checksum|not an XDAG/);
    expect(() => normalizeXdagAddress('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')).toThrow(AddressError);
    expect(() => normalizeXdagAddress('gKNRtSL1pUaTpzMuPMznKw49ILtP6qX3')).toThrow(AddressError);
  });
});
