import { AddressError } from '../../address/address-error.js';
import type { LedgerAddress } from '../ledger-profile.js';

/** TEP-2 user-friendly flags: 0x11 bounceable, 0x51 non-bounceable, +0x80 testnet-only. */
const BOUNCEABLE = 0x11;
const NON_BOUNCEABLE = 0x51;
const TESTNET = 0x80;

/**
 * A TON account (TEP-2): raw `<workchain>:<64 hex>` or user-friendly base64/base64url
 * of 36 bytes (flags, workchain, 32-byte account id, CRC16-XModem of the first 34).
 * The match key is `<workchain>:<lowercase hex>`, so the bounceable (EQ..),
 * non-bounceable (UQ..) and raw forms of one account match each other; the display
 * is the bounceable mainnet form explorers accept.
 */
export function normalizeTonAddress(address: string): LedgerAddress {
  const text = address.trim();
  const raw = /^(-?\d{1,3}):([0-9a-fA-F]{64})$/.exec(text);
  if (raw !== null) {
    const workchain = Number(raw[1]);
    if (workchain < -128 || workchain > 127) throw new AddressError('invalid_ledger_address', `TON address ${text} has workchain ${workchain} outside -128..127`);
    return fromParts(workchain, raw[2]!.toLowerCase());
  }
  if (!/^[A-Za-z0-9_\-+/]{48}$/.test(text)) throw new AddressError('invalid_ledger_address', `${text} is not a TON address (48 base64 characters, or <workchain>:<64 hex>)`);
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 36) throw new AddressError('invalid_ledger_address', `${text} is not a TON address (it does not decode to 36 bytes)`);
  const flags = bytes[0]! & ~TESTNET;
  if (flags !== BOUNCEABLE && flags !== NON_BOUNCEABLE) throw new AddressError('invalid_ledger_address', `TON address ${text} has unknown flags 0x${bytes[0]!.toString(16)}`);
  const expected = crc16Xmodem(bytes.subarray(0, 34));
  if (bytes.readUInt16BE(34) !== expected) throw new AddressError('invalid_ledger_address', `TON address ${text} has a wrong checksum (a typo?)`);
  return fromParts(bytes.readInt8(1), bytes.subarray(2, 34).toString('hex'));
}

/** The bounceable mainnet user-friendly form (EQ.. on workchain 0) of an account. */
export function encodeTonAddress(workchain: number, accountHex: string): string {
  const bytes = Buffer.alloc(36);
  bytes[0] = BOUNCEABLE;
  bytes.writeInt8(workchain, 1);
  Buffer.from(accountHex, 'hex').copy(bytes, 2);
  bytes.writeUInt16BE(crc16Xmodem(bytes.subarray(0, 34)), 34);
  return bytes.toString('base64url');
}

function fromParts(workchain: number, accountHex: string): LedgerAddress {
  return { matchKey: `${workchain}:${accountHex}`, display: encodeTonAddress(workchain, accountHex) };
}

/** CRC-16/XMODEM (poly 0x1021, init 0), the checksum TEP-2 puts at the end of a user-friendly address. */
function crc16Xmodem(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
