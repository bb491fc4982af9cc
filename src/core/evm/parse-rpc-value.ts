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
/** Nodes answer in lowercase: such a value is returned as it is (toLowerCase() would copy every hash and address). */
const LOWER_HASH = /^0x[0-9a-f]{64}$/;
const LOWER_ADDRESS = /^0x[0-9a-f]{40}$/;
const LOWER_DATA = /^0x([0-9a-f]{2})*$/;

/**
 * `what` names the value; `subject` (a block number, a transaction hash), when given, follows it in the
 * message. Kept apart so the hot normalisers build no message string for the values that are fine (a
 * template per field of every transaction and log allocated as much as parsing the JSON did).
 */
export function badResponse(what: string, subject?: string | number): RetryableError {
  return new RetryableError('RPC_BAD_RESPONSE', `the RPC node returned an invalid ${subject === undefined ? what : `${what} ${subject}`}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseQuantityBigInt(value: unknown, what: string, subject?: string | number): bigint {
  if (typeof value === 'string' && (QUANTITY.test(value) || LOOSE_QUANTITY.test(value))) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw badResponse(what, subject);
}

/** "0x" and at most 13 hex digits: below 2^52, so Number() converts it exactly. */
const MAX_EXACT_HEX_LENGTH = 15;

export function parseQuantity(value: unknown, what: string, subject?: string | number): number {
  // Block numbers, indexes and nonces are short: converted without a BigInt (thousands per block).
  if (typeof value === 'string' && value.length <= MAX_EXACT_HEX_LENGTH && LOOSE_QUANTITY.test(value)) return Number(value);
  const n = parseQuantityBigInt(value, what, subject);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw badResponse(what, subject);
  return Number(n);
}

export function parseHash(value: unknown, what: string, subject?: string | number): string {
  if (typeof value === 'string' && LOWER_HASH.test(value)) return value;
  if (typeof value === 'string' && HASH.test(value)) return value.toLowerCase();
  throw badResponse(what, subject);
}

export function parseAddress(value: unknown, what: string, subject?: string | number): string {
  if (typeof value === 'string' && LOWER_ADDRESS.test(value)) return value;
  if (typeof value === 'string' && ADDRESS.test(value)) return value.toLowerCase();
  throw badResponse(what, subject);
}

export function parseNullableAddress(value: unknown, what: string, subject?: string | number): string | null {
  if (value === null || value === undefined || value === '0x' || value === '') return null;
  return parseAddress(value, what, subject);
}

export function parseData(value: unknown, what: string, subject?: string | number): string {
  if (typeof value === 'string' && LOWER_DATA.test(value)) return value;
  if (typeof value === 'string' && DATA.test(value)) return value.toLowerCase();
  throw badResponse(what, subject);
}

export function parseArray(value: unknown, what: string, subject?: string | number): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw badResponse(what, subject);
}

export function parseRecord(value: unknown, what: string, subject?: string | number): Record<string, unknown> {
  if (isRecord(value)) return value;
  throw badResponse(what, subject);
}
