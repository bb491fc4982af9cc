import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { runChainwatch, type RunningChainwatch } from '../../src/app/run-chainwatch.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from './redis.js';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.js';
import { waitFor } from './wait-for.js';
import { startWebhookCapture, type CapturedWebhook, type WebhookCapture } from './webhook-capture.js';

export interface ChainwatchPipeline {
  readonly smtp: SmtpCapture;
  readonly hooks: WebhookCapture;
  /** Every log line chainwatch wrote (debug and up), for retry and secret-leak checks. */
  readonly logLines: readonly string[];
  readonly hooksFor: (txHash: string) => CapturedWebhook[];
  readonly emailsFor: (txHash: string) => string[];
  /** Waits until a transaction has both a webhook and an email, and returns the first of each. */
  readonly waitForAlert: (txHash: string, options?: { readonly timeoutMs?: number }) => Promise<{ hook: CapturedWebhook; email: string }>;
  readonly close: () => Promise<void>;
}

/**
 * chainwatch as an operator runs it: config files in a temp dir (the chains, a
 * watchlist, email to a real SMTP sink, one signed webhook to a real receiver),
 * real Redis under a unique prefix, poller and alerter roles. Everything is torn
 * down by close(); a start that fails tears down what it had started.
 */
export async function startChainwatchPipeline(options: { readonly name: string; readonly chains: Record<string, Record<string, unknown>>; readonly entries: readonly Record<string, unknown>[] }): Promise<ChainwatchPipeline> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _enc, done) => void (logLines.push(chunk.toString()), done()) }));
  const smtp = await startSmtpCapture();
  const hooks = await startWebhookCapture(secret);
  const configDir = mkdtempSync(join(tmpdir(), `chainwatch-e2e-${options.name}-`));
  const prefix = uniqueRedisPrefix(`e2e-${options.name}`);
  mkdirSync(join(configDir, 'watchlists'), { recursive: true });
  writeFileSync(
    join(configDir, 'chainwatch.yaml'),
    stringify({
      chains: options.chains,
      email: { smtpUrl: smtp.url, from: 'chainwatch@example.com', to: ['compliance@example.com'] },
      // One prompt email per movement (issue #8 grouping would hold later ones for groupIntervalMs).
      alerts: { email: { minSeverity: 'info', groupBy: ['incident', 'direction', 'kind'], groupWaitMs: 0, groupIntervalMs: 0 } },
      webhooks: [{ id: 'exchange-a', url: hooks.url, secret }],
      redis: { url: TEST_REDIS_URL, prefix },
      reloadIntervalMs: 200,
    }),
  );
  writeFileSync(join(configDir, 'watchlists', `${options.name}.yaml`), stringify({ entries: options.entries }));
  let running: RunningChainwatch | undefined;
  const close = async () => {
    await running?.close();
    await smtp.close();
    await hooks.close();
    await deleteRedisPrefix(prefix);
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    running = await runChainwatch({ configDir, roles: ['poller', 'alerter'], logger, deliveryBackoffMs: 50 });
  } catch (err) {
    await close();
    throw err;
  }
  const hooksFor = (txHash: string) => hooks.received.filter((h) => h.body.data['txHash'] === txHash);
  const emailsFor = (txHash: string) => smtp.messages.map((m) => m.text ?? '').filter((t) => t.includes(txHash));
  const waitForAlert = (txHash: string, wait: { readonly timeoutMs?: number } = {}) =>
    waitFor(
      () => {
        const [hook] = hooksFor(txHash);
        const [email] = emailsFor(txHash);
        return hook !== undefined && email !== undefined ? { hook, email } : undefined;
      },
      { what: `alerts for ${txHash}`, timeoutMs: wait.timeoutMs ?? 60_000 },
    );
  return { smtp, hooks, logLines, hooksFor, emailsFor, waitForAlert, close };
}
