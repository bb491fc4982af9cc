import ipaddr from 'ipaddr.js';

/**
 * Parses a subscription URL with the WHATWG URL parser, which already turns
 * every IPv4 spelling (2130706433, 0x7f.1, 017700000001) into dotted decimal,
 * so the address check sees what a socket would connect to.
 * Returns the host to resolve, or the IP literal when the URL names one.
 */
export type ParsedTargetUrl =
  | { readonly ok: true; readonly url: URL; readonly hostname: string; readonly ipLiteral: string | undefined }
  | { readonly ok: false; readonly reason: string };

/** Names that are, or resolve to, a local or metadata endpoint whatever DNS says (RFC 6761 for localhost). */
const REFUSED_NAMES = [/^localhost$/, /\.localhost$/, /^metadata\.google\.internal$/, /^metadata\.goog$/, /^instance-data(\.ec2\.internal)?$/];
const LOOPBACK_NAMES = [/^localhost$/, /\.localhost$/];

export function parseTargetUrl(raw: string, options: { readonly allowHttp: boolean }): ParsedTargetUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} is not allowed; use https://` };
  if (url.protocol === 'http:' && !options.allowHttp) return { ok: false, reason: 'http:// is not allowed (subscriptions.allowHttp is false); use https://' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL are not allowed' };
  const hostname = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (hostname === '') return { ok: false, reason: 'the URL has no host' };
  if (ipaddr.isValid(hostname)) return { ok: true, url, hostname, ipLiteral: hostname };
  if (REFUSED_NAMES.some((r) => r.test(hostname)) && !LOOPBACK_NAMES.some((r) => r.test(hostname))) {
    return { ok: false, reason: `${hostname} is a cloud metadata name (not allowed as a webhook target)` };
  }
  return { ok: true, url, hostname, ipLiteral: undefined };
}

/** localhost and *.localhost always mean loopback (RFC 6761): never asked of DNS. */
export function isLoopbackName(hostname: string): boolean {
  return LOOPBACK_NAMES.some((r) => r.test(hostname));
}
