/**
 * What may reach a mail header: CR, LF and every other control character
 * (C0, DEL, C1, Unicode line/paragraph separators) become one space, runs of
 * whitespace collapse, and the ends are trimmed. Watchlist labels come from
 * imported public lists, so they are untrusted: no header injection, no
 * forged second header line.
 */
export function sanitizeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}
