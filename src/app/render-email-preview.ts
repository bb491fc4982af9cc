import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Settings } from '../config/schema.js';
import { buildDigestMessageIds } from '../core/alert/digest-job.js';
import { parseWebhookData } from '../core/alert/parse-webhook-data.js';
import { renderDigest } from '../core/alert/render-digest.js';
import { renderLifecycleEmail } from '../core/alert/render-lifecycle-email.js';
import { buildEmailGroup } from '../core/route/build-email-group.js';
import { DEFAULT_EMAIL_POLICY } from './email-dispatch.js';

/**
 * `chainwatch email preview FILE.json`: the email a movement (a webhook `data`
 * object or whole payload) becomes, as a complete RFC 5322 message (.eml),
 * rendered exactly as the alerter renders a one-movement group email (a whole
 * lifecycle payload: as its follow-up email, e.g. `RETRACTED: ...`).
 * Settings (optional) give explorer links, sender, recipients and subject prefix.
 */
export async function renderEmailPreview(input: unknown, settings: Settings | undefined, detectedAt: Date): Promise<Buffer> {
  const movement = parseWebhookData(input);
  const email = settings?.email;
  const explorerUrls = new Map([...(settings?.chains.values() ?? [])].flatMap((c) => (c.explorerUrl === undefined ? [] : [[c.id, c.explorerUrl] as const])));
  const groupBy = settings?.alerts?.email.groupBy ?? DEFAULT_EMAIL_POLICY.groupBy;
  const group = buildEmailGroup(movement, 'default', groupBy);
  const subjectPrefix = email?.subjectPrefix ?? '[chainwatch]';
  // A lifecycle payload (movement.reorged, .confirmed, .dropped) previews as its follow-up email.
  const rendered =
    movement.event === undefined
      ? renderDigest([{ movement, detectedAt }], { subjectPrefix, explorerUrls, groupLabels: group.labels })
      : renderLifecycleEmail(movement, { subjectPrefix, explorerUrls, at: detectedAt });
  const from = email?.from ?? 'chainwatch@localhost.localdomain';
  const { messageId } = buildDigestMessageIds(group.id, 1, from.split('@')[1] ?? 'chainwatch.invalid');
  const composer = new MailComposer({
    from,
    to: [...(email?.to ?? ['compliance@localhost.localdomain'])],
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId,
    date: detectedAt,
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  return composer.compile().build();
}
