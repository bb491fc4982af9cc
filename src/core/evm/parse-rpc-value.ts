import { RetryableError } from '../errors.js';

/**
 * Hand-rolled checks for raw JSON-RPC values (faster than a schema library on
 * blocks with hundreds of transactions). A node that sends garbage is treated
 * as a transient fault (RetryableError): another attempt or another URL may
 * answer correctly, and the poller never skips the block.
 */
const QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/i;
/** Some nodes pad quantities with leading zeros (e.g. Erigon's "0x0" vs "0x00"); accept any hex digits. */
const LOOSE_QUANTITY = /^0x[0-9a-f]{1,64}$/i;
const HASH = /^0x[0-9a-f]{64}$/i;
const ADDRESS = /^0x[0-9a-f]{40}$/i;
const DATA = /^0x([0-9a-f]{2})*$/i;

export function badResponse(what: string): RetryableError {
  return new RetryableError('RPC_BAD_RESPONSE', `the RPC node returned an invalid ${what}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseQuantityBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'string' && (QUANTITY.test(value) || LOOSE_QUANTITY.test(value))) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw badResponse(what);
}

export function parseQuantity(value: unknown, what: string): number {
  const n = parseQuantityBigInt(value, what);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw badResponse(what);
  return Number(n);
}

export function parseHash(value: unknown, what: string): string {
  if (typeof value === 'string' && HASH.test(value)) return value.toLowerCase();
  throw badResponse(what);
}

export function parseAddress(value: unknown, what: string): string {
  if (typeof value === 'string' && ADDRESS.test(value)) return value.toLowerCase();
  throw badResponse(what);
}

export function parseNullableAddress(value: unknown, what: string): string | null {
  if (value === null || value === undefined || value === '0x' || value === '') return null;
  return parseAddress(value, what);
}

export function parseData(value: unknown, what: string): string {
  if (typeof value === 'string' && DATA.test(value)) return value.toLowerCase();
  throw badResponse(what);
}

export function parseArray(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw badResponse(what);
}

export function parseRecord(value: unknown, what: string): Record<string, unknown> {
  if (isRecord(value)) return value;
  throw badResponse(what);
}
