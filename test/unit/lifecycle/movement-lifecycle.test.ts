/** Issue #10 lifecycle, pure parts: retraction building, orphaned blocks, re-detection ids, payload, email routing and rendering, subscription filter. */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { renderEmailPreview } from '../../../src/app/render-email-preview.js';
import { buildWebhookPayload } from '../../../src/core/alert/build-webhook-payload.js';
import { parseWebhookData } from '../../../src/core/alert/parse-webhook-data.js';
import { buildWebhookId } from '../../../src/core/alert/sign-webhook.js';
import { buildLifecycleMessageId, lifecycleJobId } from '../../../src/core/alert/lifecycle-email-job.js';
import { renderLifecycleEmail } from '../../../src/core/alert/render-lifecycle-email.js';
import { buildRetraction } from '../../../src/core/lifecycle/build-retraction.js';
import { findOrphanedBlocks } from '../../../src/core/lifecycle/find-orphaned-blocks.js';
import { markRedetections } from '../../../src/core/lifecycle/mark-redetections.js';
import { movementJobId, parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import { routeWantsEvent, type EmailRoute } from '../../../src/core/route/email-route.js';
import { matchSubscription } from '../../../src/core/route/match-subscription.js';
import { evmNativeOut, RONIN } from '../alert/movements.js';

const ORPHANED = '0x' + 'cd'.repeat(32);
const NEW_BLOCK = '0x' + 'ef'.repeat(32);
const AT = new Date('2026-11-30T12:00:00.000Z');

describe('buildRetraction', () => {
  it('keeps the original movement and adds the orphaned block and when the reorg was seen', () => {
    const original = { ...evmNativeOut(), legacyIds: ['old-id'], enrichment: { severity: 'high' as const, usdValue: '4500.00', assetKnown: true, spoofed: false } };
    const retraction = buildRetraction(original, ORPHANED, AT);
    const { legacyIds: _l, ...kept } = original;
    expect(retraction).toEqual({ ...kept, event: 'movement.reorged', reorg: { orphanedBlockHash: ORPHANED, detectedAt: '2026-11-30T12:00:00.000Z' } });
  });

  it('job ids: one per movement and orphaned block, distinct from the detection, stable across re-runs', () => {
    const original = evmNativeOut();
    const a = movementJobId(buildRetraction(original, ORPHANED, AT));
    expect(a).toBe(`${original.id}-reorged-${'cd'.repeat(32)}`);
    // detectedAt is not part of the id: a repeated rewind (another clock reading) queues the same job.
    expect(movementJobId(buildRetraction(original, ORPHANED, new Date(0)))).toBe(a);
    expect(movementJobId(buildRetraction(original, NEW_BLOCK, AT))).not.toBe(a);
    expect(a).not.toContain(':');
    expect(buildWebhookId(a, 'soc')).toBe(`${original.id}-reorged-${'cd'.repeat(32)}-soc`);
  });

  it('survives the queue round trip exactly', () => {
    const retraction = buildRetraction({ ...evmNativeOut(), redetectedIn: ORPHANED }, ORPHANED, AT);
    expect(parseMovementJob(JSON.parse(JSON.stringify(serializeMovement(retraction))))).toEqual(retraction);
  });
});

describe('webhook payload of movement.reorged', () => {
  it('is the detection payload with type movement.reorged and data.reorg', () => {
    const original = evmNativeOut();
    const detected = buildWebhookPayload(original, AT);
    const reorged = buildWebhookPayload(buildRetraction(original, ORPHANED, AT), AT);
    expect(reorged.type).toBe('movement.reorged');
    expect(reorged.data).toEqual({ ...detected.data, reorg: { orphanedBlockHash: ORPHANED, detectedAt: AT.toISOString() } });
    expect(detected.data).not.toHaveProperty('reorg');
  });
});

describe('findOrphanedBlocks', () => {
  const recent = [10, 11, 12, 13].map((n) => ({ number: n, hash: `0x${n.toString(16).padStart(64, '0')}` }));
  it('returns the remembered blocks the node now reports under another hash, oldest first', () => {
    const canonical = new Map(recent.map((r) => [r.number, r.hash] as const));
    canonical.set(12, '0x' + '99'.repeat(32));
    canonical.set(13, '0x' + '98'.repeat(32));
    expect(findOrphanedBlocks(recent, canonical)).toEqual([recent[2], recent[3]]);
  });
  it('compares hashes case-insensitively and treats a missing block as orphaned', () => {
    const canonical = new Map(recent.slice(0, 3).map((r) => [r.number, r.hash.toUpperCase().replace('0X', '0x')] as const));
    expect(findOrphanedBlocks(recent, canonical)).toEqual([recent[3]]);
  });
  it('finds nothing when the chain did not change', () => {
    expect(findOrphanedBlocks(recent, new Map(recent.map((r) => [r.number, r.hash] as const)))).toEqual([]);
  });
});

describe('markRedetections', () => {
  it('gives a retracted leg mined again a job id of its own, derived from its new block', () => {
    const plain = evmNativeOut({ blockHash: NEW_BLOCK });
    const other = evmNativeOut({ id: 'ethereum-0x01-native-0x02', blockHash: NEW_BLOCK });
    const [marked, untouched] = markRedetections([plain, other], new Set([plain.id]));
    expect(marked).toEqual({ ...plain, redetectedIn: NEW_BLOCK });
    expect(untouched).toBe(other);
    expect(movementJobId(marked!)).toBe(`${plain.id}-redetected-${'ef'.repeat(32)}`);
    // Re-processing the same block gives the same id (the queue dedupes a replay).
    expect(movementJobId(markRedetections([plain], new Set([plain.id]))[0]!)).toBe(movementJobId(marked!));
  });
  it('leaves mempool sightings and lifecycle events alone', () => {
    const mempool = evmNativeOut({ confirmations: 0, blockNumber: null, blockHash: null });
    const confirmed = evmNativeOut({ event: 'movement.confirmed' });
    expect(markRedetections([mempool, confirmed], new Set([mempool.id]))).toEqual([mempool, confirmed]);
  });
});

describe('routeWantsEvent', () => {
  const routes: EmailRoute[] = [
    { match: {}, to: ['oncall@example.com'], continue: true, events: ['movement.detected', 'movement.confirmed'] },
    { match: {}, to: ['audit@example.com'], continue: false },
  ];
  it('default: detected, reorged and dropped; confirmed only where a route asks for it', () => {
    expect(routeWantsEvent('movement.detected', 'default', routes, {})).toBe(true);
    expect(routeWantsEvent('movement.dropped', 'default', routes, {})).toBe(true);
    expect(routeWantsEvent('movement.confirmed', 'default', routes, {})).toBe(false);
    expect(routeWantsEvent('movement.confirmed', 'route0', routes, {})).toBe(true);
    expect(routeWantsEvent('movement.dropped', 'route0', routes, {})).toBe(false);
    expect(routeWantsEvent('movement.confirmed', 'route1', routes, { events: ['movement.confirmed'] })).toBe(true);
  });
  it('a retraction always reaches a route that got the original', () => {
    expect(routeWantsEvent('movement.reorged', 'route0', routes, {})).toBe(true);
    expect(routeWantsEvent('movement.reorged', 'default', routes, { events: ['movement.detected'] })).toBe(true);
  });
});

describe('renderLifecycleEmail', () => {
  it('RETRACTED: the original one-line summary, and a body that says the alert is retracted and why', () => {
    const original = evmNativeOut();
    const email = renderLifecycleEmail(buildRetraction(original, ORPHANED, AT), { subjectPrefix: '[chainwatch]', explorerUrls: new Map(), at: AT });
    expect(email.subject).toMatch(/^\[chainwatch\] RETRACTED: \[MEDIUM\] Ronin Bridge exploiter: OUT 1\.5 ETH/);
    expect(email.text).toContain(`the earlier alert for transaction ${original.txHash} on ethereum is retracted`);
    expect(email.text).toContain(`block 19000000 (${ORPHANED})`);
    expect(email.text).toContain(RONIN.label);
    expect(email.html).toContain('RETRACTED');
    expect(renderLifecycleEmail(buildRetraction(original, ORPHANED, AT), { subjectPrefix: '[chainwatch]', explorerUrls: new Map(), at: AT })).toEqual(email);
  });
  it('CONFIRMED and DROPPED follow-ups', () => {
    expect(renderLifecycleEmail(evmNativeOut({ event: 'movement.confirmed' }), { subjectPrefix: '', explorerUrls: new Map(), at: AT }).subject).toMatch(/^CONFIRMED: /);
    const dropped = renderLifecycleEmail(evmNativeOut({ event: 'movement.dropped', confirmations: 0, blockNumber: null, blockHash: null }), { subjectPrefix: '[cw]', explorerUrls: new Map(), at: AT });
    expect(dropped.subject).toMatch(/^\[cw\] DROPPED: /);
    expect(dropped.text).toContain('left the mempool without being mined');
  });
  it('refuses a detection (that is a digest email)', () => {
    expect(() => renderLifecycleEmail(evmNativeOut(), { subjectPrefix: '', explorerUrls: new Map(), at: AT })).toThrow(/lifecycle event/);
  });
});

describe('lifecycle email ids', () => {
  it('are deterministic per event key and group, and differ between events and groups', () => {
    const key = movementJobId(buildRetraction(evmNativeOut(), ORPHANED, AT));
    expect(buildLifecycleMessageId('movement.reorged', key, 'abc123', 'example.com')).toBe(buildLifecycleMessageId('movement.reorged', key, 'abc123', 'example.com'));
    expect(buildLifecycleMessageId('movement.reorged', key, 'abc123', 'example.com')).toMatch(/^<chainwatch-abc123-reorged-[0-9a-f]{32}@example\.com>$/);
    expect(lifecycleJobId(key, 'abc123')).not.toBe(lifecycleJobId(key, 'abc124'));
    expect(lifecycleJobId(key, 'abc123')).not.toBe(lifecycleJobId(`${evmNativeOut().id}-confirmed`, 'abc123'));
    expect(lifecycleJobId(key, 'abc123')).not.toContain(':');
  });
});

describe('subscription events filter', () => {
  it('absent: every event type; given: only those types (a detection has no event field)', () => {
    const detected = evmNativeOut();
    const reorged = buildRetraction(detected, ORPHANED, AT);
    expect(matchSubscription(reorged, {}, 't1')).toBeDefined();
    expect(matchSubscription(detected, { events: ['movement.reorged'] }, 't1')).toBeUndefined();
    expect(matchSubscription(reorged, { events: ['movement.reorged'] }, 't1')).toBeDefined();
    expect(matchSubscription(detected, { events: ['movement.detected'] }, 't1')).toBeDefined();
    expect(matchSubscription(evmNativeOut({ event: 'movement.confirmed' }), { events: ['movement.detected', 'movement.reorged'] }, 't1')).toBeUndefined();
  });
});

describe('email preview of a lifecycle payload', () => {
  it('a whole movement.reorged webhook body previews as the RETRACTED follow-up; its data alone as the alert', async () => {
    const payload = JSON.parse(JSON.stringify(buildWebhookPayload(buildRetraction(evmNativeOut(), ORPHANED, AT), AT))) as { data: unknown };
    const parsed = parseWebhookData(payload);
    expect(parsed).toMatchObject({ event: 'movement.reorged', reorg: { orphanedBlockHash: ORPHANED, detectedAt: AT.toISOString() } });
    const eml = await simpleParser(await renderEmailPreview(payload, undefined, AT));
    expect(eml.subject).toMatch(/^\[chainwatch\] RETRACTED: \[MEDIUM\] Ronin Bridge exploiter/);
    expect(eml.text).toContain('is retracted');
    const plain = await simpleParser(await renderEmailPreview(payload.data, undefined, AT));
    expect(plain.subject).toMatch(/^\[chainwatch\] \[MEDIUM\] Ronin Bridge exploiter/);
  });
});
