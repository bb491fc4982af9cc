/**
 * XRP Ledger test ledgers (see test/fixtures/ledger/ripple/NOTES.md):
 * - ledger 7501326: RECORDED (mainnet, as rippled's `ledger` method returns it with
 *   expanded API v1 transactions; xrpl.js fixture `ledgerFull7501326.json`);
 * - ledger 7501327: ASSEMBLED around the RECORDED partial payment of xrpl.js
 *   `partialPaymentXRP.json` (API v2 shape: `hash`, `tx_json`, `meta`): parent_hash is
 *   7501326's hash, its own hash is made up (sha256 of a label) and says so.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'ledger', 'ripple');

export function readRippleFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Record<string, unknown>;
}

export const RECORDED_LEDGER = 7_501_326;

export function recordedLedger(): Record<string, unknown> {
  return readRippleFixture('ledgerFull7501326.json');
}

/** The ledger after the recorded one, holding the recorded partial payment (tx_json + meta + hash). */
export function assembledPartialPaymentLedger(parent: Record<string, unknown>): Record<string, unknown> {
  const partial = readRippleFixture('partialPaymentXRP.json') as { tx_json: Record<string, unknown>; meta: Record<string, unknown> };
  const hash = createHash('sha256').update('chainwatch assembled XRPL ledger 7501327').digest('hex').toUpperCase();
  return {
    ledger_index: String(RECORDED_LEDGER + 1),
    ledger_hash: hash,
    hash,
    parent_hash: parent['ledger_hash'],
    closed: true,
    transactions: [{ hash: partial.tx_json['hash'], tx_json: partial.tx_json, meta: partial.meta }],
  };
}
