import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../../src/core/address/address-error.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';
import { encodeTonAddress, normalizeTonAddress } from '../../../../src/core/ledger/ton/ton-address.js';

describe('TON addresses', () => {
  it('the shipped CoinEx-theft address validates', () => {
    const a = normalizeLedgerAddress('ton', 'EQATuwsj4O2cXXFwaIdDRyS9Vv19Emmd6mwHy41QiiBqLH8N');
    expect(a.matchKey).toMatch(/^0:[0-9a-f]{64}$/);
    // Bounceable mainnet is the display form: the shipped address comes back unchanged.
    expect(a.display).toBe('EQATuwsj4O2cXXFwaIdDRyS9Vv19Emmd6mwHy41QiiBqLH8N');
  });

  it('matches the user-friendly form and the raw form axelar-amplifier states are one account', () => {
    // ampd/src/ton/rpc.rs: TonAddress::from_base64_url("kQAAGUqt...") equals the transaction's raw account.
    const friendly = normalizeTonAddress('kQAAGUqtjkIr7fQ_7nRtbZKdNp26slRopp1RNwbqaXi2OnXH');
    const raw = normalizeTonAddress('0:00194AAD8E422BEDF43FEE746D6D929D369DBAB25468A69D513706EA6978B63A');
    expect(friendly.matchKey).toBe(raw.matchKey);
    expect(raw.matchKey).toBe('0:00194aad8e422bedf43fee746d6d929d369dbab25468a69d513706ea6978b63a');
  });

  it('bounceable, non-bounceable, base64 and base64url forms of one account share a match key', () => {
    const { matchKey } = normalizeTonAddress('EQATuwsj4O2cXXFwaIdDRyS9Vv19Emmd6mwHy41QiiBqLH8N');
    const [wc, hex] = matchKey.split(':') as [string, string];
    const bounceable = encodeTonAddress(Number(wc), hex);
    const bytes = Buffer.from(bounceable, 'base64url');
    bytes[0] = 0x51; // non-bounceable: the checksum changes with the flags
    const crcless = bytes.subarray(0, 34);
    const nonBounceable = Buffer.concat([crcless, Buffer.alloc(2)]);
    // Changing the flags without a new checksum is refused...
    expect(() => normalizeTonAddress(nonBounceable.toString('base64url'))).toThrow(/checksum/);
    // ...and accepts the standard base64 spelling of the bounceable form.
    expect(normalizeTonAddress(Buffer.from(bounceable, 'base64url').toString('base64')).matchKey).toBe(matchKey);
  });

  it('refuses typos, wrong lengths and unknown flags with a clear AddressError', () => {
    const typo = 'EQATuwsj4O2cXXFwaIdDRyS9Vv19Emmd6mwHy41QiiBqLH8M';
    expect(() => normalizeTonAddress(typo)).toThrow(AddressError);
    expect(() => normalizeTonAddress(typo)).toThrow(/checksum/);
    expect(() => normalizeTonAddress('EQATuwsj4O2cXXFwaIdDRyS9Vv19Emmd6mwHy41QiiBqLH8')).toThrow(/not a TON address/);
    expect(() => normalizeTonAddress('0:00194AAD')).toThrow(/not a TON address/);
    expect(() => normalizeTonAddress('k:00194aad8e422bedf43fee746d6d929d369dbab25468a69d513706ea6978b63a')).toThrow(AddressError);
  });
});
