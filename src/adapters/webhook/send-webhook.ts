import { PermanentError, RetryableError, redactUrl } from '../../core/errors.js';
import { signWebhook } from '../../core/alert/sign-webhook.js';

export const WEBHOOK_USER_AGENT = 'chainwatch-webhook/1 (+https://www.standardwebhooks.com/)';

export interface SendWebhookParams {
  /** Configured webhook id, for messages. */
  readonly webhookId: string;
  readonly url: string;
  readonly secret: string;
  /** The `webhook-id` header: delivery key, identical on every retry. */
  readonly deliveryId: string;
  /** The exact JSON body; signed byte for byte. */
  readonly body: string;
  readonly timeoutMs: number;
  /** This attempt's time: becomes `webhook-timestamp` and resolves an HTTP-date Retry-After. */
  readonly now: Date;
}

export interface SendWebhookResult {
  readonly status: number;
}

/**
 * A retryable webhook failure that carries the receiver's Retry-After (408,
 * 429, 503...) so the retry policy can wait at least that long.
 */
export class WebhookRetryableError extends RetryableError {
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(code: string, message: string, options: { cause?: unknown; retryAfterMs?: number | undefined; status?: number | undefined } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

/**
 * POSTs one signed Standard Webhooks delivery. 2xx is success.
 * 408, 429, 5xx, network errors and timeouts are retryable (RetryableError,
 * with Retry-After exposed as `retryAfterMs`); 410 Gone and every other
 * non-2xx status are permanent. Redirects are not followed: a signed alert is
 * only sent to the URL the operator configured. Errors name the webhook id and
 * the redacted URL (scheme and host), never the path, query or secret.
 */
export async function sendWebhook(params: SendWebhookParams): Promise<SendWebhookResult> {
  const { webhookId, url, secret, deliveryId, body, timeoutMs, now } = params;
  const where = `webhook ${webhookId} (${redactUrl(url)})`;
  const headers = signWebhook({ secret, id: deliveryId, timestampSeconds: Math.floor(now.getTime() / 1000), body });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT, ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw new WebhookRetryableError('WEBHOOK_TIMEOUT', `${where} did not answer within ${timeoutMs} ms`, { cause: stripUrl(err) });
    }
    throw new WebhookRetryableError('WEBHOOK_UNREACHABLE', `${where} is unreachable (${networkCode(err) ?? 'network error'})`, { cause: stripUrl(err) });
  }
  // Free the connection; receivers' bodies are not used.
  await res.body?.cancel().catch(() => undefined);
  const status = res.status;
  if (status >= 200 && status < 300) return { status };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now);
    throw new WebhookRetryableError('WEBHOOK_RETRYABLE_STATUS', `${where} answered HTTP ${status}`, { retryAfterMs, status });
  }
  if (status === 410) {
    throw new PermanentError('WEBHOOK_GONE', `${where} answered HTTP 410 Gone; the receiver asks not to be sent this again`);
  }
  throw new PermanentError('WEBHOOK_REJECTED', `${where} answered HTTP ${status}`);
}

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function networkCode(err: unknown): string | undefined {
  const cause = err instanceof Error ? err.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

/** undici errors may quote the request URL; keep only name, message and code in the cause chain. */
function stripUrl(err: unknown): Error {
  const code = networkCode(err);
  const e = new Error(`${err instanceof Error ? err.name : 'Error'}${code === undefined ? '' : ` ${code}`}`);
  return e;
}
