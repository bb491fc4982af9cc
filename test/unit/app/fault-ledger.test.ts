/**
 * The fault suite's ledger (test/faults/ledger.ts) decides pass or fail for
 * the whole run, so its rules are pinned here: lost, duplicated, repeats
 * within the in-flight bound, unexpected deliveries, retractions.
 */
import { describe, expect, it } from 'vitest';
import { buildLedger, formatSummary, type Disruption, type LedgerEmail, type LedgerWebhook, type ScriptedTx } from '../../faults/ledger.js';

const tx = (n: number, extra: Partial<ScriptedTx> = {}): ScriptedTx => ({ chain: 'devnet', txHash: `0x${String(n).padStart(64, '0')}`, watched: true, finalBlockHash: `0xb${n}`, orphanedBlockHashes: [], ...extra });
const hook = (t: ScriptedTx, at: number, extra: Partial<LedgerWebhook> = {}): LedgerWebhook => ({ webhookId: `wh-${t.txHash}`, type: 'movement.detected', txHash: t.txHash, blockHash: t.finalBlockHash, orphanedBlockHash: undefined, signatureValid: true, at, ...extra });
const mail = (id: string, txs: readonly ScriptedTx[], at: number, retraction = false): LedgerEmail => ({ messageId: id, txHashes: txs.map((t) => t.txHash), retraction, at });
const kill = (at: number): Disruption => ({ at, what: 'kill -9 alerter', webhookSlots: 1, emailSlots: 1 });

describe('fault suite ledger', () => {
  it('counts a movement delivered once per channel, digests included, and prints the summary', () => {
    const a = tx(1);
    const b = tx(2);
    const ledger = buildLedger({ txs: [a, b, tx(3, { watched: false })], webhooks: [hook(a, 1), hook(b, 2)], emails: [mail('<m1>', [a, b], 3)], disruptions: [], retractionsImplemented: false });
    expect(ledger).toMatchObject({ movements: 2, deliveredOnce: 2, lost: 0, duplicated: 0, ok: true });
    expect(formatSummary(ledger, 7)).toBe('2 movements, 2 delivered once, 0 lost, 0 duplicated, 7 faults injected');
  });

  it('reports a movement missing from one channel as lost, and two distinct deliveries as duplicated', () => {
    const a = tx(1);
    const b = tx(2);
    const ledger = buildLedger({
      txs: [a, b],
      webhooks: [hook(a, 1), hook(b, 2), hook(b, 3, { webhookId: 'another-id' })],
      emails: [mail('<m1>', [b], 3)],
      disruptions: [],
      retractionsImplemented: false,
    });
    expect(ledger).toMatchObject({ lost: 1, duplicated: 1, ok: false });
    expect(ledger.email.lost).toEqual([`devnet:${a.txHash}`]);
    expect(ledger.webhook.duplicated).toEqual([`devnet:${b.txHash}`]);
  });

  it('lets a repeat of the same id through only when a disruption after its first delivery has a free slot', () => {
    const a = tx(1);
    const b = tx(2);
    const c = tx(3);
    const webhooks = [hook(a, 10), hook(b, 11), hook(c, 30), hook(a, 50), hook(b, 51), hook(c, 52)];
    const ledger = buildLedger({ txs: [a, b, c], webhooks, emails: [mail('<m>', [a, b, c], 1)], disruptions: [kill(20)], retractionsImplemented: false });
    // One slot at t=20: a (first at 10) is charged to it; b has no slot left; c was first delivered after the kill.
    expect(ledger.webhook.repeatsWithinBound).toBe(1);
    expect(ledger.webhook.repeatsBeyondBound).toEqual([`wh-${b.txHash}`, `wh-${c.txHash}`]);
    // Beyond the bound is a duplicate in the summary.
    expect(ledger).toMatchObject({ duplicated: 2, deliveredOnce: 1, ok: false });
  });

  it('charges a repeat to the disruption it was in flight at, leaving later ones for later deliveries', () => {
    const a = tx(1);
    const c = tx(3);
    const webhooks = [hook(a, 10), hook(c, 30), hook(a, 50), hook(c, 60)];
    const ledger = buildLedger({ txs: [a, c], webhooks, emails: [mail('<m>', [a, c], 1)], disruptions: [kill(20), kill(40)], retractionsImplemented: false });
    expect(ledger.webhook).toMatchObject({ repeatsWithinBound: 2, repeatsBeyondBound: [] });
    expect(ledger.ok).toBe(true);
  });

  it('flags deliveries for unrelated traffic and for transactions the scenario never sent', () => {
    const a = tx(1);
    const unrelated = tx(2, { watched: false });
    const stranger = tx(9);
    const ledger = buildLedger({ txs: [a, unrelated], webhooks: [hook(a, 1), hook(unrelated, 2), hook(stranger, 3)], emails: [mail('<m>', [a, unrelated], 1)], disruptions: [], retractionsImplemented: false });
    expect(ledger.webhook.unexpected).toHaveLength(2);
    expect(ledger.email.unexpected).toHaveLength(1);
    expect(ledger.ok).toBe(false);
  });

  it('without retractions, a transaction dropped by a reorg may have been alerted once, never twice', () => {
    const dropped = tx(1, { finalBlockHash: undefined, orphanedBlockHashes: ['0xold'] });
    const once = buildLedger({ txs: [dropped], webhooks: [hook(dropped, 1, { blockHash: '0xold' })], emails: [], disruptions: [], retractionsImplemented: false });
    expect(once).toMatchObject({ movements: 0, lost: 0, duplicated: 0, ok: true });
  });

  it('with retractions, an alert in an orphaned block needs exactly one movement.reorged, and the re-mined one its own detection', () => {
    const remined = tx(1, { finalBlockHash: '0xnew', orphanedBlockHashes: ['0xold'] });
    const detectedOld = hook(remined, 1, { webhookId: 'old', blockHash: '0xold' });
    const detectedNew = hook(remined, 3, { webhookId: 'new', blockHash: '0xnew' });
    const retraction = hook(remined, 2, { webhookId: 'reorged', type: 'movement.reorged', blockHash: '0xold', orphanedBlockHash: '0xold' });
    const emails = [mail('<a>', [remined], 1), mail('<r>', [remined], 2, true), mail('<b>', [remined], 3)];
    const complete = buildLedger({ txs: [remined], webhooks: [detectedOld, retraction, detectedNew], emails, disruptions: [], retractionsImplemented: true });
    expect(complete).toMatchObject({ movements: 1, deliveredOnce: 1, ok: true });
    expect(complete.webhook).toMatchObject({ retractionsExpected: 1, retractionsSent: 1 });

    const missing = buildLedger({ txs: [remined], webhooks: [detectedOld, detectedNew], emails, disruptions: [], retractionsImplemented: true });
    expect(missing.webhook.missingRetractions).toHaveLength(1);
    expect(missing.ok).toBe(false);
  });
});
