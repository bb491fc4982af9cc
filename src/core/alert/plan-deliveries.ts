/**
 * Fan-out of one movement into deliveries: one email (if email is configured
 * and enabled) and one per enabled webhook. Each delivery has a deterministic
 * job id (movement job id + subscriber), so a re-run of the fan-out after a
 * crash enqueues nothing twice.
 */
export interface PlannedDelivery {
  readonly channel: 'email' | 'webhook';
  /** 'email' or the webhook id; the metrics label `target`. */
  readonly target: string;
  readonly jobId: string;
}

export function planDeliveries(
  movementJobId: string,
  targets: { readonly email: { readonly enabled: boolean } | undefined; readonly webhooks: readonly { readonly id: string; readonly enabled: boolean }[] },
): readonly PlannedDelivery[] {
  const out: PlannedDelivery[] = [];
  if (targets.email !== undefined && targets.email.enabled) {
    out.push({ channel: 'email', target: 'email', jobId: `${movementJobId}-email` });
  }
  for (const w of targets.webhooks) {
    if (w.enabled) out.push({ channel: 'webhook', target: w.id, jobId: `${movementJobId}-${w.id}` });
  }
  return out;
}
