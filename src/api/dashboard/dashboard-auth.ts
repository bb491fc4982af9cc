import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'cw_session';
/** Every state-changing request with a session cookie must carry it (see isCsrfSafe). */
export const CSRF_HEADER = 'x-chainwatch-csrf';

/** Constant-time comparison: both sides hashed first, so lengths leak nothing either. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * A cross-site form or fetch cannot set a custom header without a CORS
 * preflight (which we never answer), and SameSite=Strict keeps the cookie off
 * cross-site requests anyway; an Origin, when sent, must be our own.
 */
export function isCsrfSafe(request: FastifyRequest): { ok: true } | { ok: false; reason: string } {
  if (request.headers[CSRF_HEADER] !== '1') return { ok: false, reason: `state-changing requests need the ${CSRF_HEADER}: 1 header` };
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) return { ok: false, reason: 'cross-origin request refused' };
  return { ok: true };
}

/**
 * Strict CSP: only our own files. No inline script or style elements (the SPA
 * sets styles through the DOM, which CSP allows); no framing; forms and
 * fetches only to us.
 */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

