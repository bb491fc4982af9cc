/**
 * The fault suite's ledger: from what the scenario did (every transaction it
 * sent, where each one ended up) and what the receivers accepted, decide per
 * channel what was delivered once, lost, repeated within the in-flight bound,
 * duplicated beyond it, or unexpected. Pure: no I/O, no clock.
 */

/** What the scenario knows about one transaction it sent. */
export interface ScriptedTx {
  readonly chain: string;
  /** Lowercase (EVM 0x-hex, Bitcoin txid hex). */
  readonly txHash: string;
  /** Touches a watched address (one movement), or unrelated traffic (none). */
  readonly watched: boolean;
  /** Block hash in the final canonical chain; undefined when a reorg dropped it for good. */
  readonly finalBlockHash: string | undefined;
  /** Blocks that held it and were orphaned by a reorg (lowercase). */
  readonly orphanedBlockHashes: readonly string[];
}

export interface LedgerWebhook {
  readonly webhookId: string;
  readonly type: string;
  readonly txHash: string | undefined;
  readonly blockHash: string | undefined;
  readonly orphanedBlockHash: string | undefined;
  readonly signatureValid: boolean;
  readonly at: number;
}

export interface LedgerEmail {
  readonly messageId: string;
  /** Known transaction hashes found in its text. */
  readonly txHashes: readonly string[];
  readonly retraction: boolean;
  readonly at: number;
}

/**
 * A moment when deliveries in flight could have been sent without their
 * completion being recorded: a process running the alerter killed, Redis
 * killed or cut off. `slots` = how many deliveries per channel could be in
 * flight then (worker concurrency times alerter processes affected).
 */
export interface Disruption {
  readonly at: number;
  /** For a stretch (Redis unreachable): when it ended; a kill is an instant. */
  readonly until?: number;
  readonly what: string;
  readonly webhookSlots: number;
  readonly emailSlots: number;
}

export interface ChannelTally {
  readonly movements: number;
  readonly deliveredOnce: number;
  readonly lost: readonly string[];
  /** Distinct deliveries (webhook-ids / Message-IDs) beyond one for a movement. */
  readonly duplicated: readonly string[];
  /** The same webhook-id / Message-ID accepted again, explained by a disruption it was in flight at. */
  readonly repeatsWithinBound: number;
  /** The same id accepted again with no disruption left to explain it. */
  readonly repeatsBeyondBound: readonly string[];
  /** The movements (chain:txHash) those repeats carried. */
  readonly repeatedBeyondBound: readonly string[];
  readonly unexpected: readonly string[];
  readonly retractionsExpected: number;
  readonly retractionsSent: number;
  readonly missingRetractions: readonly string[];
  readonly badSignatures: number;
}

export interface Ledger {
  readonly movements: number;
  readonly deliveredOnce: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly webhook: ChannelTally;
  readonly email: ChannelTally;
  readonly ok: boolean;
}

export interface LedgerInput {
  readonly txs: readonly ScriptedTx[];
  readonly webhooks: readonly LedgerWebhook[];
  readonly emails: readonly LedgerEmail[];
  readonly disruptions: readonly Disruption[];
  /** movement.reorged is implemented (retractions expected, re-mined transactions re-detected in their new block). */
  readonly retractionsImplemented: boolean;
}

export function buildLedger(input: LedgerInput): Ledger {
  const webhook = tallyWebhooks(input);
  const email = tallyEmails(input);
  const expected = input.txs.filter((t) => t.watched && t.finalBlockHash !== undefined);
  const failedOn = (key: string, lists: readonly (readonly string[])[]): boolean => lists.some((l) => l.includes(key));
  let lost = 0;
  let duplicated = 0;
  let deliveredOnce = 0;
  for (const t of expected) {
    const key = `${t.chain}:${t.txHash}`;
    const isLost = failedOn(key, [webhook.lost, email.lost]);
    const isDup = failedOn(key, [webhook.duplicated, email.duplicated, webhook.repeatedBeyondBound, email.repeatedBeyondBound]);
    if (isLost) lost++;
    if (isDup) duplicated++;
    if (!isLost && !isDup) deliveredOnce++;
  }
  const ok =
    lost === 0 &&
    duplicated === 0 &&
    [webhook, email].every((c) => c.unexpected.length === 0 && c.missingRetractions.length === 0 && c.repeatsBeyondBound.length === 0 && c.badSignatures === 0);
  return { movements: expected.length, deliveredOnce, lost, duplicated, webhook, email, ok };
}

/**
 * Repeats (same id received again), each charged to the first disruption at or after the id's first
 * delivery (the one it was in flight at) that still has a slot and came before the repeat.
 */
function boundRepeats(repeats: readonly { id: string; firstAt: number; at: number }[], disruptions: readonly Disruption[], slotsOf: (d: Disruption) => number): { within: number; beyond: string[] } {
  const left = disruptions.map((d) => ({ d, free: slotsOf(d), used: new Set<string>() }));
  let within = 0;
  const beyond: string[] = [];
  for (const r of [...repeats].sort((a, b) => a.at - b.at)) {
    // A repeat of an id already charged to a disruption (sent three times over two kills) needs another one.
    const candidate = left
      .filter((l) => l.d.at <= r.at && (l.d.until ?? l.d.at) >= r.firstAt && !l.used.has(r.id) && l.free > 0)
      .sort((a, b) => a.d.at - b.d.at)[0];
    if (candidate === undefined) {
      beyond.push(r.id);
      continue;
    }
    candidate.free--;
    candidate.used.add(r.id);
    within++;
  }
  return { within, beyond };
}

function tallyWebhooks(input: LedgerInput): ChannelTally {
  const byTx = new Map(input.txs.map((t) => [t.txHash, t]));
  const firstById = new Map<string, LedgerWebhook>();
  const repeats: { id: string; firstAt: number; at: number }[] = [];
  let badSignatures = 0;
  for (const w of [...input.webhooks].sort((a, b) => a.at - b.at)) {
    if (!w.signatureValid) badSignatures++;
    const first = firstById.get(w.webhookId);
    if (first === undefined) firstById.set(w.webhookId, w);
    else repeats.push({ id: w.webhookId, firstAt: first.at, at: w.at });
  }
  const unexpected: string[] = [];
  const detectionsByTx = new Map<string, LedgerWebhook[]>();
  const retractionsByTx = new Map<string, LedgerWebhook[]>();
  for (const w of firstById.values()) {
    const tx = w.txHash === undefined ? undefined : byTx.get(w.txHash);
    if (tx === undefined || !tx.watched) {
      unexpected.push(`${w.type} ${w.webhookId} for ${w.txHash ?? 'no txHash'}${tx === undefined ? ' (not sent by the scenario)' : ' (unrelated traffic)'}`);
      continue;
    }
    const into = w.type === 'movement.reorged' ? retractionsByTx : w.type === 'movement.detected' ? detectionsByTx : undefined;
    if (into === undefined) {
      unexpected.push(`${w.type} ${w.webhookId} for ${tx.txHash} (event type the scenario does not expect)`);
      continue;
    }
    into.set(tx.txHash, [...(into.get(tx.txHash) ?? []), w]);
  }

  const lost: string[] = [];
  const duplicated: string[] = [];
  const missingRetractions: string[] = [];
  let retractionsExpected = 0;
  let retractionsSent = 0;
  let deliveredOnce = 0;
  let movements = 0;
  for (const tx of input.txs) {
    if (!tx.watched) continue;
    const key = `${tx.chain}:${tx.txHash}`;
    const detections = detectionsByTx.get(tx.txHash) ?? [];
    const retractions = retractionsByTx.get(tx.txHash) ?? [];
    if (input.retractionsImplemented) {
      // Each alerted orphaned block needs exactly one retraction; the final block exactly one detection.
      const orphanedDetections = detections.filter((d) => d.blockHash !== undefined && tx.orphanedBlockHashes.includes(d.blockHash));
      const finalDetections = detections.filter((d) => d.blockHash === tx.finalBlockHash);
      for (const d of detections) if (!orphanedDetections.includes(d) && !finalDetections.includes(d)) unexpected.push(`movement.detected ${d.webhookId} for ${key} in block ${d.blockHash ?? '?'} (neither its final nor an orphaned block)`);
      for (const d of orphanedDetections) {
        retractionsExpected++;
        const matching = retractions.filter((r) => r.orphanedBlockHash === d.blockHash);
        retractionsSent += Math.min(1, matching.length);
        if (matching.length === 0) missingRetractions.push(`${key} alerted in orphaned block ${d.blockHash ?? '?'}`);
        if (matching.length > 1) duplicated.push(key);
      }
      for (const r of retractions) if (!orphanedDetections.some((d) => d.blockHash === r.orphanedBlockHash)) unexpected.push(`movement.reorged ${r.webhookId} for ${key} without a detection in block ${r.orphanedBlockHash ?? '?'}`);
      if (tx.finalBlockHash === undefined) continue;
      movements++;
      if (finalDetections.length === 0) lost.push(key);
      else if (finalDetections.length > 1) duplicated.push(key);
      else deliveredOnce++;
      continue;
    }
    // Today: a movement's id does not depend on its block, so a re-mined transaction keeps its one alert and nothing is retracted.
    if (retractions.length > 0) unexpected.push(`movement.reorged for ${key} while retractions are not implemented`);
    if (tx.finalBlockHash === undefined) {
      // Dropped by a reorg: it may have been alerted before the reorg (at most once), never after.
      if (detections.length > 1) duplicated.push(key);
      continue;
    }
    movements++;
    if (detections.length === 0) lost.push(key);
    else if (detections.length > 1) duplicated.push(key);
    else deliveredOnce++;
  }
  const bounded = boundRepeats(repeats, input.disruptions, (d) => d.webhookSlots);
  const keyOf = (txHash: string | undefined): string[] => {
    const t = txHash === undefined ? undefined : byTx.get(txHash);
    return t === undefined ? [] : [`${t.chain}:${t.txHash}`];
  };
  const repeatedBeyondBound = bounded.beyond.flatMap((id) => keyOf(firstById.get(id)?.txHash));
  return { movements, deliveredOnce, lost, duplicated, repeatsWithinBound: bounded.within, repeatsBeyondBound: bounded.beyond, repeatedBeyondBound, unexpected, retractionsExpected, retractionsSent, missingRetractions, badSignatures };
}

function tallyEmails(input: LedgerInput): ChannelTally {
  const byTx = new Map(input.txs.map((t) => [t.txHash, t]));
  const firstById = new Map<string, LedgerEmail>();
  const repeats: { id: string; firstAt: number; at: number }[] = [];
  for (const e of [...input.emails].sort((a, b) => a.at - b.at)) {
    const first = firstById.get(e.messageId);
    if (first === undefined) firstById.set(e.messageId, e);
    else repeats.push({ id: e.messageId, firstAt: first.at, at: e.at });
  }
  const unexpected: string[] = [];
  const alertsByTx = new Map<string, number>();
  const retractionsByTx = new Map<string, number>();
  for (const e of firstById.values()) {
    for (const h of e.txHashes) {
      const tx = byTx.get(h);
      if (tx === undefined || !tx.watched) {
        unexpected.push(`email ${e.messageId} mentions ${h} (unrelated traffic)`);
        continue;
      }
      const into = e.retraction ? retractionsByTx : alertsByTx;
      into.set(h, (into.get(h) ?? 0) + 1);
    }
  }
  const lost: string[] = [];
  const duplicated: string[] = [];
  const missingRetractions: string[] = [];
  let movements = 0;
  let deliveredOnce = 0;
  let retractionsExpected = 0;
  let retractionsSent = 0;
  for (const tx of input.txs) {
    if (!tx.watched) continue;
    const key = `${tx.chain}:${tx.txHash}`;
    const alerts = alertsByTx.get(tx.txHash) ?? 0;
    const retractions = retractionsByTx.get(tx.txHash) ?? 0;
    if (input.retractionsImplemented && tx.orphanedBlockHashes.length > 0) {
      // Email does not carry block hashes the suite can match: an alert in an orphaned block asks for one retraction
      // email, and a re-mined transaction is alerted again.
      const finalAlerts = tx.finalBlockHash === undefined ? 0 : 1;
      const orphanedAlerts = alerts - finalAlerts;
      retractionsExpected += Math.max(0, orphanedAlerts);
      retractionsSent += Math.min(retractions, Math.max(0, orphanedAlerts));
      if (retractions < orphanedAlerts) missingRetractions.push(key);
      if (retractions > Math.max(0, orphanedAlerts)) duplicated.push(key);
      if (tx.finalBlockHash === undefined) continue;
      movements++;
      if (alerts === 0) lost.push(key);
      else if (orphanedAlerts > tx.orphanedBlockHashes.length) duplicated.push(key);
      else deliveredOnce++;
      continue;
    }
    if (retractions > 0 && !input.retractionsImplemented) unexpected.push(`retraction email for ${key} while retractions are not implemented`);
    if (tx.finalBlockHash === undefined) {
      if (alerts > 1) duplicated.push(key);
      continue;
    }
    movements++;
    if (alerts === 0) lost.push(key);
    else if (alerts > 1) duplicated.push(key);
    else deliveredOnce++;
  }
  const bounded = boundRepeats(repeats, input.disruptions, (d) => d.emailSlots);
  const repeatedBeyondBound = bounded.beyond.flatMap((id) => (firstById.get(id)?.txHashes ?? []).flatMap((h) => {
    const t = byTx.get(h);
    return t === undefined ? [] : [`${t.chain}:${t.txHash}`];
  }));
  return { movements, deliveredOnce, lost, duplicated, repeatsWithinBound: bounded.within, repeatsBeyondBound: bounded.beyond, repeatedBeyondBound, unexpected, retractionsExpected, retractionsSent, missingRetractions, badSignatures: 0 };
}

/** The suite's last line. */
export function formatSummary(ledger: Ledger, faults: number): string {
  return `${ledger.movements} movements, ${ledger.deliveredOnce} delivered once, ${ledger.lost} lost, ${ledger.duplicated} duplicated, ${faults} faults injected`;
}
