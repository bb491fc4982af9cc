/** XRP Ledger addresses: the shipped watchlist addresses, checksums, X-addresses. */
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';

describe('normalizeRippleAddress', () => {
  it('accepts the shipped watchlist addresses (CoinEx theft, OFAC SDN) and keys them by account id', () => {
    for (const a of ['rpQxVcjVF2fC23r3xKyJS53jw8d5SRhZQf', 'rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66']) {
      const n = normalizeLedgerAddress('ripple', a);
      expect(n.display).toBe(a);
      expect(n.matchKey).toMatch(/^[0-9a-f]{40}$/);
    }
    // The genesis account's id is all zero bytes except the well-known value (rippled docs: rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh).
    expect(normalizeLedgerAddress('ripple', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh').matchKey).toBe('b5f762798a53d543a014caf8b297cff8f2f937e8');
    // ACCOUNT_ZERO (rrrrrrrrrrrrrrrrrrrrrhoLvTp) is 20 zero bytes.
    expect(normalizeLedgerAddress('ripple', 'rrrrrrrrrrrrrrrrrrrrrhoLvTp').matchKey).toBe('0'.repeat(40));
  });

  it('refuses a wrong checksum, another alphabet and foreign addresses with a clear AddressError', () => {
    for (const bad of ['rpQxVcjVF2fC23r3xKyJS53jw8d5SRhZQg', 'rpQxVcjVF2fC23r3xKyJS53jw8d5SRhZQ0', '0x52908400098527886E0F7030069857D2E4169EE7', 'GBPIDVKDSNF74OAGVBSPKLW73CSCGISBOBRB3ODROTMOEENZFC6WJFPN', '']) {
      expect(() => normalizeLedgerAddress('ripple', bad)).toThrow(AddressError);
    }
    try {
      normalizeLedgerAddress('ripple', 'rpQxVcjVF2fC23r3xKyJS53jw8d5SRhZQg');
    } catch (err) {
      expect((err as AddressError).code).toBe('invalid_ledger_address');
      expect((err as AddressError).message).toMatch(/checksum/);
    }
  });

  it('reads a mainnet X-address as its classic account and refuses a testnet one', () => {
    // XLS-5 test vectors (ripple-address-codec README): rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf with tag 4294967295.
    expect(normalizeLedgerAddress('ripple', 'XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi').display).toBe('rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf');
    expect(() => normalizeLedgerAddress('ripple', 'TVsBZmcewpEHgajPi1jApLeYnHPJw82v9JNYf7dkGmWphmh')).toThrow(/testnet/);
  });
});
