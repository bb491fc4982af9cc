import type { Movement, MovementEvent } from '../movement.js';
import { escapeHtml } from './render-email.js';
import { renderDigest, type RenderedDigest } from './render-digest.js';
import { sanitizeHeaderValue } from './sanitize-header-value.js';

export interface RenderLifecycleOptions {
  /** settings.email.subjectPrefix; prepended when not empty. */
  readonly subjectPrefix: string;
  readonly explorerUrls: ReadonlyMap<string, string>;
  /** When the lifecycle event was fanned out (the row time of the movement). */
  readonly at: Date;
}

/** The word that starts the subject, so the inbox shows what happened without opening the email. */
export const LIFECYCLE_SUBJECT_WORDS: Readonly<Record<Exclude<MovementEvent, 'movement.detected'>, string>> = {
  'movement.reorged': 'RETRACTED',
  'movement.confirmed': 'CONFIRMED',
  'movement.dropped': 'DROPPED',
};

/**
 * A short follow-up email in the movement's thread (issue #10): `RETRACTED: ...` when
 * the block it was alerted in was orphaned by a reorg, `CONFIRMED: ...` when the block
 * reached the chain's finality, `DROPPED: ...` when a mempool sighting left the mempool
 * unmined. The subject repeats the original alert's one-line summary; the body says
 * what changed, then shows the movement as it was alerted. Pure and deterministic.
 */
export function renderLifecycleEmail(m: Movement, options: RenderLifecycleOptions): RenderedDigest {
  const event = m.event ?? 'movement.detected';
  if (event === 'movement.detected') throw new Error('renderLifecycleEmail needs a lifecycle event, not movement.detected');
  const original = renderDigest([{ movement: m, detectedAt: options.at }], { subjectPrefix: '', explorerUrls: options.explorerUrls });
  const word = LIFECYCLE_SUBJECT_WORDS[event];
  const prefix = options.subjectPrefix.trim();
  const subject = sanitizeHeaderValue(`${prefix === '' ? '' : `${prefix} `}${word}: ${original.subject}`);
  const block = m.blockNumber === null ? 'the mempool' : `block ${m.blockNumber} (${m.blockHash ?? 'unknown hash'})`;
  const lead = leadOf(event, m, block);
  const text = [`${word}: ${lead}`, '', '--- The movement as alerted ---', original.text].join('\n');
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p><strong>${escapeHtml(word)}</strong>: ${escapeHtml(lead)}</p>`,
    '<hr><p>The movement as alerted:</p>',
    original.html.replace(/^[\s\S]*?<body>/, '').replace(/<\/body>[\s\S]*$/, ''),
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}

function leadOf(event: Exclude<MovementEvent, 'movement.detected'>, m: Movement, block: string): string {
  switch (event) {
    case 'movement.reorged':
      return [
        `the earlier alert for transaction ${sanitizeHeaderValue(m.txHash)} on ${m.chain} is retracted.`,
        `Its ${block} left the canonical chain in a reorganisation${m.reorg === undefined ? '' : ` (seen ${m.reorg.detectedAt})`},`,
        'so the movement below did not happen as alerted. If the transaction is mined again, chainwatch alerts it again with its new block.',
      ].join(' ');
    case 'movement.confirmed':
      return `transaction ${sanitizeHeaderValue(m.txHash)} on ${m.chain} in ${block} has reached the chain's finality (${m.confirmations} confirmations or the node's finalized block); it will not be reorganised away.`;
    case 'movement.dropped':
      return `transaction ${sanitizeHeaderValue(m.txHash)} on ${m.chain}, alerted from the mempool, left the mempool without being mined (replaced or expired). The movement below did not happen; chainwatch alerts again if it is mined.`;
  }
}
