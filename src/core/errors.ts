/**
 * Errors say whether to retry. Adapters translate foreign errors (ethers codes,
 * nodemailer codes, HTTP statuses) into one of these two; nothing else inspects
 * error strings. Messages are one sentence with identifiers, never secrets.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof RetryableError;
}

/** Removes credentials and query strings from a URL before it reaches a log or error. */
export function redactUrl(url: string): string {
  try {
    // Paths and queries often carry API keys (Infura /v3/<key>), so only scheme and host survive.
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '<invalid url>';
  }
}
