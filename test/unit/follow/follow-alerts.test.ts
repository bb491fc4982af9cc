import { describe, expect, it } from 'vitest';
import { buildWebhookPayload } from '../../../src/core/alert/build-webhook-payload.js';
import { parseWebhookData } from '../../../src/core/alert/parse-webhook-data.js';
import { renderDigest } from '../../../src/core/alert/render-digest.js';
import { renderEmail } from '../../../src/core/alert/render-email.js';
import type { WatchlistRef } from '../../../src/core/movement.js';
import { parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import { RONIN, evmNativeOut } from '../alert/movements.js';

/** Issue #11: what a derived entry's alert says about how its address came to be watched. */
const HOP1 = '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B';
const HOP2 = '0xcd3B766CCDd6AE721141F452C550Ca635964ce71';
const derivedRef: WatchlistRef = {
  address: HOP2, label: RONIN.label, incident: RONIN.incident, source: RONIN.source, tags: ['followed'], owner: 'derived:ronin-2022',
  hop: 2, via: { address: HOP1, txHash: `0x${'5c'.repeat(32)}` }, path: [RONIN.address, HOP1, HOP2],
};
const moved = evmNativeOut({ from: HOP2, watchedAddress: HOP2.toLowerCase(), watchlist: [derivedRef] });

describe('alerts of derived entries', () => {
  it('the queued job keeps hop, via, path and owner through the round trip; old jobs without them still parse', () => {
    const back = parseMovementJob(JSON.parse(JSON.stringify(serializeMovement(moved))));
    expect(back.watchlist).toEqual([derivedRef]);
    const listed = parseMovementJob(JSON.parse(JSON.stringify(serializeMovement(evmNativeOut()))));
    expect(listed.watchlist[0]).not.toHaveProperty('hop');
  });

  it('the webhook carries hop, via and path (not the internal owner); listed refs carry hop 0 only', () => {
    expect(buildWebhookPayload(moved, new Date(0)).data.watchlist).toEqual([
      { address: HOP2, label: RONIN.label, incident: 'ronin-2022', source: RONIN.source, tags: ['followed'], hop: 2, via: { address: HOP1, txHash: `0x${'5c'.repeat(32)}` }, path: [RONIN.address, HOP1, HOP2] },
    ]);
    expect(buildWebhookPayload(evmNativeOut(), new Date(0)).data.watchlist[0]).toEqual({ address: RONIN.address, label: RONIN.label, incident: 'ronin-2022', source: RONIN.source, tags: RONIN.tags, hop: 0 });
  });

  it('emails (single and digest, text and HTML) show the path from the root label, shortened, with the hop', () => {
    const line = 'Ronin Bridge exploiter → 0xAb58…eC9B → 0xcd3B…ce71, hop 2';
    const single = renderEmail(moved, { subjectPrefix: '[cw]' });
    expect(single.text).toContain(`  Path:     ${line}`);
    expect(single.text).toContain(`  Via:      ${HOP1} in 0x${'5c'.repeat(32)}`);
    expect(single.html).toContain(`<br>Path:     ${line}`);
    const digest = renderDigest([{ movement: moved, detectedAt: new Date(0) }], { subjectPrefix: '', explorerUrls: new Map() });
    expect(digest.text).toContain(`  Path:    ${line}`);
    expect(digest.html).toContain(`<br>Path: ${line}`);
    expect(renderEmail(evmNativeOut(), { subjectPrefix: '' }).text).not.toContain('Path:');
  });

  it('a root label with markup or line breaks is neutralised in the path line', () => {
    const hostile = evmNativeOut({ watchlist: [{ ...derivedRef, label: 'Evil <script>\r\nBcc: x@y' }] });
    const r = renderEmail(hostile, { subjectPrefix: '' });
    expect(r.text).toContain('Path:     Evil <script> Bcc: x@y → ');
    expect(r.html).not.toContain('<script>');
  });

  it('email preview reads hop, via and path back from a webhook body', () => {
    const m = parseWebhookData(buildWebhookPayload(moved, new Date(0)));
    expect(m.watchlist[0]).toMatchObject({ hop: 2, via: derivedRef.via, path: derivedRef.path });
    expect(parseWebhookData(buildWebhookPayload(evmNativeOut(), new Date(0))).watchlist[0]).not.toHaveProperty('hop');
  });
});
