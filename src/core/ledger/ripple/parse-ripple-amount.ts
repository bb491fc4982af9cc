import type { Asset } from '../../movement.js';
import type { LedgerLegKind } from '../ledger-block.js';

/** XRP: drops (1 XRP = 10^6 drops). */
export const XRP_ASSET: Asset = { contract: null, symbol: 'XRP', decimals: 6 };

/**
 * Issued currencies (IOUs) carry a decimal value of 16 significant digits with
 * an exponent from -96 to 80; chainwatch holds them in units of 10^-15 (the
 * amount below that is truncated: dust no alert depends on).
 */
export const ISSUED_CURRENCY_DECIMALS = 15;

export interface RippleAmount {
  readonly kind: LedgerLegKind;
  readonly asset: Asset;
  readonly amount: bigint;
}

/** Why a transaction's amount could not be read (the transaction is flagged, the ledger kept). */
export class RippleAmountError extends Error {
  override readonly name = 'RippleAmountError';
}

/**
 * An amount as rippled writes it: XRP as a string of drops, an issued currency
 * as `{ currency, issuer, value }` (the asset is `<currency>.<issuer>`: the same
 * code from two issuers is two assets), a multi-purpose token (XLS-33) as
 * `{ mpt_issuance_id, value }` (integer units; its scale lives in the issuance,
 * not the transaction, so decimals 0). Negative or malformed amounts throw.
 */
export function parseRippleAmount(raw: unknown): RippleAmount {
  if (typeof raw === 'string') {
    if (!/^\d{1,20}$/.test(raw)) throw new RippleAmountError(`XRP amount "${clip(raw)}" is not a whole number of drops`);
    return { kind: 'native', asset: XRP_ASSET, amount: BigInt(raw) };
  }
  if (raw === null || typeof raw !== 'object') throw new RippleAmountError('amount is neither drops nor an object');
  const o = raw as Record<string, unknown>;
  if (typeof o['mpt_issuance_id'] === 'string') {
    const id = o['mpt_issuance_id'];
    const value = o['value'];
    if (!/^[0-9A-Fa-f]{48}$/.test(id)) throw new RippleAmountError(`MPT issuance id "${clip(id)}" is not 24 bytes of hex`);
    if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) throw new RippleAmountError('MPT amount is not a whole number');
    return { kind: 'token', asset: { contract: id.toUpperCase(), symbol: 'MPT', decimals: 0 }, amount: BigInt(value) };
  }
  const { currency, issuer, value } = o;
  if (typeof currency !== 'string' || typeof issuer !== 'string' || typeof value !== 'string') throw new RippleAmountError('issued amount lacks currency, issuer or value');
  if (!/^[A-Za-z0-9?!@#$%^&*<>(){}[\]|]{3}$/.test(currency) && !/^[0-9A-Fa-f]{40}$/.test(currency)) throw new RippleAmountError(`currency code "${clip(currency)}" is neither 3 characters nor 40 hex digits`);
  if (currency === 'XRP') throw new RippleAmountError('an issued amount cannot be in XRP');
  return { kind: 'token', asset: { contract: `${currency}.${issuer}`, symbol: currencySymbol(currency), decimals: ISSUED_CURRENCY_DECIMALS }, amount: parseIssuedValue(value) };
}

/** "1.5", "9.980039920159681", "1e-5", "1.2345e+20" -> units of 10^-15, truncated toward zero. */
function parseIssuedValue(value: string): bigint {
  const m = /^(\d{1,40})(?:\.(\d{1,40}))?(?:[eE]([+-]?\d{1,3}))?$/.exec(value);
  if (m === null) throw new RippleAmountError(`issued value "${clip(value)}" is not a non-negative decimal`);
  const fraction = m[2] ?? '';
  const exponent = Number(m[3] ?? '0') - fraction.length + ISSUED_CURRENCY_DECIMALS;
  // rippled's range is 10^-96..10^96; anything beyond is not an XRPL amount.
  if (exponent > 120 || exponent < -160) throw new RippleAmountError(`issued value "${clip(value)}" is out of range`);
  const digits = BigInt(`${m[1]!}${fraction}`);
  return exponent >= 0 ? digits * 10n ** BigInt(exponent) : digits / 10n ** BigInt(-exponent);
}

/**
 * A currency code for display: 3-character codes as written; 40-hex codes
 * (nonstandard currencies) as their ASCII text when they are printable text
 * padded with zero bytes (`534F4C4F00…` -> SOLO), otherwise the hex.
 */
export function currencySymbol(code: string): string {
  if (code.length !== 40) return code;
  const bytes = Buffer.from(code, 'hex');
  // A leading zero byte is the standard format: an ISO code in bytes 12..14.
  if (bytes[0] === 0) {
    const iso = bytes.subarray(12, 15).toString('latin1');
    return /^[A-Za-z0-9]{3}$/.test(iso) ? iso : code.toUpperCase();
  }
  const text = bytes.toString('latin1').replace(/\0+$/, '');
  return /^[\x21-\x7e]{1,20}$/.test(text) ? text : code.toUpperCase();
}

function clip(text: string): string {
  return text.length > 50 ? `${text.slice(0, 50)}…` : text;
}
